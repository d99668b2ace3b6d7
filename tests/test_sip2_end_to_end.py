"""A kiosk's day through an independent SIP2 client (the ``sip2`` package from PyPI) against a
real Kaft SIP2 server on a free port: it signs in, shows a member's loans, lends, returns a copy
someone reserved (to the holds shelf) and renews. Runs on SQLite and on PostgreSQL.

The client's own wrapper parses a renew answer as a renew-all answer and builds a renew-all
request without its date; the test uses the client's request and response functions for those.
"""

from __future__ import annotations

import datetime as dt
import sys
import types
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.utils import timezone
from Sip2.sip2 import Sip2

from kaft.catalog.models import ItemStatus
from kaft.circulation.models import HoldStatus, Loan, LoanAction, LoanEvent, LoanStatus
from kaft.circulation.services import hold_place, loan_checkout
from kaft.members.models import Member
from kaft.members.services.kiosk_pin import member_kiosk_pin_set
from kaft.privacy.models import AccessLogEntry, DataPart, MachineRole
from kaft.sip2.models import KioskAccount
from kaft.sip2.tests.conftest import (  # the server fixtures live beside the server's tests
    KIOSK_LOGIN,
    KIOSK_PASSWORD,
    kiosk,  # noqa: F401
    sip2_server,  # noqa: F401
    sip2_server_factory,  # noqa: F401
)
from tests.factories_circulation import make_item, make_member

PIN = "2468"


@pytest.fixture
def ready_notices(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[int]]:
    """The "ready for pickup" notices, caught instead of sent."""
    announced: list[int] = []
    fake = types.ModuleType("kaft.notices.tasks")
    fake.notice_hold_ready = types.SimpleNamespace(delay=announced.append)  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "kaft.notices.tasks", fake)
    yield announced


def client(address: tuple[str, int], isil: str, logs: Path) -> Sip2:
    sip = Sip2()
    sip.hostName, sip.hostPort = address
    sip.tlsEnable = False
    sip.socketTimeout = 10
    sip.logfile_path = str(logs)
    sip.loglevel = "WARNING"
    sip.institutionId = isil
    sip.scLocation = isil
    assert sip.connect()
    return sip


def loans_shown(sip: Sip2) -> list[str]:
    answer = sip.sip_patron_information_response(
        sip.get_response(sip.sip_patron_information_request("charged", "1", "20"))
    )
    assert answer["variable"]["BL"] == ["Y"]
    assert answer["variable"]["CQ"] == ["Y"]
    return sorted(answer["variable"].get("AU", []))


def test_a_kiosk_lends_returns_and_renews_through_an_independent_client(
    sip2_server: tuple[str, int],  # noqa: F811
    kiosk: KioskAccount,  # noqa: F811
    ready_notices: list[int],
    tmp_path: Path,
) -> None:
    branch = kiosk.branch
    member: Member = make_member(home_branch=branch, first_name="Noor", preferred_language="en")
    member_kiosk_pin_set(member=member, pin=PIN, staff=None)
    waiting = make_member(home_branch=branch)
    to_lend = make_item(home_branch=branch)
    reserved = make_item(home_branch=branch)
    to_renew = make_item(home_branch=branch)
    yesterday = timezone.now() - dt.timedelta(days=1)
    for item in (reserved, to_renew):
        loan_checkout(item=item, member=member, staff=None, branch=branch, now=yesterday)
    hold = hold_place(record=reserved.record, member=waiting, pickup_branch=branch, staff=None)
    renew_loan = Loan.objects.get(item=to_renew, status=LoanStatus.OPEN)

    sip = client(sip2_server, branch.isil, tmp_path)
    try:
        # The kiosk signs in and asks what it may do.
        login = sip.sip_login_response(
            sip.get_response(sip.sip_login_request(KIOSK_LOGIN, KIOSK_PASSWORD))
        )
        assert login["fixed"]["Ok"] == "1"
        status = sip.sip_sc_status_response(sip.get_response(sip.sip_sc_status_request()))
        assert status["fixed"]["OnlineStatus"] == "Y"
        assert status["fixed"]["CheckoutOk"] == "Y"
        assert status["variable"]["BX"][0] == "Y" * 16

        # The member scans their card and types the PIN: the kiosk shows their loans.
        sip.patron, sip.patronpwd = member.card_number, PIN
        assert loans_shown(sip) == sorted([reserved.barcode, to_renew.barcode])

        # Lends a copy.
        lent = sip.sip_checkout_response(
            sip.get_response(sip.sip_checkout_request(to_lend.barcode))
        )
        assert lent["fixed"]["Ok"] == "1"
        assert lent["variable"]["AB"] == [to_lend.barcode]
        assert lent["variable"]["AJ"] == [to_lend.record.title]
        assert lent["variable"]["AF"][0].startswith("Borrowed until ")

        # Returns the copy another member reserved: it goes to the holds shelf.
        back = sip.sip_checkin_response(sip.get_response(sip.sip_checkin_request(reserved.barcode)))
        assert back["fixed"]["Ok"] == "1"
        assert back["fixed"]["Alert"] == "Y"
        assert back["variable"]["CV"] == ["01"]
        assert back["variable"]["CL"] == ["2"]
        assert back["variable"]["CT"] == [branch.isil]

        # Renews a loan.
        renewed = sip.sip_renew_response(sip.get_response(sip.sip_renew_request(to_renew.barcode)))
        assert renewed["fixed"]["Ok"] == "1"
        assert renewed["fixed"]["RenewalOk"] == "Y"

        assert loans_shown(sip) == sorted([to_lend.barcode, to_renew.barcode])
        ended = sip.sip_end_patron_session_response(
            sip.get_response(sip.sip_end_patron_session_request())
        )
        assert ended["fixed"]["EndSession"] == "Y"
    finally:
        sip.disconnect()

    assert Loan.objects.get(item=to_lend, status=LoanStatus.OPEN).member == member
    reserved.refresh_from_db()
    hold.refresh_from_db()
    assert reserved.status == ItemStatus.ON_HOLDS_SHELF
    assert hold.status == HoldStatus.READY
    assert ready_notices == [hold.pk]
    renew_loan.refresh_from_db()
    assert renew_loan.renewals == 1
    kiosk_events = LoanEvent.objects.filter(via="kiosk").values_list("action", flat=True)
    assert sorted(kiosk_events) == sorted(
        [LoanAction.CHECKOUT, LoanAction.RETURN, LoanAction.RENEW]
    )
    seen = AccessLogEntry.objects.filter(member=member)
    assert {(e.staff_role, e.staff_name, e.branch_id) for e in seen} == {
        (MachineRole.KIOSK, "Zuil 1", branch.pk)
    }
    assert DataPart.LOANS in {e.part for e in seen}
    assert not AccessLogEntry.objects.filter(member=waiting).exists()

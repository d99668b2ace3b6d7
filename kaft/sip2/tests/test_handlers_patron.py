"""Patron status (23) and patron information (63): what a kiosk sees of a member, and what the
access log says it saw."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from kaft.billing.models import ChargeKind
from kaft.billing.services.charges import charge_create
from kaft.circulation.services import hold_place, loan_checkin, loan_checkout
from kaft.members.models import Address, AddressKind, Member, MemberStatus
from kaft.privacy.models import AccessLogEntry, DataPart, MachineRole
from kaft.sip2.models import NameShown, PatronField
from kaft.sip2.protocol import Request, sip_date
from kaft.sip2.tests.kiosk import (
    PIN,
    everything,
    field,
    kiosk,
    member_with_pin,
    patron_information,
    request,
    send,
    values,
)
from tests.factories_circulation import make_item, make_rule

pytestmark = pytest.mark.django_db


def status_request(card: str, pin: str | None = PIN) -> Request:
    fields = {"AA": card, "AC": ""}
    if pin is not None:
        fields["AD"] = pin
    return request("23", "005" + sip_date(), **fields)


def logged(member: Member) -> list[tuple[str, str, str]]:
    return sorted(
        (e.staff_role, e.staff_name, e.part) for e in AccessLogEntry.objects.filter(member=member)
    )


def test_patron_status_with_the_right_pin_shows_the_first_name_and_logs_it() -> None:
    account = kiosk()
    member = member_with_pin(
        home_branch=account.branch, first_name="Noor", last_name="Dijk", name_prefix="van"
    )

    response = send(account, status_request(member.card_number))

    assert response.command == "24"
    assert response.fixed == " " * 14 + "005" + response.fixed[17:]
    assert len(response.fixed) == 14 + 3 + 18
    assert (field(response, "AE"), field(response, "BL"), field(response, "CQ")) == (
        "Noor",
        "Y",
        "Y",
    )
    assert (field(response, "BH"), field(response, "BV")) == ("EUR", "0.00")
    for code in ("BD", "BE", "BF", "PB"):
        assert field(response, code) is None
    kiosk_name = "Zelfbediening hal"
    assert logged(member) == sorted(
        (MachineRole.KIOSK, kiosk_name, part)
        for part in (DataPart.STATUS, DataPart.IDENTITY, DataPart.PAYMENTS)
    )


@pytest.mark.parametrize(
    ("shown", "name"),
    [
        (NameShown.FULL, "Noor van Dijk"),
        (NameShown.FIRST, "Noor"),
        (NameShown.INITIALS, "N.v.D."),
        (NameShown.NONE, ""),
    ],
)
def test_the_name_is_shown_as_the_account_says(shown: NameShown, name: str) -> None:
    account = kiosk(name_shown=shown)
    member = member_with_pin(first_name="Noor", name_prefix="van", last_name="Dijk")

    response = send(account, status_request(member.card_number))

    assert field(response, "AE") == name
    identity = AccessLogEntry.objects.filter(member=member, part=DataPart.IDENTITY).exists()
    assert identity is (shown != NameShown.NONE)


def test_a_wrong_pin_shows_nothing_of_the_member_and_logs_nothing() -> None:
    account = kiosk()
    member = member_with_pin(first_name="Noor", preferred_language="en")
    member.status = MemberStatus.BLOCKED
    member.save()
    before = everything()

    response = send(account, status_request(member.card_number, pin="0000"))

    assert response.fixed[:17] == " " * 14 + "000"
    assert (field(response, "AE"), field(response, "BL"), field(response, "CQ")) == ("", "Y", "N")
    assert field(response, "BV") is None
    assert values(response, "AF") == ["The PIN is not correct."]
    assert everything() == before


def test_an_unknown_card_is_not_a_valid_patron() -> None:
    account = kiosk()
    before = everything()

    response = send(account, status_request("21990000999999"))

    assert (field(response, "BL"), field(response, "CQ")) == ("N", None)
    assert values(response, "AF") == ["Er is geen lid met dit pasnummer."]
    assert everything() == before


def test_without_a_pin_the_card_is_known_but_nothing_is_shown() -> None:
    account = kiosk()
    member = member_with_pin(first_name="Noor")

    response = send(account, status_request(member.card_number, pin=None))

    assert (field(response, "AE"), field(response, "BL"), field(response, "CQ")) == ("", "Y", None)
    assert values(response, "AF") == ["Voer uw pincode in."]
    assert not AccessLogEntry.objects.exists()


def test_a_blocked_member_has_the_privileges_denied_flags() -> None:
    account = kiosk()
    member = member_with_pin()
    member.status = MemberStatus.BLOCKED
    member.block_reason = "card_lost"
    member.save()

    response = send(account, status_request(member.card_number))

    assert response.fixed[:14] == "YY YY" + " " * 9  # no loans, holds or renewals; card lost


def test_patron_information_counts_and_lists_what_the_summary_asks() -> None:
    account = kiosk()
    make_rule(max_loans=15, max_holds=5)
    member = member_with_pin(home_branch=account.branch, preferred_language="en")
    past = timezone.now() - dt.timedelta(days=40)
    late = make_item(home_branch=account.branch)
    loan_checkout(item=late, member=member, staff=None, branch=account.branch, now=past)
    current = make_item(home_branch=account.branch)
    loan_checkout(item=current, member=member, staff=None, branch=account.branch)
    ready_item = make_item(home_branch=account.branch)
    hold_place(record=ready_item.record, member=member, pickup_branch=account.branch, staff=None)
    loan_checkin(item=ready_item, branch=account.branch, staff=None)
    queued = make_item(home_branch=account.branch, status="on_loan")
    hold_place(record=queued.record, member=member, pickup_branch=account.branch, staff=None)
    charge_create(member=member, kind=ChargeKind.DAMAGE, amount=Decimal("2.50"))

    charged = send(account, patron_information(member.card_number, summary="  Y"))
    overdue = send(account, patron_information(member.card_number, summary=" Y"))
    holds = send(account, patron_information(member.card_number, summary="Y"))
    waiting = send(account, patron_information(member.card_number, summary="     Y"))
    fines = send(account, patron_information(member.card_number, summary="   Y"))

    assert charged.command == "64"
    assert charged.fixed[:17] == " " * 14 + "001"
    assert charged.fixed[35:] == "0001" + "0001" + "0002" + "0001" + "0000" + "0001"
    assert values(charged, "AU") == [late.barcode, current.barcode]
    assert values(overdue, "AT") == [late.barcode]
    assert values(holds, "AS") == [ready_item.record.title]
    assert values(waiting, "CD") == [queued.record.title]
    assert values(fines, "AV") == ["2.50 Damage"]
    assert (field(charged, "BZ"), field(charged, "CB")) == ("0005", "0015")
    assert (field(charged, "BV"), field(charged, "CC")) == ("2.50", "10.00")
    assert field(charged, "CA") is None
    parts = {e.part for e in AccessLogEntry.objects.filter(member=member)}
    assert parts == {
        DataPart.STATUS,
        DataPart.IDENTITY,
        DataPart.LOANS,
        DataPart.HOLDS,
        DataPart.PAYMENTS,
    }


def test_patron_information_keeps_to_the_range_asked() -> None:
    account = kiosk()
    member = member_with_pin(home_branch=account.branch)
    items = [make_item(home_branch=account.branch) for _ in range(3)]
    for item in items:
        loan_checkout(item=item, member=member, staff=None, branch=account.branch)
    req = patron_information(member.card_number, summary="  Y")
    req.fields["BP"] = ["2"]
    req.fields["BQ"] = ["3"]

    response = send(account, req)

    assert len(values(response, "AU")) == 2


def test_contact_fields_only_when_the_account_allows_them() -> None:
    allowed = kiosk(patron_fields=[PatronField.EMAIL, PatronField.ADDRESS, PatronField.PHONE])
    closed = kiosk()
    member = member_with_pin(email="noor@example.org", phone="+31612345678")
    Address.objects.create(
        member=member,
        kind=AddressKind.HOME,
        street="Lange Nieuwstraat",
        house_number="12",
        postcode="3512PH",
        city="Utrecht",
    )

    shown = send(allowed, patron_information(member.card_number))
    hidden = send(closed, patron_information(member.card_number))

    assert field(shown, "BE") == "noor@example.org"
    assert field(shown, "BF") == "+31612345678"
    assert field(shown, "BD") == "Lange Nieuwstraat 12, 3512PH Utrecht"
    assert field(shown, "PB") is None
    for code in ("BD", "BE", "BF", "PB"):
        assert field(hidden, code) is None
    contact = AccessLogEntry.objects.filter(member=member, part=DataPart.CONTACT)
    assert [e.staff_name for e in contact] == ["Zelfbediening hal"]


def test_patron_information_without_the_right_pin_shows_no_items() -> None:
    account = kiosk()
    member = member_with_pin(home_branch=account.branch)
    loan_checkout(
        item=make_item(home_branch=account.branch),
        member=member,
        staff=None,
        branch=account.branch,
    )
    before = everything()

    response = send(account, patron_information(member.card_number, pin="0000", summary="  Y"))

    assert response.fixed[35:] == "0000" * 6
    assert values(response, "AU") == []
    assert (field(response, "BL"), field(response, "CQ")) == ("Y", "N")
    assert everything() == before


def test_a_right_pin_writes_nothing_but_the_access_log() -> None:
    # Every kiosk message carries the PIN: checking it must not write (on SQLite a write waits
    # for every other kiosk's).
    account = kiosk()
    member = member_with_pin()

    with CaptureQueriesContext(connection) as queries:
        send(account, status_request(member.card_number))

    writes = [
        q["sql"].split(" ", 3)[:3]
        for q in queries.captured_queries
        if q["sql"].startswith(("INSERT", "UPDATE", "DELETE"))
    ]
    assert writes == [["INSERT", "INTO", '"privacy_accesslogentry"']]


def test_an_erased_members_card_is_unknown() -> None:
    account = kiosk()
    member = member_with_pin(first_name="Noor")
    member.status = MemberStatus.ERASED
    member.save()

    response = send(account, status_request(member.card_number))

    assert (field(response, "BL"), field(response, "AE")) == ("N", "")
    assert values(response, "AF") == ["Er is geen lid met dit pasnummer."]
    assert not AccessLogEntry.objects.exists()

"""Kiosks under real concurrency: SIP2 checkouts at the same moment, each in its own thread and
database connection, through the SIP2 handlers exactly as the server runs them.

A self-check burst once beat a loan limit (FOLIO UXPROD-3515): twenty scans of one member at
once must stop at the limit, and one copy scanned at two kiosks at once is lent once. The door
adds nothing that could let them through: the circulation service's row locks decide.
"""

from __future__ import annotations

from functools import partial

import pytest

from kaft.catalog.models import Item, ItemStatus
from kaft.circulation.models import Loan, LoanEvent, LoanStatus
from kaft.sip2.models import KioskAccount
from kaft.sip2.protocol import Request
from kaft.sip2.tests.kiosk import checkout, kiosk, member_with_pin, send, values
from tests.factories_circulation import make_branch, make_item, make_rule
from tests.threads import OK, run_together

pytestmark = [pytest.mark.concurrency, pytest.mark.django_db(transaction=True)]


def _scan(account: KioskAccount, req: Request, answers: list[tuple[str, list[str]]]) -> None:
    response = send(account, req)
    answers.append((response.fixed[0], values(response, "AF")))


def test_twenty_kiosk_checkouts_for_one_member_stop_at_the_loan_limit() -> None:
    branch = make_branch()
    make_rule(max_loans=15)
    account = kiosk(branch)
    member = member_with_pin(home_branch=branch, preferred_language="en")
    items = [make_item(home_branch=branch) for _ in range(20)]
    answers: list[tuple[str, list[str]]] = []

    outcomes = run_together(
        [partial(_scan, account, checkout(member.card_number, i.barcode), answers) for i in items]
    )

    assert outcomes == [OK] * 20
    assert sorted(ok for ok, _ in answers) == ["0"] * 5 + ["1"] * 15
    refused = [said for ok, said in answers if ok == "0"]
    assert refused == [["The maximum number of loans has been reached."]] * 5
    assert Loan.objects.filter(member=member, status=LoanStatus.OPEN).count() == 15
    assert Item.objects.filter(status=ItemStatus.ON_LOAN).count() == 15
    assert LoanEvent.objects.filter(via="kiosk").count() == 15


def test_one_copy_scanned_at_two_kiosks_at_once_is_lent_once() -> None:
    branch = make_branch()
    first, second = kiosk(branch), kiosk(branch)
    one = member_with_pin(home_branch=branch, preferred_language="en")
    other = member_with_pin(home_branch=branch, preferred_language="en")
    item = make_item(home_branch=branch)
    answers: list[tuple[str, list[str]]] = []

    outcomes = run_together(
        [
            partial(_scan, first, checkout(one.card_number, item.barcode), answers),
            partial(_scan, second, checkout(other.card_number, item.barcode), answers),
        ]
    )

    assert outcomes == [OK, OK]
    assert sorted(ok for ok, _ in answers) == ["0", "1"]
    assert [said for ok, said in answers if ok == "0"] == [["This item is already on loan."]]
    assert Loan.objects.filter(item=item, status=LoanStatus.OPEN).count() == 1
    item.refresh_from_db()
    assert item.status == ItemStatus.ON_LOAN

"""Loans that end as lost: the loan closes, the copy is marked lost, once."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from kaft.catalog.models import Branch, ItemStatus
from kaft.circulation.errors import CirculationError, CirculationErrorCode
from kaft.circulation.models import LoanAction, LoanEvent, LoanStatus
from kaft.circulation.services import loan_checkin, loan_checkout
from kaft.circulation.services.lost import loan_declare_lost, loans_declare_lost
from kaft.members.models import Member, User
from tests.factories_circulation import NOW, make_item

LATER = NOW + dt.timedelta(days=90)


def test_staff_declare_a_loan_lost(central: Branch, member: Member, staff: User) -> None:
    item = make_item(home_branch=central)
    loan = loan_checkout(item=item, member=member, staff=staff, branch=central, now=NOW)

    assert loan_declare_lost(loan=loan, now=LATER, staff=staff, branch=central).pk == loan.pk

    loan.refresh_from_db()
    item.refresh_from_db()
    assert (loan.status, item.status) == (LoanStatus.LOST, ItemStatus.LOST)
    event = LoanEvent.objects.get(loan=loan, action=LoanAction.DECLARE_LOST)
    assert (event.at, event.staff_id, event.branch_id, event.via) == (
        LATER,
        staff.pk,
        central.pk,
        "desk",
    )
    # a second time is refused and changes nothing
    with pytest.raises(CirculationError) as refused:
        loan_declare_lost(loan=loan, now=LATER, staff=staff)
    assert refused.value.code == CirculationErrorCode.NOT_ON_LOAN
    assert LoanEvent.objects.filter(loan=loan, action=LoanAction.DECLARE_LOST).count() == 1


def test_a_returned_loan_is_left_alone(central: Branch, member: Member) -> None:
    item = make_item(home_branch=central)
    loan = loan_checkout(item=item, member=member, staff=None, branch=central, now=NOW)
    loan_checkin(item=item, branch=central, staff=None, now=NOW)

    assert loans_declare_lost(loan_ids=[loan.pk], now=LATER) == []

    loan.refresh_from_db()
    item.refresh_from_db()
    assert (loan.status, item.status) == (LoanStatus.RETURNED, ItemStatus.AVAILABLE)
    assert not LoanEvent.objects.filter(action=LoanAction.DECLARE_LOST).exists()


def test_many_loans_take_the_same_statements_as_one(central: Branch, member: Member) -> None:

    def lend(count: int) -> list[int]:
        return [
            loan_checkout(
                item=make_item(home_branch=central),
                member=member,
                staff=None,
                branch=central,
                now=NOW,
            ).pk
            for _ in range(count)
        ]

    one, five = lend(1), lend(5)
    with CaptureQueriesContext(connection) as for_one:
        loans_declare_lost(loan_ids=one, now=LATER)
    with CaptureQueriesContext(connection) as for_five:
        assert len(loans_declare_lost(loan_ids=five, now=LATER)) == 5
    assert len(for_one) == len(for_five)
    assert LoanEvent.objects.filter(action=LoanAction.DECLARE_LOST, via="system").count() == 6

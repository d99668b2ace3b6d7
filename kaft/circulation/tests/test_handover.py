"""loan_hand_over: a copy still on loan to one member is taken in and lent to another."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from kaft.catalog.models import Branch, ItemStatus
from kaft.circulation.errors import CirculationErrorCode
from kaft.circulation.models import (
    Hold,
    HoldStatus,
    Loan,
    LoanEvent,
    LoanRule,
    LoanStatus,
    Transfer,
    TransferStatus,
)
from kaft.circulation.services import Destination, hold_place, loan_checkout, loan_hand_over
from kaft.members.models import Member, MemberStatus, User
from tests.factories_circulation import NOW, assert_refused, make_item, make_member

LATER = NOW + dt.timedelta(days=30)  # 2026-04-01: the first loan (21 days) is late by then
Capture = Callable[..., Any]


def test_the_first_loan_is_returned_as_at_the_return_screen_and_the_copy_lent_again(
    central: Branch, member: Member, other_member: Member, staff: User
) -> None:
    # Given a copy still on loan to Daan (due 23 March)
    item = make_item(home_branch=central)
    first = loan_checkout(item=item, member=other_member, staff=None, branch=central, now=NOW)

    # When Sanne puts it on the desk on 1 April and staff hand it over
    result = loan_hand_over(item=item, member=member, staff=staff, branch=central, now=LATER)

    # Then Daan's loan is closed by a return at this branch (late), and Sanne has it now
    first.refresh_from_db()
    assert (first.status, first.returned_at, first.return_branch_id) == (
        LoanStatus.RETURNED,
        LATER,
        central.pk,
    )
    assert result.returned is not None
    assert (result.returned.loan, result.returned.returned_late) == (first, True)
    assert result.loan is not None
    assert (result.loan.member_id, result.loan.due_date) == (member.pk, dt.date(2026, 4, 22))
    assert list(LoanEvent.objects.order_by("pk").values_list("loan_id", "action", "staff_id")) == [
        (first.pk, "checkout", None),
        (first.pk, "return", staff.pk),
        (result.loan.pk, "checkout", staff.pk),
    ]
    item.refresh_from_db()
    assert item.status == ItemStatus.ON_LOAN


def test_a_copy_another_member_waits_for_is_returned_but_not_lent(
    central: Branch,
    member: Member,
    other_member: Member,
    staff: User,
    ready_notices: list[int],
    django_capture_on_commit_callbacks: Capture,
) -> None:
    # Given a copy on loan to Daan, and a third member waiting for the title here
    item = make_item(home_branch=central)
    first = loan_checkout(item=item, member=other_member, staff=None, branch=central, now=NOW)
    waiting = make_member(home_branch=central, first_name="Fenna")
    hold = hold_place(
        record=item.record, member=waiting, pickup_branch=central, staff=None, now=NOW
    )

    # When staff try to hand it over to Sanne
    with django_capture_on_commit_callbacks(execute=True):
        result = loan_hand_over(item=item, member=member, staff=staff, branch=central, now=LATER)

    # Then the return stands and the copy goes on the holds shelf for Fenna; Sanne gets nothing
    assert result.loan is None
    assert result.returned is not None
    assert (result.returned.destination, result.returned.hold) == (Destination.HOLDS_SHELF, hold)
    first.refresh_from_db()
    assert first.status == LoanStatus.RETURNED
    hold.refresh_from_db()
    assert (hold.status, hold.item_id) == (HoldStatus.READY, item.pk)
    assert ready_notices == [hold.pk]
    assert Loan.objects.filter(member=member).count() == 0
    item.refresh_from_db()
    assert item.status == ItemStatus.ON_HOLDS_SHELF


def test_the_borrowers_own_reservation_is_fulfilled_by_the_hand_over(
    central: Branch, west: Branch, member: Member, other_member: Member, staff: User
) -> None:
    # Given a copy on loan to Daan and Sanne's reservation of the title, to pick up at West
    item = make_item(home_branch=central)
    loan_checkout(item=item, member=other_member, staff=None, branch=central, now=NOW)
    hold = hold_place(record=item.record, member=member, pickup_branch=west, staff=None, now=NOW)

    # When the copy is handed over to Sanne at the central desk
    result = loan_hand_over(item=item, member=member, staff=staff, branch=central, now=LATER)

    # Then she has it, her reservation is fulfilled, and no transfer stays open
    assert result.loan is not None and result.loan.member_id == member.pk
    hold.refresh_from_db()
    assert hold.status == HoldStatus.FULFILLED
    assert list(Transfer.objects.values_list("status", flat=True)) == [TransferStatus.RECEIVED]


def test_a_blocked_borrower_is_refused_and_the_first_loan_stays(
    central: Branch, member: Member, other_member: Member, staff: User
) -> None:
    item = make_item(home_branch=central)
    loan_checkout(item=item, member=other_member, staff=None, branch=central, now=NOW)
    Member.objects.filter(pk=member.pk).update(status=MemberStatus.BLOCKED)

    assert_refused(
        lambda: loan_hand_over(item=item, member=member, staff=staff, branch=central, now=LATER),
        CirculationErrorCode.MEMBER_BLOCKED,
        "This membership is blocked. Please ask at the desk.",
    )


def test_a_refused_lend_undoes_the_return_too(
    central: Branch, member: Member, other_member: Member, staff: User
) -> None:
    # Given Sanne may borrow one item and has one; a copy is on loan to Daan
    LoanRule.objects.create(max_loans=1)
    loan_checkout(
        item=make_item(home_branch=central), member=member, staff=None, branch=central, now=NOW
    )
    item = make_item(home_branch=central)
    loan_checkout(item=item, member=other_member, staff=None, branch=central, now=NOW)

    # Then the hand-over is refused and Daan still has the copy on loan
    assert_refused(
        lambda: loan_hand_over(item=item, member=member, staff=staff, branch=central, now=LATER),
        CirculationErrorCode.LOAN_LIMIT_REACHED,
        "The maximum number of loans has been reached.",
    )


def test_a_copy_the_member_already_has_is_refused(
    central: Branch, member: Member, staff: User
) -> None:
    item = make_item(home_branch=central)
    loan_checkout(item=item, member=member, staff=None, branch=central, now=NOW)

    assert_refused(
        lambda: loan_hand_over(item=item, member=member, staff=staff, branch=central, now=LATER),
        CirculationErrorCode.ITEM_ON_LOAN,
        "This item is already on loan.",
    )


def test_a_copy_taken_in_meanwhile_is_simply_lent(
    central: Branch, member: Member, staff: User
) -> None:
    item = make_item(home_branch=central)

    result = loan_hand_over(item=item, member=member, staff=staff, branch=central, now=LATER)

    assert result.returned is None
    assert result.loan is not None and result.loan.member_id == member.pk
    assert list(Hold.objects.all()) == []

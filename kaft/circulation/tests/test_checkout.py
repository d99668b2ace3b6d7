"""loan_checkout: who may borrow what, the due date, holds it fulfils, and what it refuses."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from kaft.catalog.models import Branch, Item, ItemStatus, ItemType
from kaft.circulation.errors import CirculationErrorCode
from kaft.circulation.models import (
    Hold,
    HoldEvent,
    HoldStatus,
    Loan,
    LoanEvent,
    LoanStatus,
    Transfer,
    TransferStatus,
)
from kaft.circulation.selectors.holds import holds_shelf_leftovers
from kaft.circulation.selectors.loans import item_by_barcode
from kaft.circulation.services import Destination, hold_place, loan_checkin, loan_checkout
from kaft.members.models import Member, MemberStatus, User
from tests.factories_circulation import (
    NOW,
    TODAY,
    assert_refused,
    bulk_open_loans,
    close_day,
    make_item,
    make_member,
    make_record,
    make_rule,
)


def _checkout(item: Item, member: Member, branch: Branch, staff: User | None = None) -> Loan:
    return loan_checkout(item=item, member=member, staff=staff, branch=branch, now=NOW)


def test_checkout_lends_the_item_with_due_date_and_statistics(
    central: Branch, member: Member, staff: User
) -> None:
    item = make_item(home_branch=central)

    loan = _checkout(item, member, central, staff)

    loan.refresh_from_db()
    assert loan.status == LoanStatus.OPEN
    assert loan.checked_out_at == NOW
    assert loan.due_date == dt.date(2026, 3, 23)  # 21 days
    assert (loan.record_id, loan.branch_id) == (item.record_id, central.pk)
    assert (loan.member_category_id, loan.age_band) == (member.category_id, "30-64")
    item.refresh_from_db()
    assert item.status == ItemStatus.ON_LOAN
    event = LoanEvent.objects.get(loan=loan)
    assert (event.action, event.staff, event.branch, event.via) == (
        "checkout",
        staff,
        central,
        "desk",
    )


def test_due_date_uses_the_rule_and_moves_to_the_next_open_day(
    central: Branch, member: Member
) -> None:
    central.closed_weekdays = [6, 0]  # closed on Sundays and Mondays
    central.save()
    make_rule(branch=central, item_type=ItemType.AUDIOVISUAL, loan_days=13)
    dvd = make_item(home_branch=central, item_type=ItemType.AUDIOVISUAL)

    loan = _checkout(dvd, member, central)

    assert loan.due_date == dt.date(2026, 3, 17)  # Sunday 15 -> closed, Monday 16 -> closed


def test_unknown_barcode_is_refused_by_the_selector(db: None) -> None:
    assert_refused(
        lambda: item_by_barcode("0000"),
        CirculationErrorCode.UNKNOWN_BARCODE,
        "No item has this barcode.",
    )


def test_item_already_on_loan(central: Branch, member: Member, other_member: Member) -> None:
    item = make_item(home_branch=central)
    _checkout(item, other_member, central)
    assert_refused(
        lambda: _checkout(item, member, central),
        CirculationErrorCode.ITEM_ON_LOAN,
        "This item is already on loan.",
    )


def test_an_open_loan_the_item_status_missed_is_caught_by_the_constraint(
    central: Branch, member: Member, other_member: Member
) -> None:
    item = make_item(home_branch=central)
    Loan.objects.create(
        item=item,
        member=other_member,
        checked_out_at=NOW,
        due_date=TODAY,
        record=item.record,
        branch=central,
    )
    assert_refused(
        lambda: _checkout(item, member, central),
        CirculationErrorCode.ITEM_ON_LOAN,
        "This item is already on loan.",
    )


@pytest.mark.parametrize(
    ("item_type", "status"),
    [
        (ItemType.REFERENCE, ItemStatus.AVAILABLE),
        (ItemType.BOOK, ItemStatus.LOST),
        (ItemType.BOOK, ItemStatus.WITHDRAWN),
        (ItemType.BOOK, ItemStatus.DAMAGED),
    ],
)
def test_item_not_loanable(central: Branch, member: Member, item_type: str, status: str) -> None:
    item = make_item(home_branch=central, item_type=item_type, status=status)
    assert_refused(
        lambda: _checkout(item, member, central),
        CirculationErrorCode.ITEM_NOT_LOANABLE,
        "This item cannot be lent.",
    )


def _trap_for(member: Member, branch: Branch, pickup: Branch) -> Item:
    """A copy checked in at ``branch`` for ``member``'s hold with pickup at ``pickup``."""
    item = make_item(home_branch=branch)
    hold_place(record=item.record, member=member, pickup_branch=pickup, staff=None, now=NOW)
    loan_checkin(item=item, branch=branch, staff=None, now=NOW)
    item.refresh_from_db()
    return item


@pytest.mark.parametrize("pickup", ["central", "west"])
def test_item_set_aside_for_another_member(
    central: Branch, west: Branch, member: Member, other_member: Member, pickup: str
) -> None:
    item = _trap_for(other_member, central, central if pickup == "central" else west)
    assert item.status in (ItemStatus.ON_HOLDS_SHELF, ItemStatus.IN_TRANSIT)
    assert_refused(
        lambda: _checkout(item, member, central),
        CirculationErrorCode.ITEM_RESERVED_FOR_OTHER,
        "This item is set aside for another member's reservation.",
    )


def test_checking_out_the_copy_set_aside_for_this_member_fulfils_the_hold(
    central: Branch, member: Member
) -> None:
    item = _trap_for(member, central, central)

    loan = _checkout(item, member, central)

    hold = Hold.objects.get(member=member)
    assert (hold.status, hold.item_id, hold.closed_at) == (HoldStatus.FULFILLED, item.pk, NOW)
    assert HoldEvent.objects.filter(hold=hold).latest("pk").action == "fulfil"
    assert Loan.objects.get().pk == loan.pk


def test_taking_a_copy_in_transit_for_this_member_closes_the_transfer(
    central: Branch, west: Branch, member: Member
) -> None:
    item = _trap_for(member, central, west)  # on its way to West

    _checkout(item, member, central)

    assert Transfer.objects.get().status == TransferStatus.RECEIVED
    assert Hold.objects.get().status == HoldStatus.FULFILLED
    item.refresh_from_db()
    assert (item.status, item.current_branch_id) == (ItemStatus.ON_LOAN, central.pk)


def test_a_shelf_copy_may_be_lent_while_others_wait_for_the_title(
    central: Branch, member: Member, other_member: Member
) -> None:
    # Holds are on titles: the desk may lend a copy from the shelf; the queue keeps waiting.
    item = make_item(home_branch=central)
    hold_place(record=item.record, member=other_member, pickup_branch=central, staff=None, now=NOW)

    _checkout(item, member, central)

    assert Hold.objects.get().status == HoldStatus.WAITING


def test_borrowing_another_copy_fulfils_own_hold_and_leaves_the_set_aside_copy_to_take_off(
    central: Branch, member: Member, other_member: Member, ready_notices: list[int]
) -> None:
    record = make_record()
    set_aside = make_item(record=record, home_branch=central)
    shelf_copy = make_item(record=record, home_branch=central)
    hold_place(record=record, member=member, pickup_branch=central, staff=None, now=NOW)
    loan_checkin(item=set_aside, branch=central, staff=None, now=NOW)  # READY for member
    hold_place(record=record, member=other_member, pickup_branch=central, staff=None, now=NOW)

    _checkout(shelf_copy, member, central)

    own = Hold.objects.get(member=member)
    assert (own.status, own.item_id) == (HoldStatus.FULFILLED, shelf_copy.pk)
    # The set-aside copy still lies on the holds shelf under the old label: it is not given to
    # the next in line until staff take it off and scan it.
    next_in_line = Hold.objects.get(member=other_member)
    assert (next_in_line.status, next_in_line.item_id) == (HoldStatus.WAITING, None)
    set_aside.refresh_from_db()
    assert set_aside.status == ItemStatus.ON_HOLDS_SHELF
    assert list(holds_shelf_leftovers(central)) == [set_aside]

    result = loan_checkin(item=set_aside, branch=central, staff=None, now=NOW)

    next_in_line.refresh_from_db()
    assert (result.destination, result.hold) == (Destination.HOLDS_SHELF, next_in_line)
    assert (next_in_line.status, next_in_line.item_id) == (HoldStatus.READY, set_aside.pk)
    assert list(holds_shelf_leftovers(central)) == []


def test_own_waiting_hold_is_fulfilled_by_borrowing_a_shelf_copy(
    central: Branch, member: Member
) -> None:
    item = make_item(home_branch=central)
    hold_place(record=item.record, member=member, pickup_branch=central, staff=None, now=NOW)

    _checkout(item, member, central)

    assert Hold.objects.get().status == HoldStatus.FULFILLED


def test_blocked_member(central: Branch, member: Member) -> None:
    member.status = MemberStatus.BLOCKED
    member.save()
    item = make_item(home_branch=central)
    assert_refused(
        lambda: _checkout(item, member, central),
        CirculationErrorCode.MEMBER_BLOCKED,
        "This membership is blocked. Please ask at the desk.",
    )


def test_expired_member(central: Branch) -> None:
    member = make_member(membership_end=TODAY - dt.timedelta(days=1))
    item = make_item(home_branch=central)
    assert_refused(
        lambda: _checkout(item, member, central),
        CirculationErrorCode.MEMBER_EXPIRED,
        "This membership has expired. Please renew it at the desk.",
    )


def test_membership_ending_today_still_lends(central: Branch) -> None:
    member = make_member(membership_end=TODAY)
    assert _checkout(make_item(home_branch=central), member, central).status == LoanStatus.OPEN


def test_loan_limit(central: Branch, member: Member) -> None:
    make_rule(max_loans=2)
    for _ in range(2):
        _checkout(make_item(home_branch=central), member, central)
    item = make_item(home_branch=central)
    assert_refused(
        lambda: _checkout(item, member, central),
        CirculationErrorCode.LOAN_LIMIT_REACHED,
        "The maximum number of loans has been reached.",
    )


def test_checkout_query_count_does_not_grow_with_open_loans(central: Branch) -> None:
    make_rule(max_loans=500)
    few, many = make_member(), make_member()
    bulk_open_loans(few, 1, branches=[central])
    bulk_open_loans(many, 200, branches=[central])
    counts = []
    for member in (few, many):
        item = make_item(home_branch=central)
        with CaptureQueriesContext(connection) as queries:
            _checkout(item, member, central)
        counts.append(len(queries))
    assert counts[0] == counts[1]
    assert Loan.objects.filter(member=many, status=LoanStatus.OPEN).count() == 201


def test_a_due_date_on_a_closed_day_moves_to_the_next_open_day(
    central: Branch, member: Member
) -> None:
    close_day(central, dt.date(2026, 3, 23))  # the 21st day

    loan = _checkout(make_item(home_branch=central), member, central)

    assert loan.due_date == dt.date(2026, 3, 24)


def test_a_plain_checkout_and_checkin_take_a_fixed_number_of_queries(
    central: Branch, member: Member
) -> None:
    # given a copy on the shelf and a member without holds
    item = make_item(home_branch=central)

    # when it is lent and taken back in
    with CaptureQueriesContext(connection) as out:
        _checkout(item, member, central)
    with CaptureQueriesContext(connection) as back:
        loan_checkin(item=item, branch=central, staff=None, now=NOW)

    # then (inside the test's transaction every atomic is a SAVEPOINT ... RELEASE pair):
    # lock member, lock item, the facts, insert loan, insert event, update item
    assert len(out) == 2 + 6, [q["sql"] for q in out.captured_queries]
    # lock item, lock loan, update loan, insert event, the routing facts, update item
    assert len(back) == 2 + 6, [q["sql"] for q in back.captured_queries]

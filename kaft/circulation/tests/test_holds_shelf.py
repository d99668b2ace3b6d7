"""The holds shelf as it really is: copies left there by a closed hold, copies found at the
wrong branch, holds of members who may not borrow, and what checkin tells the desk."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from kaft.catalog.models import Branch, Item, ItemStatus
from kaft.circulation.models import Hold, HoldEvent, HoldStatus, Transfer, TransferStatus
from kaft.circulation.selectors.holds import holds_shelf_leftovers
from kaft.circulation.services import (
    Destination,
    hold_cancel,
    hold_place,
    holds_expire_uncollected,
    loan_checkin,
    loan_checkout,
)
from kaft.members.models import Member, MemberStatus
from tests.factories_circulation import NOW, TODAY, make_item, make_member

LATER = NOW + dt.timedelta(hours=2)
Capture = Callable[..., Any]


def _place(item: Item, member: Member, pickup: Branch, now: dt.datetime = NOW) -> Hold:
    return hold_place(record=item.record, member=member, pickup_branch=pickup, staff=None, now=now)


def _left_on_shelf(item: Item, member: Member, branch: Branch) -> Hold:
    """``item`` was set aside for ``member`` at ``branch``, then the hold was cancelled."""
    hold = _place(item, member, branch)
    loan_checkin(item=item, branch=branch, staff=None, now=NOW)
    hold_cancel(hold=hold, staff=None, now=NOW)
    return hold


def test_scanning_a_left_copy_gives_it_to_the_next_in_line_who_is_told(
    central: Branch,
    member: Member,
    other_member: Member,
    ready_notices: list[int],
    django_capture_on_commit_callbacks: Capture,
) -> None:
    item = make_item(home_branch=central)
    _left_on_shelf(item, member, central)
    second = _place(item, other_member, central)

    with django_capture_on_commit_callbacks(execute=True):
        result = loan_checkin(item=item, branch=central, staff=None, now=LATER)

    assert (result.destination, result.hold, result.loan) == (Destination.HOLDS_SHELF, second, None)
    second.refresh_from_db()
    assert (second.status, second.item_id, second.ready_at) == (HoldStatus.READY, item.pk, LATER)
    assert ready_notices == [second.pk]
    assert list(holds_shelf_leftovers(central)) == []


def test_scanning_a_left_copy_with_nobody_waiting_puts_it_back_on_the_shelf(
    central: Branch, member: Member
) -> None:
    item = make_item(home_branch=central)
    _left_on_shelf(item, member, central)

    result = loan_checkin(item=item, branch=central, staff=None, now=LATER)

    assert (result.destination, result.hold) == (Destination.SHELF, None)
    item.refresh_from_db()
    assert item.status == ItemStatus.AVAILABLE


def test_a_left_copy_for_a_pickup_elsewhere_travels_there(
    central: Branch, west: Branch, member: Member, other_member: Member
) -> None:
    item = make_item(home_branch=central)
    _left_on_shelf(item, member, central)
    second = _place(item, other_member, west)

    result = loan_checkin(item=item, branch=central, staff=None, now=LATER)

    assert (result.destination, result.to_branch, result.hold) == (
        Destination.TRANSIT,
        west,
        second,
    )
    second.refresh_from_db()
    assert second.status == HoldStatus.IN_TRANSIT


@pytest.mark.parametrize("close", ["cancel", "expire"])
def test_anyone_may_borrow_a_copy_left_on_the_holds_shelf(
    central: Branch, member: Member, other_member: Member, close: str
) -> None:
    item = make_item(home_branch=central)
    hold = _place(item, member, central)
    loan_checkin(item=item, branch=central, staff=None, now=NOW)
    waiting = _place(item, make_member(home_branch=central), central)
    if close == "cancel":
        hold_cancel(hold=hold, staff=None, now=NOW)
    else:
        assert holds_expire_uncollected(now=NOW + dt.timedelta(days=30)) == 1

    loan = loan_checkout(item=item, member=other_member, staff=None, branch=central, now=LATER)

    assert loan.member_id == other_member.pk
    item.refresh_from_db()
    assert item.status == ItemStatus.ON_LOAN
    waiting.refresh_from_db()
    assert waiting.status == HoldStatus.WAITING  # holds are on titles: still in the queue
    assert list(holds_shelf_leftovers(central)) == []


def test_a_ready_copy_found_at_another_branch_goes_back_and_is_ready_again_without_a_new_notice(
    central: Branch,
    west: Branch,
    member: Member,
    ready_notices: list[int],
    django_capture_on_commit_callbacks: Capture,
) -> None:
    item = make_item(home_branch=central)
    hold = _place(item, member, central)
    with django_capture_on_commit_callbacks(execute=True):
        loan_checkin(item=item, branch=central, staff=None, now=NOW)
    hold.refresh_from_db()
    first_ready_at, first_deadline = hold.ready_at, hold.pickup_deadline
    assert (first_ready_at, first_deadline) == (NOW, TODAY + dt.timedelta(days=7))

    # Someone carried it to West by mistake; West scans it.
    found = loan_checkin(item=item, branch=west, staff=None, now=LATER)

    assert (found.destination, found.to_branch, found.hold) == (Destination.TRANSIT, central, hold)
    hold.refresh_from_db()
    assert (hold.status, hold.item_id) == (HoldStatus.IN_TRANSIT, item.pk)
    assert HoldEvent.objects.filter(hold=hold).latest("pk").action == "send"
    transfer = Transfer.objects.get()
    assert (transfer.from_branch, transfer.to_branch, transfer.hold) == (west, central, hold)

    # Back at Centrale three days later: ready again, same ready_at, deadline not shortened.
    back_at = NOW + dt.timedelta(days=3)
    with django_capture_on_commit_callbacks(execute=True):
        back = loan_checkin(item=item, branch=central, staff=None, now=back_at)

    assert (back.destination, back.hold, back.received_transfer) == (
        Destination.HOLDS_SHELF,
        hold,
        True,
    )
    hold.refresh_from_db()
    assert (hold.status, hold.ready_at) == (HoldStatus.READY, first_ready_at)
    assert hold.pickup_deadline == TODAY + dt.timedelta(days=10)  # 3 + 7: later than the first
    assert ready_notices == [hold.pk]  # told once
    item.refresh_from_db()
    assert (item.status, item.current_branch_id) == (ItemStatus.ON_HOLDS_SHELF, central.pk)


def test_the_member_may_take_the_copy_at_the_branch_where_it_turned_up(
    central: Branch, west: Branch, member: Member
) -> None:
    item = make_item(home_branch=central)
    hold = _place(item, member, central)
    loan_checkin(item=item, branch=central, staff=None, now=NOW)
    loan_checkin(item=item, branch=west, staff=None, now=LATER)

    loan_checkout(item=item, member=member, staff=None, branch=west, now=LATER)

    hold.refresh_from_db()
    assert hold.status == HoldStatus.FULFILLED
    assert Transfer.objects.get().status == TransferStatus.RECEIVED


@pytest.mark.parametrize(
    "change",
    [{"status": MemberStatus.BLOCKED}, {"membership_end": TODAY - dt.timedelta(days=1)}],
)
def test_a_member_who_may_not_borrow_is_passed_over_and_keeps_their_place(
    central: Branch, member: Member, other_member: Member, change: dict[str, Any]
) -> None:
    first_item = make_item(home_branch=central)
    record = first_item.record
    second_item = make_item(record=record, home_branch=central)
    Item.objects.filter(pk=second_item.pk).update(status=ItemStatus.ON_LOAN)
    blocked = _place(first_item, member, central)
    served = _place(first_item, other_member, central, now=LATER)
    Member.objects.filter(pk=member.pk).update(**change)

    result = loan_checkin(item=first_item, branch=central, staff=None, now=LATER)

    assert result.hold == served
    blocked.refresh_from_db()
    assert (blocked.status, blocked.item_id) == (HoldStatus.WAITING, None)

    # Allowed again: the next copy back is theirs, they are still first in line.
    Member.objects.filter(pk=member.pk).update(
        status=MemberStatus.ACTIVE, membership_end=TODAY + dt.timedelta(days=365)
    )
    assert loan_checkin(item=second_item, branch=central, staff=None, now=LATER).hold == blocked


def test_only_members_who_may_not_borrow_waiting_means_back_on_the_shelf(
    central: Branch, member: Member
) -> None:
    item = make_item(home_branch=central)
    hold = _place(item, member, central)
    Member.objects.filter(pk=member.pk).update(status=MemberStatus.BLOCKED)

    result = loan_checkin(item=item, branch=central, staff=None, now=LATER)

    assert (result.destination, result.hold) == (Destination.SHELF, None)
    hold.refresh_from_db()
    assert hold.status == HoldStatus.WAITING


def _checkin_queries(item: Item, branch: Branch) -> int:
    with CaptureQueriesContext(connection) as queries:
        loan_checkin(item=item, branch=branch, staff=None, now=LATER)
    return len(queries)


def test_passing_over_members_who_may_not_borrow_costs_no_extra_query(central: Branch) -> None:
    counts = []
    for blocked_ahead in (1, 8):
        item = make_item(home_branch=central)
        for _ in range(blocked_ahead):
            _place(item, make_member(home_branch=central), central)
        Member.objects.filter(holds__record=item.record).update(status=MemberStatus.BLOCKED)
        _place(item, make_member(home_branch=central), central, now=LATER)
        counts.append(_checkin_queries(item, central))
    assert counts[0] == counts[1]


def test_checkin_says_whether_a_transfer_was_received_and_whether_it_was_late(
    central: Branch, west: Branch, member: Member
) -> None:
    item = make_item(home_branch=central)
    loan = loan_checkout(item=item, member=member, staff=None, branch=central, now=NOW)
    due = dt.datetime.combine(loan.due_date, dt.time(12), tzinfo=NOW.tzinfo)

    on_due_day = loan_checkin(item=item, branch=west, staff=None, now=due)
    received = loan_checkin(item=item, branch=central, staff=None, now=due)
    loan_checkout(item=item, member=member, staff=None, branch=central, now=NOW)
    day_after = loan_checkin(item=item, branch=central, staff=None, now=due + dt.timedelta(days=1))

    assert (on_due_day.returned_late, on_due_day.received_transfer) == (False, False)
    assert (received.loan, received.returned_late, received.received_transfer) == (
        None,
        False,
        True,
    )
    assert (day_after.returned_late, day_after.received_transfer) == (True, False)

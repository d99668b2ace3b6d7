"""loan_checkin and transfer_receive: closing the loan and routing the copy."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from kaft.catalog.models import Branch, Item, ItemStatus
from kaft.circulation.models import (
    Hold,
    HoldStatus,
    Loan,
    LoanEvent,
    LoanStatus,
    Transfer,
    TransferReason,
    TransferStatus,
)
from kaft.circulation.services import (
    Destination,
    hold_cancel,
    hold_place,
    loan_checkin,
    loan_checkout,
    transfer_receive,
)
from kaft.members.models import Member, User
from tests.factories_circulation import NOW, make_item, make_member

LATER = NOW + dt.timedelta(hours=2)
Capture = Callable[..., Any]


def _lent(item: Item, member: Member, branch: Branch) -> Loan:
    return loan_checkout(item=item, member=member, staff=None, branch=branch, now=NOW)


def _hold(item: Item, member: Member, pickup: Branch) -> Hold:
    return hold_place(record=item.record, member=member, pickup_branch=pickup, staff=None, now=NOW)


def test_return_at_home_puts_the_copy_back_on_the_shelf(
    central: Branch, member: Member, staff: User
) -> None:
    item = make_item(home_branch=central)
    loan = _lent(item, member, central)

    result = loan_checkin(item=item, branch=central, staff=staff, now=LATER)

    assert (result.destination, result.to_branch, result.hold) == (Destination.SHELF, central, None)
    assert result.loan is not None and result.loan.pk == loan.pk
    loan.refresh_from_db()
    assert (loan.status, loan.returned_at, loan.return_branch_id) == (
        LoanStatus.RETURNED,
        LATER,
        central.pk,
    )
    event = LoanEvent.objects.filter(loan=loan).latest("pk")
    assert (event.action, event.staff, event.branch) == ("return", staff, central)
    item.refresh_from_db()
    assert item.status == ItemStatus.AVAILABLE


def test_return_elsewhere_sends_the_copy_home(
    central: Branch, west: Branch, member: Member
) -> None:
    item = make_item(home_branch=central)
    _lent(item, member, central)

    result = loan_checkin(item=item, branch=west, staff=None, now=LATER)

    assert (result.destination, result.to_branch) == (Destination.TRANSIT, central)
    transfer = Transfer.objects.get()
    assert (transfer.from_branch, transfer.to_branch, transfer.reason, transfer.hold) == (
        west,
        central,
        TransferReason.HOME,
        None,
    )
    item.refresh_from_db()
    assert (item.status, item.current_branch_id) == (ItemStatus.IN_TRANSIT, west.pk)

    home = transfer_receive(item=item, branch=central, staff=None, now=LATER)

    assert (home.loan, home.destination) == (None, Destination.SHELF)
    transfer.refresh_from_db()
    assert (transfer.status, transfer.received_at) == (TransferStatus.RECEIVED, LATER)
    item.refresh_from_db()
    assert (item.status, item.current_branch_id) == (ItemStatus.AVAILABLE, central.pk)


def test_a_hold_for_this_branch_goes_on_the_holds_shelf_and_the_member_is_told(
    central: Branch,
    member: Member,
    other_member: Member,
    ready_notices: list[int],
    django_capture_on_commit_callbacks: Capture,
) -> None:
    central.closed_weekdays = [0]  # Mondays
    central.save()
    item = make_item(home_branch=central)
    _lent(item, member, central)
    hold = _hold(item, other_member, central)

    with django_capture_on_commit_callbacks(execute=True):
        result = loan_checkin(item=item, branch=central, staff=None, now=LATER)

    assert (result.destination, result.to_branch, result.hold) == (
        Destination.HOLDS_SHELF,
        central,
        hold,
    )
    hold.refresh_from_db()
    assert (hold.status, hold.item_id, hold.ready_at) == (HoldStatus.READY, item.pk, LATER)
    assert hold.pickup_deadline == dt.date(2026, 3, 10)  # 7 days is a Monday: closed
    item.refresh_from_db()
    assert item.status == ItemStatus.ON_HOLDS_SHELF
    assert ready_notices == [hold.pk]


def test_a_hold_elsewhere_sends_the_copy_there_and_receiving_readies_it(
    central: Branch,
    west: Branch,
    member: Member,
    other_member: Member,
    ready_notices: list[int],
    django_capture_on_commit_callbacks: Capture,
) -> None:
    item = make_item(home_branch=central)
    _lent(item, member, central)
    hold = _hold(item, other_member, west)

    with django_capture_on_commit_callbacks(execute=True):
        result = loan_checkin(item=item, branch=central, staff=None, now=LATER)

    assert (result.destination, result.to_branch, result.hold) == (Destination.TRANSIT, west, hold)
    hold.refresh_from_db()
    assert (hold.status, hold.item_id) == (HoldStatus.IN_TRANSIT, item.pk)
    transfer = Transfer.objects.get()
    assert (transfer.reason, transfer.hold_id, transfer.to_branch) == (
        TransferReason.HOLD,
        hold.pk,
        west,
    )
    assert ready_notices == []

    with django_capture_on_commit_callbacks(execute=True):
        arrived = transfer_receive(item=item, branch=west, staff=None, now=LATER)

    assert (arrived.destination, arrived.hold) == (Destination.HOLDS_SHELF, hold)
    hold.refresh_from_db()
    assert (hold.status, hold.pickup_deadline) == (HoldStatus.READY, dt.date(2026, 3, 9))
    item.refresh_from_db()
    assert (item.status, item.current_branch_id) == (ItemStatus.ON_HOLDS_SHELF, west.pk)
    assert ready_notices == [hold.pk]


def test_the_oldest_hold_gets_the_copy(central: Branch, west: Branch, member: Member) -> None:
    item = make_item(home_branch=central)
    first = hold_place(record=item.record, member=member, pickup_branch=west, staff=None, now=NOW)
    hold_place(
        record=item.record, member=make_member(), pickup_branch=central, staff=None, now=LATER
    )

    result = loan_checkin(item=item, branch=central, staff=None, now=LATER)

    assert result.hold == first


def test_a_copy_found_on_a_cart_is_routed_without_a_loan(
    central: Branch, west: Branch, member: Member
) -> None:
    item = make_item(home_branch=central)

    result = loan_checkin(item=item, branch=west, staff=None, now=NOW)

    assert (result.loan, result.destination, result.to_branch) == (
        None,
        Destination.TRANSIT,
        central,
    )
    assert LoanEvent.objects.count() == 0


def test_a_copy_passing_another_branch_stays_in_transit(
    central: Branch, west: Branch, member: Member
) -> None:
    item = make_item(home_branch=central)
    loan_checkin(item=item, branch=west, staff=None, now=NOW)  # sent home
    stop = make_item().home_branch

    result = transfer_receive(item=item, branch=stop, staff=None, now=LATER)

    assert (result.destination, result.to_branch) == (Destination.TRANSIT, central)
    assert Transfer.objects.get().status == TransferStatus.IN_TRANSIT


def test_a_copy_arriving_for_a_cancelled_hold_goes_to_the_next_in_line_or_home(
    central: Branch, west: Branch, member: Member
) -> None:
    item = make_item(home_branch=central)
    hold = _hold(item, member, west)
    loan_checkin(item=item, branch=central, staff=None, now=NOW)
    hold_cancel(hold=hold, staff=None, now=NOW)
    item.refresh_from_db()
    assert item.status == ItemStatus.IN_TRANSIT  # the van keeps driving

    result = transfer_receive(item=item, branch=west, staff=None, now=LATER)

    assert (result.destination, result.to_branch) == (Destination.TRANSIT, central)
    assert Transfer.objects.filter(reason=TransferReason.HOME, from_branch=west).count() == 1


def test_a_damaged_copy_is_returned_but_not_passed_on(
    central: Branch, member: Member, other_member: Member
) -> None:
    item = make_item(home_branch=central)
    loan = _lent(item, member, central)
    _hold(item, other_member, central)
    Item.objects.filter(pk=item.pk).update(status=ItemStatus.DAMAGED)

    result = loan_checkin(item=item, branch=central, staff=None, now=LATER)

    assert (result.loan, result.destination, result.hold) == (loan, Destination.SHELF, None)
    item.refresh_from_db()
    assert item.status == ItemStatus.DAMAGED
    assert Hold.objects.get().status == HoldStatus.WAITING

"""Selectors: constant query counts, queue positions, the holds shelf, transit and availability."""

from __future__ import annotations

import datetime as dt

from django.db import connection
from django.test.utils import CaptureQueriesContext
from pytest_django import DjangoAssertNumQueries

from kaft.catalog.models import Branch, ItemStatus, ItemType
from kaft.circulation.models import Hold, HoldStatus
from kaft.circulation.selectors.availability import record_shelves
from kaft.circulation.selectors.holds import (
    holds_shelf,
    holds_to_pull,
    member_active_holds,
    transit_list,
)
from kaft.circulation.selectors.loans import member_open_loans
from kaft.circulation.services import hold_place, loan_checkin, loan_checkout
from kaft.members.models import Member
from tests.factories_circulation import (
    NOW,
    TODAY,
    bulk_open_loans,
    make_item,
    make_member,
    make_record,
)


def _holds(member: Member, branch: Branch, count: int) -> None:
    Hold.objects.bulk_create(
        Hold(record=make_record(), member=member, pickup_branch=branch, placed_at=NOW)
        for _ in range(count)
    )


def _queries(action: object) -> int:
    with CaptureQueriesContext(connection) as queries:
        action()  # type: ignore[operator]
    return len(queries)


def test_open_loans_and_active_holds_take_the_same_queries_for_1_or_200(
    central: Branch,
) -> None:
    few, many = make_member(), make_member()
    for member, count in ((few, 1), (many, 200)):
        bulk_open_loans(member, count, branches=[central], due_in_days=range(20))
        _holds(member, central, count)

    def read(member: Member) -> tuple[int, int]:
        def loans() -> None:
            for loan in member_open_loans(member):
                assert loan.item.record.title and loan.branch.name

        def holds() -> None:
            for hold in member_active_holds(member):
                assert hold.record.title and hold.pickup_branch.name and hold.position == 1  # type: ignore[attr-defined]

        return _queries(loans), _queries(holds)

    assert read(few) == read(many) == (1, 1)


def test_open_loans_are_ordered_by_due_date(central: Branch, member: Member) -> None:
    # created in another order than their due dates, so an order by id would show
    bulk_open_loans(member, 3, branches=[central], due_in_days=(5, 1, 3))
    dues = [loan.due_date for loan in member_open_loans(member)]
    assert dues == [TODAY + dt.timedelta(days=days) for days in (1, 3, 5)]


def test_positions_count_only_waiting_holds_placed_earlier(central: Branch, member: Member) -> None:
    item = make_item(home_branch=central)
    record = item.record
    ahead = [make_member(), make_member()]
    for n, other in enumerate(ahead):
        hold_place(
            record=record,
            member=other,
            pickup_branch=central,
            staff=None,
            now=NOW + dt.timedelta(minutes=n),
        )
    loan_checkin(item=item, branch=central, staff=None, now=NOW)  # first in line: READY
    hold_place(
        record=record,
        member=member,
        pickup_branch=central,
        staff=None,
        now=NOW + dt.timedelta(minutes=5),
    )

    [mine] = member_active_holds(member)
    [ready] = member_active_holds(ahead[0])
    [second] = member_active_holds(ahead[1])

    positions = [h.position for h in (mine, second, ready)]  # type: ignore[attr-defined]
    assert positions == [2, 1, None]
    assert ready.status == HoldStatus.READY


def test_holds_shelf_flags_holds_past_their_deadline(
    central: Branch, west: Branch, member: Member, other_member: Member
) -> None:
    for who in (member, other_member):
        item = make_item(home_branch=central)
        hold_place(record=item.record, member=who, pickup_branch=central, staff=None, now=NOW)
        loan_checkin(item=item, branch=central, staff=None, now=NOW)
    Hold.objects.filter(member=member).update(pickup_deadline=dt.date(2020, 1, 1))

    shelf = list(holds_shelf(central, today=TODAY))

    flags = [(h.member, h.past_deadline) for h in shelf]  # type: ignore[attr-defined]
    assert flags == [(member, True), (other_member, False)]
    assert list(holds_shelf(west)) == []


def test_transit_list_shows_transfers_from_and_to_the_branch(central: Branch, west: Branch) -> None:
    item = make_item(home_branch=central)
    loan_checkin(item=item, branch=west, staff=None, now=NOW)
    elsewhere = make_item().home_branch

    assert [t.item for t in transit_list(west)] == [item]
    assert [t.item for t in transit_list(central)] == [item]
    assert list(transit_list(elsewhere)) == []


def test_record_shelves_per_current_branch_counting_loanable_copies(
    central: Branch, west: Branch, member: Member
) -> None:
    record = make_record()
    make_item(record=record, home_branch=central)
    lent = make_item(record=record, home_branch=central)
    make_item(record=record, home_branch=central, current_branch=west)  # visiting West
    make_item(record=record, home_branch=west)
    for status in (ItemStatus.WITHDRAWN, ItemStatus.LOST, ItemStatus.DAMAGED):
        make_item(record=record, home_branch=west, status=status)
    make_item(record=record, home_branch=west, item_type=ItemType.REFERENCE)
    make_item(record=record, home_branch=west, status=ItemStatus.ON_HOLDS_SHELF)
    loan_checkout(item=lent, member=member, staff=None, branch=central, now=NOW)

    shelves = [(shelf.branch, shelf.total, shelf.available) for shelf in record_shelves(record)]
    assert shelves == [(central, 2, 1), (west, 3, 2)]


def test_holds_to_pull_lists_the_first_in_line_for_a_copy_on_this_shelf(
    central: Branch, west: Branch, member: Member, other_member: Member
) -> None:
    record = make_record()
    make_item(record=record, home_branch=west)
    first = hold_place(record=record, member=member, pickup_branch=central, staff=None, now=NOW)
    hold_place(
        record=record,
        member=other_member,
        pickup_branch=central,
        staff=None,
        now=NOW + dt.timedelta(minutes=1),
    )

    assert list(holds_to_pull(west)) == [first]
    assert list(holds_to_pull(central)) == []


def test_holds_to_pull_is_one_query(
    django_assert_num_queries: DjangoAssertNumQueries, central: Branch
) -> None:
    with django_assert_num_queries(1):
        assert list(holds_to_pull(central)) == []

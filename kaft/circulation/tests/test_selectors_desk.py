"""Selectors behind the desk lists and the portal's loan list: the pull list, the item lookup,
and renewals left in a constant number of queries."""

from __future__ import annotations

import datetime as dt

from django.db import connection
from django.test.utils import CaptureQueriesContext
from pytest_django import DjangoAssertNumQueries

from kaft.catalog.models import Branch, ItemStatus, ItemType, Record
from kaft.circulation.models import Hold, Loan
from kaft.circulation.selectors.holds import (
    PullRow,
    holds_pull_list,
    holds_to_pull,
    record_queue_length,
)
from kaft.circulation.selectors.loans import item_open_loan, member_open_loans, rule_for
from kaft.circulation.services import hold_place, loan_checkin, loan_checkout
from kaft.members.models import Member, MemberStatus
from tests.factories_circulation import (
    NOW,
    TODAY,
    bulk_open_loans,
    make_branch,
    make_category,
    make_item,
    make_member,
    make_record,
    make_rule,
)


def _place(record: Record, member: Member, pickup: Branch, minutes: int = 0) -> Hold:
    return hold_place(
        record=record,
        member=member,
        pickup_branch=pickup,
        staff=None,
        now=NOW + dt.timedelta(minutes=minutes),
    )


def test_the_pull_list_gives_each_copy_on_the_shelf_to_one_hold_oldest_first(
    central: Branch, west: Branch
) -> None:
    record = make_record()
    b = make_item(record=record, home_branch=west, call_number="REVE", barcode="30000000000002")
    a = make_item(record=record, home_branch=west, call_number="REVE", barcode="30000000000001")
    make_item(record=record, home_branch=west, status=ItemStatus.ON_LOAN)
    make_item(record=record, home_branch=central)  # another branch's shelf
    make_item(record=record, home_branch=west, item_type=ItemType.REFERENCE)
    first = _place(record, make_member(), central, minutes=1)
    second = _place(record, make_member(), west, minutes=2)
    _place(record, make_member(), west, minutes=3)  # no third copy on West's shelf
    other = make_item(home_branch=west, call_number="MULI")
    early = _place(other.record, make_member(), west)

    assert holds_pull_list(west, today=TODAY) == [
        PullRow(hold=early, item=other),
        PullRow(hold=first, item=a),
        PullRow(hold=second, item=b),
    ]


def test_the_pull_list_skips_members_who_may_not_borrow(central: Branch) -> None:
    record = make_record()
    make_item(record=record, home_branch=central)
    blocked_member = make_member()
    _place(record, blocked_member, central)
    served = _place(record, make_member(), central, minutes=1)
    Member.objects.filter(pk=blocked_member.pk).update(status=MemberStatus.BLOCKED)

    assert list(holds_to_pull(central, today=TODAY)) == [served]


def test_scanning_a_pulled_copy_sets_it_aside_and_empties_the_list(central: Branch) -> None:
    item = make_item(home_branch=central)
    hold = _place(item.record, make_member(), central)
    assert [row.item for row in holds_pull_list(central, today=TODAY)] == [item]

    result = loan_checkin(item=item, branch=central, staff=None, now=NOW)

    assert result.hold == hold
    assert holds_pull_list(central, today=TODAY) == []


def test_the_pull_list_is_two_queries(
    django_assert_num_queries: DjangoAssertNumQueries, central: Branch
) -> None:
    for _ in range(3):
        item = make_item(home_branch=central)
        _place(item.record, make_member(), central)
    with django_assert_num_queries(2):
        assert len(holds_pull_list(central, today=TODAY)) == 3


def test_item_open_loan_and_queue_length(central: Branch, member: Member) -> None:
    item = make_item(home_branch=central)
    assert item_open_loan(item) is None
    loan = loan_checkout(item=item, member=member, staff=None, branch=central, now=NOW)
    for minutes in (1, 2):
        _place(item.record, make_member(), central, minutes=minutes)

    assert item_open_loan(item) == loan
    assert record_queue_length(item.record_id) == 2


def _mixed_loans(member: Member, branches: list[Branch], count: int) -> list[Loan]:
    types = [ItemType.BOOK, ItemType.AUDIOVISUAL, ItemType.MAGAZINE]
    return bulk_open_loans(member, count, branches=branches, item_types=types, renewals=range(4))


def test_renewals_left_come_from_the_same_rules_as_renewal_in_one_query(
    central: Branch, west: Branch
) -> None:
    youth = make_category(code="jeugd")
    make_rule(renewals_allowed=1)
    make_rule(item_type=ItemType.AUDIOVISUAL, renewals_allowed=0)
    make_rule(branch=west, renewals_allowed=3)
    make_rule(branch=west, category=youth, item_type=ItemType.MAGAZINE, renewals_allowed=5)
    make_rule(category=youth, renewals_allowed=4)
    make_rule(branch=make_branch(), renewals_allowed=9)  # another branch: never used
    counts = []
    for member, count in ((make_member(category=youth), 1), (make_member(category=youth), 200)):
        _mixed_loans(member, [central, west], count)
        with CaptureQueriesContext(connection) as queries:
            loans = list(member_open_loans(member, with_renewals_left=True))
        counts.append(len(queries))
        assert len(loans) == count
        for loan in loans:
            rule = rule_for(branch=loan.branch, category=youth, item_type=loan.item.item_type)
            expected = max(0, rule.renewals_allowed - loan.renewals)
            assert loan.renewals_left == expected  # type: ignore[attr-defined]
    assert counts == [1, 1]


def test_renewals_left_without_any_rule_uses_the_defaults(central: Branch) -> None:
    member = make_member()
    _mixed_loans(member, [central, central], 3)

    left = [loan.renewals_left for loan in member_open_loans(member, with_renewals_left=True)]  # type: ignore[attr-defined]

    assert sorted(left) == [0, 1, 2]  # 2 allowed, 0/1/2 used

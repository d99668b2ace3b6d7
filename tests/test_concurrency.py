"""Circulation under real concurrency: threads hitting the services at the same moment.

Each thread has its own database connection. On PostgreSQL the services' row locks serialise
them; on SQLite (a file in WAL mode) every transaction begins IMMEDIATE, so writers take turns.
The tests run on both.
"""

from __future__ import annotations

import datetime as dt
import sys
import types
from collections.abc import Iterator
from functools import partial

import pytest
from django.utils import timezone

from kaft.catalog.models import Branch, Item, ItemStatus
from kaft.circulation.errors import CirculationErrorCode
from kaft.circulation.models import TRAPPED_HOLD_STATUSES, Hold, HoldStatus, Loan, LoanStatus
from kaft.circulation.services import (
    hold_place,
    holds_expire_uncollected,
    loan_checkin,
    loan_checkout,
)
from kaft.members.models import Member
from tests.factories_circulation import (
    make_branch,
    make_item,
    make_member,
    make_record,
    make_rule,
)
from tests.threads import OK, run_together

pytestmark = [pytest.mark.concurrency, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def ready_notices(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[int]]:
    announced: list[int] = []
    fake = types.ModuleType("kaft.notices.tasks")
    fake.notice_hold_ready = types.SimpleNamespace(delay=announced.append)  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "kaft.notices.tasks", fake)
    yield announced


def test_twenty_desks_lend_one_item_exactly_once() -> None:
    branch = make_branch()
    item = make_item(home_branch=branch)
    members = [make_member(home_branch=branch) for _ in range(20)]

    outcomes = run_together(
        [partial(loan_checkout, item=item, member=m, staff=None, branch=branch) for m in members]
    )

    assert sorted(outcomes) == [str(CirculationErrorCode.ITEM_ON_LOAN)] * 19 + [OK]
    assert Loan.objects.filter(item=item, status=LoanStatus.OPEN).count() == 1
    item.refresh_from_db()
    assert item.status == ItemStatus.ON_LOAN


def test_twenty_checkouts_for_one_member_stop_at_the_loan_limit() -> None:
    branch = make_branch()
    make_rule(max_loans=15)
    member = make_member(home_branch=branch)
    items = [make_item(home_branch=branch) for _ in range(20)]

    outcomes = run_together(
        [partial(loan_checkout, item=i, member=member, staff=None, branch=branch) for i in items]
    )

    assert outcomes.count(OK) == 15
    assert outcomes.count(str(CirculationErrorCode.LOAN_LIMIT_REACHED)) == 5
    assert Loan.objects.filter(member=member, status=LoanStatus.OPEN).count() == 15
    assert Item.objects.filter(status=ItemStatus.ON_LOAN).count() == 15


def test_two_members_racing_for_the_last_copy_on_the_shelf() -> None:
    # Both members stand at a desk (or kiosk) with the same, last available copy of a title.
    branch = make_branch()
    item = make_item(home_branch=branch)
    first, second = make_member(home_branch=branch), make_member(home_branch=branch)

    outcomes = run_together(
        [
            partial(loan_checkout, item=item, member=m, staff=None, branch=branch)
            for m in (first, second)
        ]
    )

    assert sorted(outcomes) == sorted([OK, str(CirculationErrorCode.ITEM_ON_LOAN)])
    assert Loan.objects.get(item=item).member in (first, second)


def test_two_copies_returned_at_once_serve_one_waiting_member_once(
    ready_notices: list[int],
) -> None:
    # One member waits for a title; two copies come back at two desks at the same moment.
    branch = make_branch()
    record = make_record()
    copies = [make_item(record=record, home_branch=branch) for _ in range(2)]
    hold = hold_place(
        record=record, member=make_member(home_branch=branch), pickup_branch=branch, staff=None
    )

    outcomes = run_together(
        [partial(loan_checkin, item=c, branch=branch, staff=None) for c in copies]
    )

    assert outcomes == [OK, OK]
    hold.refresh_from_db()
    assert hold.status == HoldStatus.READY
    statuses = sorted(Item.objects.filter(record=record).values_list("status", flat=True))
    assert statuses == [ItemStatus.AVAILABLE, ItemStatus.ON_HOLDS_SHELF]
    assert ready_notices == [hold.pk]


def test_holds_placed_at_once_stop_at_the_hold_limit() -> None:
    branch = make_branch()
    make_rule(max_holds=3)
    member = make_member(home_branch=branch)
    records = [make_item(home_branch=branch).record for _ in range(6)]

    outcomes = run_together(
        [
            partial(hold_place, record=r, member=member, pickup_branch=branch, staff=None)
            for r in records
        ]
    )

    assert outcomes.count(OK) == 3
    assert outcomes.count(str(CirculationErrorCode.HOLD_LIMIT_REACHED)) == 3
    assert Hold.objects.filter(member=member).count() == 3


def _set_aside(branch: Branch) -> tuple[Item, Hold, Member]:
    """A copy on the holds shelf of ``branch``, READY for a member's hold."""
    item = make_item(home_branch=branch)
    member = make_member(home_branch=branch)
    hold = hold_place(record=item.record, member=member, pickup_branch=branch, staff=None)
    loan_checkin(item=item, branch=branch, staff=None)
    hold.refresh_from_db()
    assert hold.status == HoldStatus.READY
    return item, hold, member


def test_the_hold_member_and_another_member_race_for_a_set_aside_copy(
    ready_notices: list[int],
) -> None:
    branch = make_branch()
    item, hold, holder = _set_aside(branch)
    other = make_member(home_branch=branch)

    outcomes = run_together(
        [
            partial(loan_checkout, item=item, member=m, staff=None, branch=branch)
            for m in (holder, other)
        ]
    )

    # The holder always gets it. The other member is told the copy is set aside for someone
    # else, or (when the holder's checkout committed first) that it is already on loan.
    assert outcomes[0] == OK
    assert outcomes[1] in (
        str(CirculationErrorCode.ITEM_RESERVED_FOR_OTHER),
        str(CirculationErrorCode.ITEM_ON_LOAN),
    )
    loan = Loan.objects.get(item=item)
    assert (loan.member_id, loan.status) == (holder.pk, LoanStatus.OPEN)
    hold.refresh_from_db()
    assert hold.status == HoldStatus.FULFILLED
    item.refresh_from_db()
    assert item.status == ItemStatus.ON_LOAN


def test_the_other_member_cannot_take_a_set_aside_copy_while_it_waits(
    ready_notices: list[int],
) -> None:
    # Several members try at once while the holder is not there: all are refused.
    branch = make_branch()
    item, hold, _holder = _set_aside(branch)
    others = [make_member(home_branch=branch) for _ in range(4)]

    outcomes = run_together(
        [partial(loan_checkout, item=item, member=m, staff=None, branch=branch) for m in others]
    )

    assert outcomes == [str(CirculationErrorCode.ITEM_RESERVED_FOR_OTHER)] * 4
    assert Loan.objects.filter(item=item).count() == 0
    hold.refresh_from_db()
    assert hold.status == HoldStatus.READY


def test_expiry_racing_the_hold_members_checkout_ends_consistently(
    ready_notices: list[int],
) -> None:
    branch = make_branch()
    item, hold, holder = _set_aside(branch)
    Hold.objects.filter(pk=hold.pk).update(
        pickup_deadline=timezone.localdate() - dt.timedelta(days=1)
    )
    expired: list[int] = []

    outcomes = run_together(
        [
            partial(loan_checkout, item=item, member=holder, staff=None, branch=branch),
            lambda: expired.append(holds_expire_uncollected()),
        ]
    )

    # Either the checkout came first (the hold is fulfilled, nothing to expire) or the expiry
    # did (the copy stayed on the holds shelf for nobody, so the member may still borrow it).
    assert outcomes == [OK, OK]
    hold.refresh_from_db()
    assert (hold.status, expired) in (
        (HoldStatus.FULFILLED, [0]),
        (HoldStatus.EXPIRED, [1]),
    )
    loan = Loan.objects.get(item=item)
    assert (loan.member_id, loan.status) == (holder.pk, LoanStatus.OPEN)
    item.refresh_from_db()
    assert item.status == ItemStatus.ON_LOAN
    assert not Hold.objects.filter(item=item, status__in=TRAPPED_HOLD_STATUSES).exists()

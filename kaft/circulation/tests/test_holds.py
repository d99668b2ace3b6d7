"""hold_place, hold_cancel and holds_expire_uncollected (and its task)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest

from kaft.catalog.models import Branch, Item, ItemStatus, ItemType, Record
from kaft.circulation.errors import CirculationErrorCode
from kaft.circulation.models import Hold, HoldEvent, HoldStatus
from kaft.circulation.selectors.holds import holds_shelf_leftovers
from kaft.circulation.services import (
    hold_cancel,
    hold_place,
    holds_expire_uncollected,
    loan_checkin,
    loan_checkout,
)
from kaft.circulation.tasks import expire_uncollected_holds
from kaft.members.models import Member, MemberStatus, User
from tests.factories_circulation import (
    NOW,
    TODAY,
    assert_refused,
    make_item,
    make_record,
    make_rule,
)

Capture = Callable[..., Any]


def _place(record: Record, member: Member, pickup: Branch, **kwargs: Any) -> Hold:
    return hold_place(
        record=record, member=member, pickup_branch=pickup, staff=None, now=NOW, **kwargs
    )


def test_placing_a_hold_puts_the_member_in_the_queue(
    central: Branch, member: Member, staff: User
) -> None:
    item = make_item(home_branch=central)  # on the shelf at the pickup branch: stays there

    hold = hold_place(
        record=item.record, member=member, pickup_branch=central, staff=staff, now=NOW
    )

    hold.refresh_from_db()
    assert (hold.status, hold.placed_at, hold.item_id) == (HoldStatus.WAITING, NOW, None)
    assert (hold.member_category_id, hold.age_band) == (member.category_id, "30-64")
    event = HoldEvent.objects.get(hold=hold)
    assert (event.action, event.staff) == ("place", staff)
    item.refresh_from_db()
    assert item.status == ItemStatus.AVAILABLE


def test_hold_already_placed(central: Branch, member: Member) -> None:
    record = make_item(home_branch=central).record
    _place(record, member, central)
    assert_refused(
        lambda: _place(record, member, central),
        CirculationErrorCode.HOLD_ALREADY_PLACED,
        "You have already reserved this title.",
    )


def test_a_title_the_member_has_on_loan(central: Branch, member: Member) -> None:
    item = make_item(home_branch=central)
    loan_checkout(item=item, member=member, staff=None, branch=central, now=NOW)
    assert_refused(
        lambda: _place(item.record, member, central),
        CirculationErrorCode.HOLD_ALREADY_ON_LOAN_TO_MEMBER,
        "You already have this title on loan.",
    )


@pytest.mark.parametrize(
    "copies",
    [
        [],
        [(ItemType.REFERENCE, ItemStatus.AVAILABLE)],
        [(ItemType.BOOK, ItemStatus.WITHDRAWN), (ItemType.BOOK, ItemStatus.LOST)],
    ],
)
def test_no_holdable_items(central: Branch, member: Member, copies: list[tuple[str, str]]) -> None:
    record = make_record()
    for item_type, status in copies:
        make_item(record=record, home_branch=central, item_type=item_type, status=status)
    assert_refused(
        lambda: _place(record, member, central),
        CirculationErrorCode.NO_HOLDABLE_ITEMS,
        "This title has no copies that can be reserved.",
    )


def test_hold_limit(central: Branch, member: Member) -> None:
    make_rule(max_holds=2)
    for _ in range(2):
        _place(make_item(home_branch=central).record, member, central)
    record = make_item(home_branch=central).record
    assert_refused(
        lambda: _place(record, member, central),
        CirculationErrorCode.HOLD_LIMIT_REACHED,
        "The maximum number of reservations has been reached.",
    )


@pytest.mark.parametrize(
    ("change", "code", "english"),
    [
        (
            {"status": MemberStatus.BLOCKED},
            CirculationErrorCode.MEMBER_BLOCKED,
            "This membership is blocked. Please ask at the desk.",
        ),
        (
            {"membership_end": dt.date(2026, 2, 1)},
            CirculationErrorCode.MEMBER_EXPIRED,
            "This membership has expired. Please renew it at the desk.",
        ),
    ],
)
def test_blocked_or_expired_member_cannot_reserve(
    central: Branch,
    member: Member,
    change: dict[str, Any],
    code: CirculationErrorCode,
    english: str,
) -> None:
    Member.objects.filter(pk=member.pk).update(**change)
    record = make_item(home_branch=central).record
    assert_refused(lambda: _place(record, member, central), code, english)


def test_cancelling_a_waiting_hold(central: Branch, member: Member, staff: User) -> None:
    hold = _place(make_item(home_branch=central).record, member, central)

    cancelled = hold_cancel(hold=hold, staff=staff, via="desk", now=NOW)

    assert (cancelled.status, cancelled.closed_at) == (HoldStatus.CANCELLED, NOW)
    assert HoldEvent.objects.filter(hold=hold).latest("pk").action == "cancel"


def _ready(item: Item, member: Member, branch: Branch) -> Hold:
    hold = _place(item.record, member, branch)
    loan_checkin(item=item, branch=branch, staff=None, now=NOW)
    hold.refresh_from_db()
    assert hold.status == HoldStatus.READY
    return hold


def test_cancelling_a_ready_hold_leaves_the_copy_on_the_holds_shelf_for_nobody(
    central: Branch,
    member: Member,
    other_member: Member,
    ready_notices: list[int],
    django_capture_on_commit_callbacks: Capture,
) -> None:
    item = make_item(home_branch=central)
    first = _ready(item, member, central)
    second = _place(item.record, other_member, central)

    with django_capture_on_commit_callbacks(execute=True):
        hold_cancel(hold=first, staff=None, now=NOW)

    # It still lies on the shelf under the first member's label: nobody is told "ready" yet.
    second.refresh_from_db()
    assert (second.status, second.item_id) == (HoldStatus.WAITING, None)
    assert ready_notices == []
    item.refresh_from_db()
    assert item.status == ItemStatus.ON_HOLDS_SHELF
    assert [(i.pk, i.label_card, i.closed_hold_status) for i in holds_shelf_leftovers(central)] == [  # type: ignore[attr-defined]
        (item.pk, member.card_number, HoldStatus.CANCELLED)
    ]


def test_a_closed_hold_cannot_be_cancelled(central: Branch, member: Member) -> None:
    hold = _place(make_item(home_branch=central).record, member, central)
    hold_cancel(hold=hold, staff=None, now=NOW)
    assert_refused(
        lambda: hold_cancel(hold=hold, staff=None, now=NOW),
        CirculationErrorCode.HOLD_NOT_CANCELLABLE,
        "This reservation can no longer be cancelled.",
    )


def test_expiry_leaves_uncollected_copies_on_the_shelf_and_is_idempotent(
    central: Branch, member: Member, other_member: Member
) -> None:
    item = make_item(home_branch=central)
    late = _ready(item, member, central)
    waiting = _place(item.record, other_member, central)
    on_time = _ready(make_item(home_branch=central), other_member, central)
    assert late.pickup_deadline == TODAY + dt.timedelta(days=7)
    day_after_deadline = NOW + dt.timedelta(days=8)
    Hold.objects.filter(pk=on_time.pk).update(pickup_deadline=TODAY + dt.timedelta(days=8))

    assert holds_expire_uncollected(now=day_after_deadline) == 1
    assert holds_expire_uncollected(now=day_after_deadline) == 0

    late.refresh_from_db()
    assert (late.status, late.closed_at) == (HoldStatus.EXPIRED, day_after_deadline)
    waiting.refresh_from_db()
    assert (waiting.status, waiting.item_id) == (HoldStatus.WAITING, None)
    item.refresh_from_db()
    assert item.status == ItemStatus.ON_HOLDS_SHELF
    assert list(holds_shelf_leftovers(central)) == [item]
    on_time.refresh_from_db()
    assert on_time.status == HoldStatus.READY


def test_the_task_expires_with_the_current_time(central: Branch, member: Member) -> None:
    hold = _ready(make_item(home_branch=central), member, central)
    Hold.objects.filter(pk=hold.pk).update(pickup_deadline=dt.date(2020, 1, 1))

    expire_uncollected_holds.delay()

    hold.refresh_from_db()
    assert hold.status == HoldStatus.EXPIRED

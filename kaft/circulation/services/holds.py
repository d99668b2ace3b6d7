"""Reservations (holds) on titles: placing, cancelling, and expiring uncollected ones.

Locks (see ``kaft.circulation.locks``): placing locks the member row (the hold limit is a COUNT
under that lock); cancelling and expiring lock the copy set aside for the hold before the hold
itself.

Policy decisions:

- A hold is placed WAITING even when a copy stands on a shelf; staff see such holds on the
  desk's pull list (``selectors.holds_pull_list``: per branch, one copy per hold) and scan the
  copy at the return screen, which sets it aside (or sends it to the pickup branch).
- The hold limit is ``max_holds`` of the rule for the pickup branch, the member's category and
  the item type of the title's copies, compared with all the member's active holds.
- When a READY hold is cancelled or expires, its copy stays ON_HOLDS_SHELF with no hold: it
  still lies on the shelf under the old label, so it is not given to the next member in the
  database. ``selectors.holds_shelf_leftovers`` lists it ("take off the holds shelf"); scanning
  it at the return screen routes it (next in line, else shelf or home). Anyone may borrow it
  meanwhile: it is reserved for nobody. A copy in transit for such a hold travels on and is
  routed when it is received.
- ``via`` is accepted for symmetry with the loan services; hold events do not store it.
"""

from __future__ import annotations

import datetime as dt

from django.db import IntegrityError, transaction

from kaft.catalog.models import Branch, Record
from kaft.circulation.errors import CirculationError, CirculationErrorCode
from kaft.circulation.lifecycle import hold_apply, hold_can, hold_start
from kaft.circulation.locks import hold_and_item_for_update, member_for_update
from kaft.circulation.models import (
    ACTIVE_HOLD_STATUSES,
    Hold,
    HoldAction,
    HoldStatus,
    Loan,
    LoanStatus,
)
from kaft.circulation.selectors.holds import record_holdable_item_type
from kaft.circulation.selectors.loans import rule_for
from kaft.circulation.services._common import age_band, check_member_may_borrow, clock
from kaft.members.models import Member, User


@transaction.atomic
def hold_place(
    *,
    record: Record,
    member: Member,
    pickup_branch: Branch,
    staff: User | None,
    via: str = "portal",
    now: dt.datetime | None = None,
) -> Hold:
    """Put ``member`` in the queue for ``record``, to pick up at ``pickup_branch``.

    Locks the member row, so two requests of one member cannot both pass the hold limit.
    """
    now, today = clock(now)
    locked_member = member_for_update(member.pk)
    check_member_may_borrow(locked_member, today)
    active = Hold.objects.filter(member=locked_member, status__in=ACTIVE_HOLD_STATUSES)
    if active.filter(record=record).exists():
        raise CirculationError(CirculationErrorCode.HOLD_ALREADY_PLACED)
    if Loan.objects.filter(member=locked_member, record=record, status=LoanStatus.OPEN).exists():
        raise CirculationError(CirculationErrorCode.HOLD_ALREADY_ON_LOAN_TO_MEMBER)
    item_type = record_holdable_item_type(record.pk)
    if item_type is None:
        raise CirculationError(CirculationErrorCode.NO_HOLDABLE_ITEMS)
    rule = rule_for(branch=pickup_branch, category=locked_member.category, item_type=item_type)
    if active.count() >= rule.max_holds:
        raise CirculationError(CirculationErrorCode.HOLD_LIMIT_REACHED)
    hold = Hold(
        record=record,
        member=locked_member,
        pickup_branch=pickup_branch,
        member_category_id=locked_member.category_id,
        age_band=age_band(locked_member, today),
    )
    try:
        with transaction.atomic():
            hold_start(hold=hold, at=now, staff=staff)
    except IntegrityError:
        raise CirculationError(CirculationErrorCode.HOLD_ALREADY_PLACED) from None
    return hold


@transaction.atomic
def hold_cancel(
    *, hold: Hold, staff: User | None, via: str = "portal", now: dt.datetime | None = None
) -> Hold:
    """Cancel a hold (the door checks it is the member's own, or staff's).

    Locks the copy set aside for it (if any), then the hold. The copy is not routed here: on
    the holds shelf it waits to be taken off and scanned; in transit it is routed on arrival.
    """
    now, _today = clock(now)
    locked, item = hold_and_item_for_update(Hold.objects.filter(pk=hold.pk))
    if locked is None or not hold_can(locked, HoldAction.CANCEL):
        raise CirculationError(CirculationErrorCode.HOLD_NOT_CANCELLABLE)
    hold_apply(hold=locked, action=HoldAction.CANCEL, at=now, staff=staff)
    return locked


def holds_expire_uncollected(*, now: dt.datetime | None = None) -> int:
    """Expire READY holds whose pickup deadline has passed. Their copies stay on the holds
    shelf, listed to be taken off (see the module docstring).

    One short transaction per hold (so a long run never holds many locks, and one problem does
    not undo the rest). Each hold is checked again under its lock, so running this twice, or on
    two workers at once, expires every hold exactly once. Returns how many this run expired.
    """
    now, today = clock(now)
    candidates = list(
        Hold.objects.filter(status=HoldStatus.READY, pickup_deadline__lt=today)
        .order_by("pickup_deadline", "pk")
        .values_list("pk", flat=True)
    )
    return sum(1 for hold_id in candidates if _expire_one(hold_id=hold_id, today=today, now=now))


@transaction.atomic
def _expire_one(*, hold_id: int, today: dt.date, now: dt.datetime) -> bool:
    hold, _item = hold_and_item_for_update(Hold.objects.filter(pk=hold_id))
    if hold is None or hold.status != HoldStatus.READY:
        return False
    if hold.pickup_deadline is None or hold.pickup_deadline >= today:
        return False
    hold_apply(hold=hold, action=HoldAction.EXPIRE, at=now, staff=None)
    return True

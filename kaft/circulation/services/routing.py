"""Where a copy goes once it is in someone's hands at a branch and nobody has it on loan.

Used by checkin and transfer receipt. Every function here runs inside the caller's transaction,
with the item row already locked by the caller (see ``kaft.circulation.locks``).

Routing order:

1. a copy still travelling to another branch stays in transit;
2. a copy set aside for a hold goes (or stays) on the holds shelf of the pickup branch; found
   at another branch, it travels back and its hold is in transit again (see ``arrive``);
3. otherwise the first hold in the title's queue (oldest first) whose member may borrow today
   gets it: on this branch's holds shelf when it is the pickup branch, else in transit to the
   pickup branch. Holds of blocked or expired members are passed over but keep their place;
4. otherwise a copy away from home is sent home;
5. otherwise it goes back on the shelf; a copy another library lent us (interlibrary loan, at
   the branch that received it) is put aside to be shipped back to that library.

A copy is only routed when someone holds it. When the hold of a copy on the holds shelf is
cancelled or expires, the copy stays ON_HOLDS_SHELF with no hold (it still lies there under the
old label): the holds shelf list shows it under "take off the holds shelf", and scanning it at
the return screen routes it. A copy in transit for a cancelled hold travels on and is routed
when it is received.

Damaged, withdrawn and in-repair copies (and reference copies for step 3) are never set aside for
holds. A copy marked missing or lost that is checked in is found: it goes the usual way.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kaft.catalog.models import Branch, Item, ItemStatus, ItemType
from kaft.circulation.calendar import next_open_day
from kaft.circulation.lifecycle import (
    hold_apply,
    item_set_status,
    transfer_close,
    transfer_open,
)
from kaft.circulation.locks import (
    first_waiting_hold_for_update,
    open_transfer_for_update,
    trapped_hold_for_update,
)
from kaft.circulation.models import Hold, HoldAction, HoldStatus, Loan, TransferReason
from kaft.circulation.selectors.holds import item_routing_facts
from kaft.circulation.selectors.loans import UNHOLDABLE_TYPES, rule_for
from kaft.circulation.services._common import announce_hold_ready
from kaft.members.models import User

# Copies that stay where staff put them: no hold, no transfer.
SET_APART_STATUSES = (ItemStatus.DAMAGED, ItemStatus.WITHDRAWN, ItemStatus.IN_REPAIR)


class Destination(models.TextChoices):
    SHELF = "shelf", _("Back on the shelf")
    HOLDS_SHELF = "holds_shelf", _("On the holds shelf")
    TRANSIT = "transit", _("Send to another branch")
    TO_LENDER = "to_lender", _("Back to the lending library")


@dataclass(frozen=True)
class CheckinResult:
    """Where a copy taken in goes. ``received_transfer``: it arrived at the destination of an
    open transfer; ``returned_late``: the loan it closed was due before the day of return."""

    loan: Loan | None
    item: Item
    destination: Destination
    to_branch: Branch
    hold: Hold | None
    received_transfer: bool = False
    returned_late: bool = False


def arrive(*, item: Item, branch: Branch, staff: User | None, now: dt.datetime) -> CheckinResult:
    """``item`` (locked, not on loan) is in hand at ``branch``: close transfers and route it.

    One query says which of the open transfer, the trapped hold and the title's queue exist;
    only those are locked and read. Safe under the item lock: transfers of the item and holds
    trapped on it only change under that lock, and hold placement (which does not take it) is
    no more visible to a locking read than to this one until it commits.

    A copy on the holds shelf of branch A (hold READY) that turns up at branch B travels back
    to A and its hold goes back to IN_TRANSIT (the member cannot pick it up meanwhile); when it
    arrives at A the hold is READY again, keeping its ``ready_at`` (no second notice) and the
    later of its old and a fresh pickup deadline.
    """
    facts = item_routing_facts(item_id=item.pk, record_id=item.record_id)
    transfer = open_transfer_for_update(item.pk) if facts.in_transit else None
    hold = trapped_hold_for_update(item.pk) if facts.set_aside else None
    received = False
    if transfer is not None:
        if transfer.to_branch_id != branch.pk:
            return CheckinResult(None, item, Destination.TRANSIT, transfer.to_branch, hold)
        transfer_close(transfer=transfer, at=now)
        received = True
    if hold is None:
        result = route(item=item, branch=branch, staff=staff, now=now, queue=facts.queue)
    elif hold.pickup_branch_id == branch.pk:
        result = _to_holds_shelf(hold=hold, item=item, branch=branch, staff=staff, now=now)
    else:
        # Set aside for a pickup elsewhere but it turned up here: send it on.
        if hold.status == HoldStatus.READY:
            hold_apply(hold=hold, action=HoldAction.SEND, at=now, staff=staff, item=item)
        result = _send(item=item, branch=branch, to_branch=hold.pickup_branch, hold=hold, now=now)
    return replace(result, received_transfer=received)


def route(
    *, item: Item, branch: Branch, staff: User | None, now: dt.datetime, queue: bool = True
) -> CheckinResult:
    """Steps 3-5 for a locked copy that is free: no loan, no trapped hold, no open transfer.

    ``queue=False`` when the caller just found nobody waiting for the title (no lock needed).
    """
    if item.status in SET_APART_STATUSES:
        item_set_status(item, ItemStatus(item.status), branch=branch)
        return CheckinResult(None, item, Destination.SHELF, branch, None)
    hold = None
    if queue and item.item_type not in UNHOLDABLE_TYPES:
        hold = first_waiting_hold_for_update(item.record_id, today=timezone.localdate(now))
    if hold is not None:
        if hold.pickup_branch_id == branch.pk:
            return _to_holds_shelf(hold=hold, item=item, branch=branch, staff=staff, now=now)
        hold_apply(hold=hold, action=HoldAction.SEND, at=now, staff=staff, item=item)
        return _send(item=item, branch=branch, to_branch=hold.pickup_branch, hold=hold, now=now)
    if item.home_branch_id != branch.pk:
        return _send(item=item, branch=branch, to_branch=item.home_branch, hold=None, now=now)
    item_set_status(item, ItemStatus.AVAILABLE, branch=branch)
    if item.item_type == ItemType.INTERLIBRARY:
        return CheckinResult(None, item, Destination.TO_LENDER, branch, None)
    return CheckinResult(None, item, Destination.SHELF, branch, None)


def _send(
    *, item: Item, branch: Branch, to_branch: Branch, hold: Hold | None, now: dt.datetime
) -> CheckinResult:
    """Put ``item`` in transit from ``branch``: to a pickup branch for ``hold``, or home."""
    reason = TransferReason.HOLD if hold is not None else TransferReason.HOME
    transfer_open(
        item=item, from_branch=branch, to_branch=to_branch, reason=reason, hold=hold, at=now
    )
    item_set_status(item, ItemStatus.IN_TRANSIT, branch=branch)
    return CheckinResult(None, item, Destination.TRANSIT, to_branch, hold)


def _to_holds_shelf(
    *, hold: Hold, item: Item, branch: Branch, staff: User | None, now: dt.datetime
) -> CheckinResult:
    """Put ``item`` on this branch's holds shelf for ``hold`` (ready, the member is told).

    A hold that was ready before (its copy went away and came back) keeps ``ready_at`` and is
    not announced again; its deadline is the later of the old one and a fresh one.
    """
    if hold.status != HoldStatus.READY:
        today = timezone.localdate(now)
        rule = rule_for(branch=branch, category=hold.member_category, item_type=item.item_type)
        deadline = next_open_day(branch, today + dt.timedelta(days=rule.hold_shelf_days))
        told_before = hold.ready_at is not None
        if told_before and hold.pickup_deadline is not None:
            deadline = max(deadline, hold.pickup_deadline)
        action = HoldAction.ARRIVE if hold.status == HoldStatus.IN_TRANSIT else HoldAction.TRAP
        hold_apply(
            hold=hold, action=action, at=now, staff=staff, item=item, pickup_deadline=deadline
        )
        if not told_before:
            announce_hold_ready(hold.pk)
    item_set_status(item, ItemStatus.ON_HOLDS_SHELF, branch=branch)
    return CheckinResult(None, item, Destination.HOLDS_SHELF, branch, hold)

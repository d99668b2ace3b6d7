"""Reads for reservations and moving copies: queues, the holds shelf, the pull list, what is in transit, and the facts a checkin routes on. Fixed number of queries each."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import (
    BooleanField,
    Count,
    Exists,
    ExpressionWrapper,
    F,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
)
from django.db.models.expressions import CombinedExpression
from django.db.models.functions import Coalesce
from django.utils import timezone

from kaft.catalog.models import Branch, Item, ItemStatus
from kaft.circulation import sql
from kaft.circulation.models import (
    ACTIVE_HOLD_STATUSES,
    TRAPPED_HOLD_STATUSES,
    Hold,
    HoldStatus,
    Transfer,
    TransferStatus,
)
from kaft.circulation.selectors.loans import (
    UNHOLDABLE_TYPES,
    UNLOANABLE_STATUSES,
    members_who_may_borrow,
)
from kaft.members.models import Member


def hold_with_member(hold_id: int) -> Hold | None:
    """One hold with its member (for a shelf label), or None. One query."""
    return Hold.objects.select_related("member").filter(pk=hold_id).first()


def record_queue_length(record_id: int) -> int:
    """How many holds wait in the title's queue (not yet served), one COUNT."""
    return Hold.objects.filter(record_id=record_id, status=HoldStatus.WAITING).count()


@dataclass(frozen=True)
class RoutingFacts:
    in_transit: bool
    set_aside: bool
    queue: bool


def item_routing_facts(*, item_id: int, record_id: int) -> RoutingFacts:
    """In one query: does the copy have an open transfer, is it set aside for a hold (in
    transit or on the holds shelf), and does anyone wait in the title's queue?

    Checkin asks this (under the item lock) before locking any of those rows, so that a copy
    nobody waits for costs one query instead of three. A True answer is only a hint: the caller
    locks the row and reads it again.
    """
    in_transit, set_aside, queue = sql.routing_facts_row(item_id=item_id, record_id=record_id)
    return RoutingFacts(in_transit=in_transit, set_aside=set_aside, queue=queue)


def _queue_position(*, eligible_on: dt.date | None = None) -> CombinedExpression:
    """1 + the number of waiting holds on the same record placed earlier (ties: lower id);
    ``eligible_on``: counting only holds of members who may borrow that day."""
    waiting = Hold.objects.filter(record=OuterRef("record"), status=HoldStatus.WAITING)
    if eligible_on is not None:
        waiting = waiting.filter(
            Exists(members_who_may_borrow(eligible_on).filter(pk=OuterRef("member_id")))
        )
    ahead = (
        waiting.filter(
            Q(placed_at__lt=OuterRef("placed_at"))
            | Q(placed_at=OuterRef("placed_at"), pk__lt=OuterRef("pk"))
        )
        .order_by()
        .values("record")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return Coalesce(Subquery(ahead, output_field=IntegerField()), Value(0)) + 1


def member_active_holds(member: Member) -> list[Hold]:
    """Active holds, each with ``.position`` (1 = first in line; None once a copy is set aside).

    One query, whatever the number of holds.
    """
    holds: list[Hold] = list(
        Hold.objects.filter(member=member, status__in=ACTIVE_HOLD_STATUSES)
        .select_related("record", "pickup_branch", "item")
        .annotate(queue_position=_queue_position())
        .order_by("placed_at", "pk")
    )
    for hold in holds:
        hold.position = hold.queue_position if hold.status == HoldStatus.WAITING else None  # type: ignore[attr-defined]
    return holds


def holds_shelf(branch: Branch, *, today: dt.date | None = None) -> QuerySet[Hold]:
    """READY holds at the branch; ``.past_deadline`` when the pickup deadline has passed."""
    today = today or timezone.localdate()
    return (
        Hold.objects.filter(pickup_branch=branch, status=HoldStatus.READY)
        .select_related("record", "item", "member")
        .annotate(
            past_deadline=ExpressionWrapper(
                Q(pickup_deadline__lt=today), output_field=BooleanField()
            )
        )
        .order_by("pickup_deadline", "pk")
    )


def holds_shelf_leftovers(branch: Branch) -> QuerySet[Item]:
    """Copies on this branch's holds shelf that no hold is waiting for any more (the hold
    expired or was cancelled): take them off the shelf and scan them at the return screen.

    Each has ``.label_card`` (the card number on the old shelf label, None once the member link
    is gone) and ``.closed_hold_status``. One query.
    """
    last_hold = Hold.objects.filter(item=OuterRef("pk")).order_by("-placed_at", "-pk")
    return (
        Item.objects.filter(current_branch=branch, status=ItemStatus.ON_HOLDS_SHELF)
        .exclude(Exists(Hold.objects.filter(item=OuterRef("pk"), status__in=TRAPPED_HOLD_STATUSES)))
        .annotate(
            label_card=Subquery(last_hold.values("member__card_number")[:1]),
            closed_hold_status=Subquery(last_hold.values("status")[:1]),
        )
        .select_related("record")
        .order_by("call_number", "barcode")
    )


def _available_here(branch: Branch) -> QuerySet[Item]:
    return Item.objects.filter(status=ItemStatus.AVAILABLE, current_branch=branch).exclude(
        item_type__in=UNHOLDABLE_TYPES
    )


def holds_to_pull(branch: Branch, *, today: dt.date | None = None) -> QuerySet[Hold]:
    """Waiting holds that a copy on the shelf at ``branch`` will serve, oldest first, in one
    query: per title, the first N holds of members who may borrow (N = copies on the shelf
    here). Staff fetch the copies and scan them at the return screen, which sets each aside.

    Holds of blocked or expired members are left out, as routing passes them over.
    """
    today = today or timezone.localdate()
    eligible = Exists(members_who_may_borrow(today).filter(pk=OuterRef("member_id")))
    copies = (
        _available_here(branch)
        .filter(record=OuterRef("record"))
        .order_by()
        .values("record")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return (
        Hold.objects.filter(status=HoldStatus.WAITING)
        .filter(eligible)
        .annotate(
            pull_position=_queue_position(eligible_on=today),
            copies_here=Coalesce(Subquery(copies, output_field=IntegerField()), Value(0)),
        )
        .filter(pull_position__lte=F("copies_here"))
        .select_related("record", "pickup_branch")
        .order_by("placed_at", "pk")
    )


@dataclass(frozen=True)
class PullRow:
    hold: Hold
    item: Item  # the copy on the shelf here to fetch for it


def holds_pull_list(branch: Branch, *, today: dt.date | None = None) -> list[PullRow]:
    """:func:`holds_to_pull` with a copy to fetch for each hold (by call number, then barcode;
    one copy per hold). Two queries."""
    holds = list(holds_to_pull(branch, today=today))
    copies: dict[int, list[Item]] = {}
    for item in (
        _available_here(branch)
        .filter(record_id__in={h.record_id for h in holds})
        .order_by("call_number", "barcode")
    ):
        copies.setdefault(item.record_id, []).append(item)
    rows = []
    for hold in holds:
        waiting_copies = copies.get(hold.record_id)
        if waiting_copies:  # always true unless a copy left the shelf between the two queries
            rows.append(PullRow(hold=hold, item=waiting_copies.pop(0)))
    return rows


def transit_list(branch: Branch) -> QuerySet[Transfer]:
    return (
        Transfer.objects.filter(status=TransferStatus.IN_TRANSIT)
        .filter(Q(from_branch=branch) | Q(to_branch=branch))
        .select_related("item", "item__record", "from_branch", "to_branch", "hold")
        .order_by("sent_at", "pk")
    )


def record_holdable_item_type(record_id: int) -> str | None:
    """The item type of one copy that could ever serve a hold, or None when there is none."""
    return (
        Item.objects.filter(record_id=record_id)
        .exclude(status__in=UNLOANABLE_STATUSES)
        .exclude(item_type__in=UNHOLDABLE_TYPES)
        .order_by("pk")
        .values_list("item_type", flat=True)
        .first()
    )

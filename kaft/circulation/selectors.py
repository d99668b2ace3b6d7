"""Reads of circulation data. Every selector runs a fixed number of queries."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import (
    BooleanField,
    Count,
    Exists,
    ExpressionWrapper,
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

from kaft.catalog.models import Branch, Item, ItemStatus, ItemType, Record
from kaft.circulation import sql
from kaft.circulation.errors import CirculationError, CirculationErrorCode
from kaft.circulation.models import (
    ACTIVE_HOLD_STATUSES,
    Hold,
    HoldStatus,
    Loan,
    LoanRule,
    LoanStatus,
    Transfer,
    TransferStatus,
)
from kaft.members.models import Member, MemberCategory

# Items that can never go out: their type, or what happened to them.
UNLOANABLE_STATUSES = (ItemStatus.LOST, ItemStatus.WITHDRAWN, ItemStatus.DAMAGED)
UNLOANABLE_TYPES = (ItemType.REFERENCE,)


@dataclass(frozen=True)
class BranchAvailability:
    branch: Branch
    total: int
    available: int


def item_by_barcode(barcode: str) -> Item:
    try:
        return Item.objects.select_related("record", "home_branch", "current_branch").get(
            barcode=barcode.strip()
        )
    except Item.DoesNotExist:
        raise CirculationError(CirculationErrorCode.UNKNOWN_BARCODE) from None


def rule_for(*, branch: Branch, category: MemberCategory | None, item_type: str) -> LoanRule:
    """The most specific lending rule for branch x category x item type, in one query.

    An empty field of a rule matches anything. Specificity: branch counts 4, category 2,
    item type 1, so all three > branch+category > branch+type > branch > category+type >
    category > type > the all-empty rule. ``category`` None (a member link already removed)
    matches only rules for any category. Without any matching rule: an unsaved ``LoanRule``
    with the model's defaults (21 days, 2 renewals, 20 loans, 10 reservations, 7 days).
    The SQL is in ``kaft.circulation.sql`` (a hot path of every checkout).
    """
    rule = sql.rule_row(
        branch_id=branch.pk,
        category_id=category.pk if category is not None else None,
        item_type=item_type,
    )
    return rule or _default_rule()


def _default_rule() -> LoanRule:
    return LoanRule(branch=None, category=None, item_type="")


def member_open_loans(member: Member) -> QuerySet[Loan]:
    return (
        Loan.objects.filter(member=member, status=LoanStatus.OPEN)
        .select_related("item", "item__record", "branch")
        .order_by("due_date", "pk")
    )


def member_open_loan_count(member_id: int) -> int:
    return Loan.objects.filter(member_id=member_id, status=LoanStatus.OPEN).count()


@dataclass(frozen=True)
class CheckoutFacts:
    rule: LoanRule
    open_loans: int
    has_active_hold: bool
    due_day_closed: bool


def checkout_facts(
    *,
    member: Member,
    item: Item,
    branch: Branch,
    today: dt.date,
) -> CheckoutFacts:
    """What a checkout must know after its locks, in one query whatever the number of loans:
    the rule (as :func:`rule_for`), the member's open loans (a COUNT), whether the member has
    an active hold on the title, and whether today + the rule's loan period is a closed day of
    ``branch`` (when it is, the caller asks the calendar for the next open day).

    Run it as its own statement AFTER locking the member row, never inside the locking SELECT:
    on PostgreSQL a SELECT ... FOR UPDATE that waited for the lock evaluates its subqueries on
    the snapshot from before the wait, so a count there could miss a loan committed meanwhile.
    """
    rule, count, has_hold, closed = sql.checkout_facts_row(
        member_id=member.pk,
        category_id=member.category_id,
        record_id=item.record_id,
        item_type=item.item_type,
        branch_id=branch.pk,
        today=today,
        default_loan_days=_default_rule().loan_days,
    )
    return CheckoutFacts(
        rule=rule or _default_rule(),
        open_loans=count,
        has_active_hold=has_hold,
        due_day_closed=closed,
    )


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


def _queue_position() -> CombinedExpression:
    """1 + the number of waiting holds on the same record placed earlier (ties: lower id)."""
    ahead = (
        Hold.objects.filter(record=OuterRef("record"), status=HoldStatus.WAITING)
        .filter(
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


def holds_to_pull(branch: Branch) -> QuerySet[Hold]:
    """Waiting holds whose title has a copy on the shelf at ``branch``: staff fetch the copy
    and check it in, which sets it aside for the first in line."""
    on_shelf = Item.objects.filter(
        record=OuterRef("record"), status=ItemStatus.AVAILABLE, current_branch=branch
    ).exclude(item_type__in=UNLOANABLE_TYPES)
    return (
        Hold.objects.filter(status=HoldStatus.WAITING)
        .filter(Exists(on_shelf))
        .annotate(queue_position=_queue_position())
        .filter(queue_position=1)
        .select_related("record", "pickup_branch")
        .order_by("placed_at", "pk")
    )


def transit_list(branch: Branch) -> QuerySet[Transfer]:
    return (
        Transfer.objects.filter(status=TransferStatus.IN_TRANSIT)
        .filter(Q(from_branch=branch) | Q(to_branch=branch))
        .select_related("item", "item__record", "from_branch", "to_branch", "hold")
        .order_by("sent_at", "pk")
    )


def record_availability(record: Record) -> list[BranchAvailability]:
    """Per home branch: how many copies the title has there and how many are on the shelf.

    Lost and withdrawn copies are not counted. Two queries.
    """
    rows = (
        Item.objects.filter(record=record)
        .exclude(status__in=(ItemStatus.LOST, ItemStatus.WITHDRAWN))
        .values("home_branch")
        .annotate(
            total=Count("pk"),
            available=Count("pk", filter=Q(status=ItemStatus.AVAILABLE)),
        )
        .order_by()
    )
    counts = {row["home_branch"]: (row["total"], row["available"]) for row in rows}
    branches = Branch.objects.filter(pk__in=counts).order_by("name")
    return [
        BranchAvailability(branch=b, total=counts[b.pk][0], available=counts[b.pk][1])
        for b in branches
    ]


def record_holdable_item_type(record_id: int) -> str | None:
    """The item type of one copy that could ever serve a hold, or None when there is none."""
    return (
        Item.objects.filter(record_id=record_id)
        .exclude(status__in=UNLOANABLE_STATUSES)
        .exclude(item_type__in=UNLOANABLE_TYPES)
        .order_by("pk")
        .values_list("item_type", flat=True)
        .first()
    )

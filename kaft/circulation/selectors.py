"""Reads of circulation data. Every selector runs a fixed number of queries."""

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

from kaft.catalog.models import Branch, Item, ItemStatus, ItemType, Record
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
    """
    # Within the candidates each field is either the asked value or empty, so "filled first"
    # is "NULLs last" for the foreign keys and descending order for the item type ("" sorts low).
    rule = (
        LoanRule.objects.filter(Q(branch=branch) | Q(branch__isnull=True))
        .filter(Q(category=category) | Q(category__isnull=True))
        .filter(Q(item_type=item_type) | Q(item_type=""))
        .order_by(
            F("branch_id").asc(nulls_last=True),
            F("category_id").asc(nulls_last=True),
            F("item_type").desc(),
        )
        .first()
    )
    return rule or LoanRule(branch=None, category=None, item_type="")


def member_open_loans(member: Member) -> QuerySet[Loan]:
    return (
        Loan.objects.filter(member=member, status=LoanStatus.OPEN)
        .select_related("item", "item__record", "branch")
        .order_by("due_date", "pk")
    )


def member_open_loan_count(member_id: int) -> int:
    return Loan.objects.filter(member_id=member_id, status=LoanStatus.OPEN).count()


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

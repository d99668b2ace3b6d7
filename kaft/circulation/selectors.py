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
from django.db.models.functions import Coalesce, Greatest
from django.utils import timezone

from kaft.catalog.barcodes import barcode_is_valid
from kaft.catalog.models import Branch, Item, ItemStatus, ItemType, Record
from kaft.circulation import sql
from kaft.circulation.errors import CirculationError, CirculationErrorCode
from kaft.circulation.models import (
    ACTIVE_HOLD_STATUSES,
    TRAPPED_HOLD_STATUSES,
    Hold,
    HoldStatus,
    Loan,
    LoanRule,
    LoanStatus,
    Transfer,
    TransferStatus,
)
from kaft.members.models import Member, MemberCategory, MemberStatus

# Items that can never go out: their type, or what happened to them.
UNLOANABLE_STATUSES = (ItemStatus.LOST, ItemStatus.WITHDRAWN, ItemStatus.DAMAGED)
UNLOANABLE_TYPES = (ItemType.REFERENCE,)


@dataclass(frozen=True)
class BranchAvailability:
    branch: Branch
    total: int
    available: int


def item_by_barcode(barcode: str) -> Item:
    """The copy; ``UNKNOWN_BARCODE`` too for what is no barcode by :mod:`kaft.catalog.barcodes`."""
    code = barcode.strip()
    try:
        if not barcode_is_valid(code):  # never looked up
            raise Item.DoesNotExist
        return Item.objects.select_related("record", "home_branch", "current_branch").get(
            barcode=code
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


def members_who_may_borrow(today: dt.date) -> QuerySet[Member]:
    """Members who may borrow, renew and reserve on ``today``: the SQL form of
    ``services._common.check_member_may_borrow`` (not blocked, not expired)."""
    return Member.objects.exclude(status__in=(MemberStatus.BLOCKED, MemberStatus.EXPIRED)).filter(
        Q(membership_end__isnull=True) | Q(membership_end__gte=today)
    )


def member_open_loans(member: Member, *, with_renewals_left: bool = False) -> QuerySet[Loan]:
    """The member's open loans, soonest due first.

    ``with_renewals_left``: each loan gets ``.renewals_left`` (never below 0), from the rule
    :func:`rule_for` would pick for its lending branch, the member's category and its item
    type, in the same single query whatever the number of loans, branches and item types.
    """
    loans = (
        Loan.objects.filter(member=member, status=LoanStatus.OPEN)
        .select_related("item", "item__record", "branch")
        .order_by("due_date", "pk")
    )
    if with_renewals_left:
        allowed = Coalesce(
            Subquery(_best_rule(member.category_id).values("renewals_allowed")[:1]),
            Value(_default_rule().renewals_allowed),
        )
        loans = loans.annotate(
            renewals_left=Greatest(
                ExpressionWrapper(allowed - F("renewals"), output_field=IntegerField()),
                Value(0),
                output_field=IntegerField(),
            )
        )
    return loans


def _best_rule(category_id: int | None) -> QuerySet[LoanRule]:
    """The rules matching the outer loan (its branch and item type) and ``category_id``, most
    specific first: the same order as ``sql.rule_row`` (branch, then category, then type)."""
    category = Q(category__isnull=True)
    if category_id is not None:
        category |= Q(category_id=category_id)
    return (
        LoanRule.objects.filter(category)
        .filter(Q(branch__isnull=True) | Q(branch_id=OuterRef("branch_id")))
        .filter(Q(item_type="") | Q(item_type=OuterRef("item__item_type")))
        .order_by(
            F("branch").asc(nulls_last=True), F("category").asc(nulls_last=True), "-item_type"
        )
    )


def item_open_loan(item: Item) -> Loan | None:
    """The open loan of ``item``, if any (one query)."""
    return Loan.objects.filter(item=item, status=LoanStatus.OPEN).first()


def hold_with_member(hold_id: int) -> Hold | None:
    """One hold with its member (for a shelf label), or None. One query."""
    return Hold.objects.select_related("member").filter(pk=hold_id).first()


def record_queue_length(record_id: int) -> int:
    """How many holds wait in the title's queue (not yet served), one COUNT."""
    return Hold.objects.filter(record_id=record_id, status=HoldStatus.WAITING).count()


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
        item_type__in=UNLOANABLE_TYPES
    )


def holds_to_pull(branch: Branch, *, today: dt.date | None = None) -> QuerySet[Hold]:
    """Waiting holds that a copy on the shelf at ``branch`` will serve, oldest first, in one
    query: per title, the first N holds of members who may borrow (N = copies on the shelf
    here). Staff fetch the copies and scan them at the return screen, which sets each aside.

    Holds of blocked or expired members are left out, as routing passes them over.
    """
    today = today or timezone.localdate()
    eligible = Exists(members_who_may_borrow(today).filter(pk=OuterRef("member_id")))
    ahead = (
        Hold.objects.filter(record=OuterRef("record"), status=HoldStatus.WAITING)
        .filter(Exists(members_who_may_borrow(today).filter(pk=OuterRef("member_id"))))
        .filter(
            Q(placed_at__lt=OuterRef("placed_at"))
            | Q(placed_at=OuterRef("placed_at"), pk__lt=OuterRef("pk"))
        )
        .order_by()
        .values("record")
        .annotate(n=Count("pk"))
        .values("n")
    )
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
            pull_position=Coalesce(Subquery(ahead, output_field=IntegerField()), Value(0)) + 1,
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


def record_availability(record: Record) -> list[BranchAvailability]:
    """Per branch where copies are now (``current_branch``, as the search facet "available
    at"): ``total`` loanable copies there (not lost, withdrawn, damaged or reference) and
    ``available`` of them on the shelf (status AVAILABLE). Branches by name. Two queries.
    """
    rows = (
        Item.objects.filter(record=record)
        .exclude(status__in=UNLOANABLE_STATUSES)
        .exclude(item_type__in=UNLOANABLE_TYPES)
        .values("current_branch")
        .annotate(
            total=Count("pk"),
            available=Count("pk", filter=Q(status=ItemStatus.AVAILABLE)),
        )
        .order_by()
    )
    counts = {row["current_branch"]: (row["total"], row["available"]) for row in rows}
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

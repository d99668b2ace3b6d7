"""Reads for lending: the copy behind a barcode, the rule that applies, a member's loans, and the facts a checkout decides on. Every selector runs a fixed number of queries."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import (
    Case,
    ExpressionWrapper,
    F,
    IntegerField,
    Max,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Coalesce, Greatest
from django.utils.translation import gettext as _

from kaft.catalog.barcodes import barcode_is_valid
from kaft.catalog.models import Branch, Item, ItemStatus, ItemType
from kaft.circulation import sql
from kaft.circulation.errors import CirculationError, CirculationErrorCode
from kaft.circulation.models import (
    Loan,
    LoanAction,
    LoanEvent,
    LoanRule,
    LoanStatus,
)
from kaft.circulation.selectors.refusals import (
    BorrowRefusal,
    refusal_from_facts,
    registered_refusal,
)
from kaft.members.models import Member, MemberCategory, MemberStatus

# Items that can never go out: their type, or what happened to them.
UNLOANABLE_STATUSES = (
    ItemStatus.LOST,
    ItemStatus.WITHDRAWN,
    ItemStatus.DAMAGED,
    ItemStatus.MISSING,
    ItemStatus.IN_REPAIR,
)

UNLOANABLE_TYPES = (ItemType.REFERENCE,)

# Copies that never serve a reservation: those that never go out, and a copy another library
# lent us for one member (interlibrary loan), which goes to that member only.
UNHOLDABLE_TYPES = (*UNLOANABLE_TYPES, ItemType.INTERLIBRARY)

# Copies whose due date only the lending library can move (no renewal by the member or the desk).
LENDER_RENEWS_TYPES = (ItemType.INTERLIBRARY,)


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


def rule_for(*, branch: Branch | None, category: MemberCategory | None, item_type: str) -> LoanRule:
    """The most specific lending rule for branch x category x item type, in one query.

    An empty field of a rule matches anything. Specificity: branch counts 4, category 2,
    item type 1, so all three > branch+category > branch+type > branch > category+type >
    category > type > the all-empty rule. ``category`` None (a member link already removed)
    matches only rules for any category, and ``branch`` None only rules for any branch (what a
    branch without rules of its own gets). Without any matching rule: an unsaved ``LoanRule``
    with the model's defaults (21 days, 2 renewals, 20 loans, 10 reservations, 7 days).
    The SQL is in ``kaft.circulation.sql`` (a hot path of every checkout).
    """
    rule = sql.rule_row(
        branch_id=branch.pk if branch is not None else None,
        category_id=category.pk if category is not None else None,
        item_type=item_type,
    )
    return rule or _default_rule()


def loan_rule_label(rule: LoanRule) -> str:
    """Which combination a rule is for, in words ("Centrale / Jeugd / any item type")."""
    branch = rule.branch.name if rule.branch else _("any branch")
    category = rule.category.label if rule.category else _("any category")
    kind = ItemType(rule.item_type).label if rule.item_type else _("any item type")
    return f"{branch} / {category} / {kind}"


def loan_rules_most_specific_first() -> list[LoanRule]:
    """Every lending rule in the order :func:`rule_for` prefers them (branch 4, category 2,
    item type 1), then by branch, category and item type in words."""

    def specificity(rule: LoanRule) -> tuple[int, str]:
        score = 4 * (rule.branch_id is not None) + 2 * (rule.category_id is not None)
        return (-(score + (rule.item_type != "")), loan_rule_label(rule))

    return sorted(LoanRule.objects.select_related("branch", "category"), key=specificity)


def _default_rule() -> LoanRule:
    return LoanRule(branch=None, category=None, item_type="")


def member_status_refusal(member: Member, today: dt.date) -> BorrowRefusal | None:
    """The member's own standing, without a query: erased (an emptied row lends nothing), blocked
    (a block needs lifting whatever the end date) or expired."""
    if member.status == MemberStatus.ERASED:
        return BorrowRefusal(CirculationErrorCode.MEMBER_UNKNOWN)
    if member.status == MemberStatus.BLOCKED:
        return BorrowRefusal(CirculationErrorCode.MEMBER_BLOCKED)
    if member.status == MemberStatus.EXPIRED or member.is_expired_on(today):
        return BorrowRefusal(CirculationErrorCode.MEMBER_EXPIRED)
    return None


def member_borrow_refusal(member: Member, today: dt.date) -> BorrowRefusal | None:
    """Why ``member`` may not borrow, renew or reserve on ``today``, or None: blocked, expired
    (:func:`member_status_refusal`), then what the checks of higher domains say (money owed:
    ``kaft.circulation.selectors.refusals``). The check every such service makes
    (``services._common.check_member_may_borrow``; checkout reads the registered checks from its
    facts statement instead), and what the desk shows as the standing."""
    return member_status_refusal(member, today) or registered_refusal(member, today)


def members_who_may_borrow(today: dt.date) -> QuerySet[Member]:
    """Members who may borrow, renew and reserve on ``today``: the SQL form of
    :func:`member_borrow_refusal` (not blocked, not expired)."""
    barred = (MemberStatus.BLOCKED, MemberStatus.EXPIRED, MemberStatus.ERASED)
    return Member.objects.exclude(status__in=barred).filter(
        Q(membership_end__isnull=True) | Q(membership_end__gte=today)
    )


def loan_last_id() -> int:
    """The number of the newest loan (0: none yet): where a desk's session with a member begins."""
    return int(Loan.objects.aggregate(last=Max("id"))["last"] or 0)


def loans_lent_by(*, member_id: int, staff_id: int, after: int) -> QuerySet[Loan]:
    """The loans ``staff_id`` lent to ``member_id`` that are newer than loan number ``after``
    (open or returned since), oldest first, each with its copy and record: what a desk lent in
    one member's session, read from the loans themselves (at whichever branch the staff member
    chose meanwhile)."""
    return (
        Loan.objects.filter(
            member_id=member_id,
            pk__gt=after,
            events__action=LoanAction.CHECKOUT,
            events__staff_id=staff_id,
        )
        .select_related("item", "record")
        .order_by("checked_out_at", "pk")
    )


def member_open_loans(
    member: Member, *, with_renewals_left: bool = False, with_via: bool = False
) -> QuerySet[Loan]:
    """The member's open loans, soonest due first.

    ``with_renewals_left``: each loan gets ``.renewals_left`` (never below 0), from the rule
    :func:`rule_for` would pick for its lending branch, the member's category and its item
    type, in the same single query whatever the number of loans, branches and item types (0 for
    a copy another library lent us: only that library gives more time).
    ``with_via``: each loan gets ``.lent_via`` and ``.renewed_via``, the door its checkout and
    its last renewal came through (``"kiosk"``, ``"portal"``, ...; ``""`` for the desk or none),
    in the same single query too (:func:`loans_with_via`).
    """
    loans = (
        Loan.objects.filter(member=member, status=LoanStatus.OPEN)
        .select_related("item", "item__record", "branch")
        .order_by("due_date", "pk")
    )
    if with_via:
        loans = loans_with_via(loans)
    if with_renewals_left:
        allowed = Coalesce(
            Subquery(_best_rule(member.category_id).values("renewals_allowed")[:1]),
            Value(_default_rule().renewals_allowed),
        )
        loans = loans.annotate(
            renewals_left=Case(
                # Only the lending library renews an interlibrary copy (none left here).
                When(item__item_type__in=LENDER_RENEWS_TYPES, then=Value(0)),
                default=Greatest(
                    ExpressionWrapper(allowed - F("renewals"), output_field=IntegerField()),
                    Value(0),
                    output_field=IntegerField(),
                ),
                output_field=IntegerField(),
            )
        )
    return loans


def _event_via(action: LoanAction) -> Subquery:
    events = LoanEvent.objects.filter(loan=OuterRef("pk"), action=action).order_by("-at", "-pk")
    return Subquery(events.values("via")[:1])


def loans_with_via(loans: QuerySet[Loan]) -> QuerySet[Loan]:
    """``loans``, each with ``.lent_via``, ``.renewed_via`` and ``.returned_via``: the ``via`` of
    its checkout, last renewal and return event (``""`` when none or not said), as subqueries of
    the one query, so a list of loans costs no query per row. Staff and the member see from it
    what was done at a self-service kiosk (``"kiosk"``)."""
    return loans.annotate(
        lent_via=Coalesce(_event_via(LoanAction.CHECKOUT), Value("")),
        renewed_via=Coalesce(_event_via(LoanAction.RENEW), Value("")),
        returned_via=Coalesce(_event_via(LoanAction.RETURN), Value("")),
    )


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


def item_last_return(item: Item) -> LoanEvent | None:
    """The last return of ``item`` (when, where, through which door: ``.via``), if any; one
    query. Whose loan it was is not read."""
    return (
        LoanEvent.objects.filter(loan__item=item, action=LoanAction.RETURN)
        .select_related("branch")
        .order_by("-at", "-pk")
        .first()
    )


def item_open_loan(item: Item) -> Loan | None:
    """The open loan of ``item``, if any (one query)."""
    return Loan.objects.filter(item=item, status=LoanStatus.OPEN).first()


def member_open_loan_count(member_id: int) -> int:
    return Loan.objects.filter(member_id=member_id, status=LoanStatus.OPEN).count()


@dataclass(frozen=True)
class CheckoutFacts:
    rule: LoanRule
    open_loans: int
    has_active_hold: bool
    due_day_closed: bool
    refusal: BorrowRefusal | None = None


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
    ``branch`` (when it is, the caller asks the calendar for the next open day), and what the
    registered borrow checks say (``refusal``: money owed), from columns they add.

    Run it as its own statement AFTER locking the member row, never inside the locking SELECT:
    on PostgreSQL a SELECT ... FOR UPDATE that waited for the lock evaluates its subqueries on
    the snapshot from before the wait, so a count there could miss a loan committed meanwhile.
    """
    rule, count, has_hold, closed, extra = sql.checkout_facts_row(
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
        refusal=refusal_from_facts(extra),
    )

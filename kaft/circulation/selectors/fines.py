"""What a late loan's fine is on a given day, by the library's lending rules.

The rule (branch x category x item type, the most specific wins, as for the loan period) gives
the fine per day, the days without a fine after the due date (``fine_grace_days``) and the cap
per item (``fine_cap``, empty: none). The copy's replacement price is a cap too (0: unknown, only
the rule's cap applies). Days the lending branch is closed (its closed weekdays and single
closed days) cost nothing, and a category the library exempts (``charges_no_fines``) pays none.

:func:`fine_on` is the rule itself: a pure function of the due date, the day and the terms.
:func:`loans_fine_terms` reads the terms of many loans in one query, and :func:`closures_for`
the closed days of their branches in one more, so a job over 100,000 loans runs a fixed number
of statements per chunk. Money owed is billing's: this module only says how much.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import (
    BooleanField,
    DecimalField,
    F,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
)
from django.db.models.functions import Coalesce

from kaft.catalog.models import Branch, ClosedDay
from kaft.circulation.models import Loan, LoanRule

CENT = Decimal("0.01")
ZERO = Decimal("0.00")


@dataclass(frozen=True)
class FineTerms:
    """What the rules say about one loan's fine."""

    per_day: Decimal
    grace_days: int = 0
    cap: Decimal | None = None
    replacement_price: Decimal = ZERO
    exempt: bool = False


@dataclass(frozen=True)
class Closures:
    """When a branch is closed: weekdays (0 = Monday) every week, and single dates."""

    weekdays: frozenset[int] = frozenset()
    dates: frozenset[dt.date] = field(default_factory=frozenset)

    def closed_days_between(self, first: dt.date, last: dt.date) -> int:
        """How many days from ``first`` to ``last`` (both included) the branch is closed."""
        if last < first:
            return 0
        total = (last - first).days + 1
        weeks, rest = divmod(total, 7)
        closed = weeks * len(self.weekdays)
        closed += sum(
            1 for n in range(rest) if (first + dt.timedelta(days=n)).weekday() in self.weekdays
        )
        closed += sum(
            1 for day in self.dates if first <= day <= last and day.weekday() not in self.weekdays
        )
        return closed


def fine_on(*, due_date: dt.date, day: dt.date, terms: FineTerms, closures: Closures) -> Decimal:
    """The fine of a loan due on ``due_date`` that is still out (or comes back) on ``day``.

    The days after the due date up to and including ``day`` are late; the first
    ``grace_days`` of them are free, and of the rest every day the branch is open costs
    ``per_day``. The total stops at the cap and at the replacement price (when known); an exempt
    category pays nothing. Back on the due date or before: nothing.
    """
    if terms.exempt or terms.per_day <= 0:
        return ZERO
    first = due_date + dt.timedelta(days=terms.grace_days + 1)
    if day < first:
        return ZERO
    days = (day - first).days + 1 - closures.closed_days_between(first, day)
    amount = terms.per_day * days
    if terms.cap is not None:
        amount = min(amount, terms.cap)
    if terms.replacement_price > 0:
        amount = min(amount, terms.replacement_price)
    return max(amount, ZERO).quantize(CENT)


def _rule_of_loan() -> QuerySet[LoanRule]:
    """The rules matching the outer loan (its branch, its member's category when lent, its
    copy's type), most specific first: the order of ``sql.rule_row``."""
    return (
        LoanRule.objects.filter(Q(branch__isnull=True) | Q(branch_id=OuterRef("branch_id")))
        .filter(Q(category__isnull=True) | Q(category_id=OuterRef("member_category_id")))
        .filter(Q(item_type="") | Q(item_type=OuterRef("item__item_type")))
        .order_by(
            F("branch").asc(nulls_last=True), F("category").asc(nulls_last=True), "-item_type"
        )
    )


def with_fine_terms(loans: QuerySet[Loan]) -> QuerySet[Loan]:
    """``loans`` with what :func:`terms_of` needs annotated, in the same single query."""
    default = LoanRule()
    money = DecimalField(max_digits=9, decimal_places=2)
    rules = _rule_of_loan()
    return loans.annotate(
        fine_per_day_rule=Coalesce(
            Subquery(rules.values("fine_per_day")[:1]),
            Value(default.fine_per_day),
            output_field=money,
        ),
        fine_grace_rule=Coalesce(
            Subquery(rules.values("fine_grace_days")[:1]),
            Value(default.fine_grace_days),
            output_field=IntegerField(),
        ),
        fine_cap_rule=Subquery(rules.values("fine_cap")[:1], output_field=money),
        fine_price=F("item__replacement_price"),
        fine_exempt=Coalesce(
            F("member_category__charges_no_fines"), Value(False), output_field=BooleanField()
        ),
    )


def _decimal(value: object) -> Decimal:
    return Decimal(str(value)).quantize(CENT)


def terms_of(loan: Loan) -> FineTerms:
    """The terms :func:`with_fine_terms` annotated on ``loan``."""
    cap = loan.fine_cap_rule  # type: ignore[attr-defined]
    return FineTerms(
        per_day=_decimal(loan.fine_per_day_rule),  # type: ignore[attr-defined]
        grace_days=int(loan.fine_grace_rule),  # type: ignore[attr-defined]
        cap=None if cap is None else _decimal(cap),
        replacement_price=_decimal(loan.fine_price or 0),  # type: ignore[attr-defined]
        exempt=bool(loan.fine_exempt),  # type: ignore[attr-defined]
    )


def closures_for(
    branch_ids: Iterable[int], *, first: dt.date, last: dt.date
) -> dict[int, Closures]:
    """The closed weekdays and closed dates from ``first`` to ``last`` of each branch, in one
    query (the weekdays come with the branch rows' select_related, or one more query)."""
    ids = set(branch_ids)
    branches = Branch.objects.filter(pk__in=ids).values_list("pk", "closed_weekdays")
    weekdays = {pk: frozenset(int(w) for w in (days or [])) for pk, days in branches}
    dates: dict[int, set[dt.date]] = {pk: set() for pk in ids}
    for branch_id, day in ClosedDay.objects.filter(
        branch_id__in=ids, date__gte=first, date__lte=last
    ).values_list("branch_id", "date"):
        dates[branch_id].add(day)
    return {
        pk: Closures(weekdays.get(pk, frozenset()), frozenset(dates.get(pk, set()))) for pk in ids
    }


def loan_fine_on(loan: Loan, day: dt.date, *, due_date: dt.date | None = None) -> Decimal:
    """The fine of ``loan`` on ``day`` (``due_date``: another due date than the loan's, e.g. the
    one before a renewal). Three queries: the terms, the branch's closed weekdays and dates."""
    due = due_date or loan.due_date
    if day <= due:
        return ZERO
    annotated = with_fine_terms(Loan.objects.filter(pk=loan.pk)).get()
    closures = closures_for([loan.branch_id], first=due, last=day)[loan.branch_id]
    return fine_on(due_date=due, day=day, terms=terms_of(annotated), closures=closures)

"""The daily cash report of a branch: the payments taken there on one day, by method, and the
waivers and refunds given there that day.

It is made for reconciling the till and checking what was let off, so it names no member: a
payment is known by its receipt number (which leads to the ledger for whoever may look there),
a waiver and a refund by the kind of charge, the amount, the reason and who gave it.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import QuerySet
from django.utils import timezone

from kaft.billing.models import ChargeEvent, ChargeEventKind, Payment, PaymentMethod
from kaft.catalog.models import Branch
from kaft.members.models import User

ZERO = Decimal("0.00")
# Always on the report, also at zero: what a desk takes.
DESK_METHODS = (PaymentMethod.CASH, PaymentMethod.PIN)


@dataclass(frozen=True)
class CashPayment:
    number: str
    at: dt.datetime
    method: str  # the code ("cash")
    method_label: str
    amount: Decimal
    staff: str


@dataclass(frozen=True)
class MethodTotal:
    method: str
    label: str
    count: int
    amount: Decimal


@dataclass(frozen=True)
class LetOff:
    """A waiver or a refund: what it was on, how much, why and who."""

    at: dt.datetime
    kind: str  # the charge's kind, in words
    amount: Decimal
    reason: str
    staff: str
    method_label: str  # a refund's method ("" for a waiver)


@dataclass(frozen=True)
class CashDay:
    branch: Branch
    day: dt.date
    payments: tuple[CashPayment, ...]
    totals: tuple[MethodTotal, ...]
    total: Decimal
    waivers: tuple[LetOff, ...]
    refunds: tuple[LetOff, ...]

    @property
    def waived_total(self) -> Decimal:
        return sum((w.amount for w in self.waivers), ZERO)

    @property
    def refunded_total(self) -> Decimal:
        return sum((r.amount for r in self.refunds), ZERO)


def day_bounds(day: dt.date) -> tuple[dt.datetime, dt.datetime]:
    """The start of ``day`` and of the next day, in the library's time zone."""
    start = timezone.make_aware(dt.datetime.combine(day, dt.time.min))
    end = timezone.make_aware(dt.datetime.combine(day + dt.timedelta(days=1), dt.time.min))
    return start, end


def _staff_name(user: User | None) -> str:
    if user is None:
        return ""
    profile = getattr(user, "staff_profile", None)
    return (profile.display_name if profile is not None else "") or user.username


def _events(branch: Branch, day: dt.date, kind: ChargeEventKind) -> QuerySet[ChargeEvent]:
    start, end = day_bounds(day)
    return (
        ChargeEvent.objects.filter(branch=branch, kind=kind, at__gte=start, at__lt=end)
        .select_related("charge", "staff__staff_profile")
        .order_by("at", "pk")
    )


def _let_off(event: ChargeEvent) -> LetOff:
    return LetOff(
        at=event.at,
        kind=str(event.charge.get_kind_display()),
        amount=event.amount,
        reason=event.reason,
        staff=_staff_name(event.staff),
        method_label=str(event.get_method_display()) if event.method else "",
    )


def cash_day(*, branch: Branch, day: dt.date) -> CashDay:
    """What ``branch`` took, waived and refunded on ``day`` (a few queries, however many rows)."""
    start, end = day_bounds(day)
    rows = (
        Payment.objects.filter(branch=branch, at__gte=start, at__lt=end)
        .select_related("staff__staff_profile")
        .order_by("at", "pk")
    )
    payments = tuple(
        CashPayment(
            number=p.receipt_number,
            at=p.at,
            method=p.method,
            method_label=str(p.get_method_display()),
            amount=p.amount,
            staff=_staff_name(p.staff),
        )
        for p in rows
    )
    totals = []
    for method in PaymentMethod:
        taken = [p for p in payments if p.method == method]
        if taken or method in DESK_METHODS:
            amount = sum((p.amount for p in taken), ZERO)
            totals.append(MethodTotal(method.value, str(method.label), len(taken), amount))
    return CashDay(
        branch=branch,
        day=day,
        payments=payments,
        totals=tuple(totals),
        total=sum((p.amount for p in payments), ZERO),
        waivers=tuple(_let_off(e) for e in _events(branch, day, ChargeEventKind.WAIVED)),
        refunds=tuple(_let_off(e) for e in _events(branch, day, ChargeEventKind.REFUNDED)),
    )

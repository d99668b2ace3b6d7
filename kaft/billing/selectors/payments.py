"""Payments as a member, the desk and a receipt see them: what each payment settled, and the
history of what happened to a member's charges (paid, waived, refunded, cancelled)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import QuerySet

from kaft.billing.models import Charge, ChargeEvent, ChargeEventKind, ChargeKind, Payment
from kaft.core.library import library
from kaft.members.models import Member


def charge_subject(charge: Charge) -> str:
    """What ``charge`` is for, in words: its kind, and the copy's title where it has one
    ("Schade: De avonden"), or the period of a membership fee."""
    kind = str(charge.get_kind_display())
    item = charge.item
    if item is not None and item.record_id is not None:
        return f"{kind}: {item.record.title}"
    if charge.kind == ChargeKind.MEMBERSHIP and charge.period_start and charge.period_end:
        return f"{kind}: {charge.period_start:%d-%m-%Y} – {charge.period_end:%d-%m-%Y}"
    return kind


@dataclass(frozen=True)
class ReceiptLine:
    subject: str  # what the charge is for (charge_subject)
    note: str  # the note staff wrote on the charge, if any
    amount: Decimal  # the part of this payment that went to the charge


@dataclass(frozen=True)
class PaymentReceipt:
    """A payment's receipt: what the member handed over, how, where, and what it settled."""

    payment_id: int
    number: str  # "K2026-0000042"
    library: str
    branch: str
    at: dt.datetime
    method: str  # "Contant"
    amount: Decimal
    card_hint: str  # the last four digits of the card ("…0042"), "" when anonymised
    lines: tuple[ReceiptLine, ...]
    owed_after: Decimal | None  # what the member still owes now (None: not shown)


def _card_hint(member: Member | None) -> str:
    return f"…{member.card_number[-4:]}" if member is not None and member.card_number else ""


def payment_receipt(payment: Payment, *, owed_after: Decimal | None = None) -> PaymentReceipt:
    """The receipt of ``payment``, read again from the ledger (nothing about it is stored)."""
    events = (
        ChargeEvent.objects.filter(payment=payment, kind=ChargeEventKind.PAID)
        .select_related("charge__item__record")
        .order_by("pk")
    )
    lines = tuple(
        ReceiptLine(
            subject=charge_subject(event.charge),
            note=event.charge.note,
            amount=event.amount,
        )
        for event in events
    )
    return PaymentReceipt(
        payment_id=payment.pk,
        number=payment.receipt_number,
        library=library().name,
        branch=payment.branch.name if payment.branch is not None else "",
        at=payment.at,
        method=str(payment.get_method_display()),
        amount=payment.amount,
        card_hint=_card_hint(payment.member),
        lines=lines,
        owed_after=owed_after,
    )


def member_payments(member: Member) -> QuerySet[Payment]:
    """``member``'s payments, newest first."""
    return Payment.objects.filter(member=member).select_related("branch").order_by("-at", "-pk")


def member_payment(member: Member, payment_id: int) -> Payment | None:
    """``member``'s payment ``payment_id``, or None (it does not exist or is someone else's)."""
    return (
        Payment.objects.filter(pk=payment_id, member=member)
        .select_related("branch", "member")
        .first()
    )


# What a member's history lists: money that moved or was let off; "charged" is the charge itself.
HISTORY_KINDS = (
    ChargeEventKind.PAID,
    ChargeEventKind.WAIVED,
    ChargeEventKind.REFUNDED,
    ChargeEventKind.CANCELLED,
)


def member_charge_history(member: Member, *, limit: int = 200) -> QuerySet[ChargeEvent]:
    """What happened to ``member``'s charges (payments, waivers, refunds, cancellations),
    newest first, each with its charge (and the copy's title) and payment."""
    return (
        ChargeEvent.objects.filter(charge__member=member, kind__in=HISTORY_KINDS)
        .select_related("charge__item__record", "payment")
        .order_by("-at", "-pk")[:limit]
    )

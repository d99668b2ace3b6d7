"""What members owe, derived from the ledger's events."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from django.db.models import DecimalField, Exists, OuterRef, Q, QuerySet, Sum, Value
from django.db.models.functions import Coalesce
from django.utils.translation import gettext_lazy as _

from kaft.billing.models import Charge, ChargeEvent, ChargeEventKind, Invoice
from kaft.core.money import Euros
from kaft.members.models import Member

ZERO = Decimal("0.00")
_MONEY = DecimalField(max_digits=11, decimal_places=2)


def charges_with_owed(queryset: QuerySet[Charge] | None = None) -> QuerySet[Charge]:
    """``queryset`` (default all charges) with ``owed`` (what is still owed on each) and
    ``charged`` (everything charged on it) annotated."""
    queryset = Charge.objects.all() if queryset is None else queryset
    return queryset.annotate(
        owed=Coalesce(Sum("events__owed_change"), Value(ZERO), output_field=_MONEY),
        charged=Coalesce(
            Sum("events__amount", filter=Q(events__kind="charged")),
            Value(ZERO),
            output_field=_MONEY,
        ),
    )


def annotated_owed(charge: Charge) -> Decimal:
    """The ``owed`` that :func:`charges_with_owed` annotated on ``charge``."""
    return Decimal(charge.owed)  # type: ignore[attr-defined]


def charge_owed(charge: Charge) -> Decimal:
    total = ChargeEvent.objects.filter(charge=charge).aggregate(
        total=Coalesce(Sum("owed_change"), Value(ZERO), output_field=_MONEY)
    )["total"]
    return Decimal(total).quantize(Decimal("0.01"))


def charge_totals(charge: Charge) -> dict[str, Decimal]:
    """The amounts of ``charge``'s events added up per kind (a kind without events: 0). One
    query."""
    totals = dict.fromkeys(ChargeEventKind.values, ZERO)
    rows = (
        ChargeEvent.objects.filter(charge=charge)
        .order_by()
        .values("kind")
        .annotate(total=Sum("amount"))
        .values_list("kind", "total")
    )
    totals.update({kind: Decimal(total) for kind, total in rows})
    return totals


def charge_charged(charge: Charge) -> Decimal:
    """What stands charged on ``charge``: charged, less what was cancelled."""
    totals = charge_totals(charge)
    return totals[ChargeEventKind.CHARGED] - totals[ChargeEventKind.CANCELLED]


def charge_paid(charge: Charge) -> Decimal:
    """What was paid on ``charge`` and not refunded."""
    totals = charge_totals(charge)
    return totals[ChargeEventKind.PAID] - totals[ChargeEventKind.REFUNDED]


def member_owed(member: Member | int) -> Decimal:
    """Everything ``member`` owes now: the sum of every event on their charges (one query)."""
    member_id = member if isinstance(member, int) else member.pk
    total = ChargeEvent.objects.filter(charge__member_id=member_id).aggregate(
        total=Coalesce(Sum("owed_change"), Value(ZERO), output_field=_MONEY)
    )["total"]
    return Decimal(total).quantize(Decimal("0.01"))


def member_owed_or_none(member: Member) -> Decimal | None:
    """The erasure hook: what ``member`` owes, or None when nothing."""
    owed = member_owed(member)
    return owed if owed > 0 else None


def members_owing() -> QuerySet[Member]:
    """Members who owe anything (for a subquery: erasure and retention wait for them)."""
    owing = (
        ChargeEvent.objects.filter(charge__member=OuterRef("pk"))
        .values("charge__member")
        .annotate(total=Sum("owed_change"))
        .filter(total__gt=0)
    )
    return Member.objects.filter(Exists(owing))


def member_open_charges(member: Member) -> QuerySet[Charge]:
    """``member``'s charges on which something is owed, oldest first, with ``owed`` annotated."""
    return (
        charges_with_owed(Charge.objects.filter(member=member))
        .filter(Q(owed__gt=0))
        .select_related("item__record")
        .order_by("created_at", "pk")
    )


def open_invoices(member: Member) -> QuerySet[Invoice]:
    """``member``'s invoices on which a charge is still owed."""
    owing = charges_with_owed(Charge.objects.filter(invoice=OuterRef("pk"))).filter(Q(owed__gt=0))
    return Invoice.objects.filter(member=member).filter(Exists(owing)).order_by("issued_on")


@dataclass(frozen=True)
class MoneyBlock:
    """Why money keeps ``member`` from borrowing, with the amount owed."""

    code: str  # "owed_over_threshold" or "invoice_open"
    owed: Decimal

    @property
    def message(self) -> str:
        if self.code == "invoice_open":
            return str(
                _("An invoice is still open (€ %(owed)s owed).") % {"owed": Euros(self.owed)}
            )
        return str(
            _("More than € %(limit)s is owed (€ %(owed)s).")
            % {"limit": Euros(settings.KAFT_BLOCK_OWED_THRESHOLD), "owed": Euros(self.owed)}
        )


def member_money_block(member: Member, *, today: dt.date | None = None) -> MoneyBlock | None:
    """Whether money blocks ``member``: an open invoice, or more owed than the library allows
    (``KAFT_BLOCK_OWED_THRESHOLD``). Settled is unblocked: nothing is stored."""
    del today  # the rule does not depend on the day (yet); kept for callers that pass it
    owed = member_owed(member)
    if owed <= 0:
        return None
    return money_block_decide(owed=owed, invoice_open=open_invoices(member).exists())


def money_block_decide(*, owed: Decimal, invoice_open: bool) -> MoneyBlock | None:
    """The rule of :func:`member_money_block` on its two facts (checkout reads them in its own
    statement: ``kaft.billing.selectors.blocks``)."""
    if owed <= 0:
        return None
    if invoice_open:
        return MoneyBlock("invoice_open", owed)
    if owed > settings.KAFT_BLOCK_OWED_THRESHOLD:
        return MoneyBlock("owed_over_threshold", owed)
    return None

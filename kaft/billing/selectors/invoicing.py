"""Reads for the reminder schedule's daily run: what the loans of a chunk already cost."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import DecimalField, Q, Sum, Value
from django.db.models.functions import Coalesce

from kaft.billing.models import Charge, ChargeEvent, ChargeKind
from kaft.billing.selectors.charges import ZERO, annotated_owed, charges_with_owed


@dataclass(frozen=True)
class OpenLoanCharge:
    """A charge tied to a loan on which something is still owed and that is on no invoice."""

    pk: int
    loan_id: int
    kind: str
    owed: Decimal


def loans_with_replacement_charge(loan_ids: Iterable[int]) -> set[int]:
    """Which of the loans already have a replacement charge (one query)."""
    return set(
        Charge.objects.filter(loan_id__in=list(loan_ids), kind=ChargeKind.LOST).values_list(
            "loan_id", flat=True
        )
    )


def loans_open_uninvoiced_charges(loan_ids: Iterable[int]) -> list[OpenLoanCharge]:
    """The charges of these loans still owed and on no invoice (a fine, an earlier
    administration fee), oldest first: one query."""
    rows = (
        charges_with_owed(
            Charge.objects.filter(loan_id__in=list(loan_ids), invoice__isnull=True).only(
                "pk", "loan_id", "kind"
            )
        )
        .filter(Q(owed__gt=0))
        .order_by("created_at", "pk")
    )
    return [
        OpenLoanCharge(charge.pk, charge.loan_id, charge.kind, annotated_owed(charge))
        for charge in rows
        if charge.loan_id is not None
    ]


def members_owed(member_ids: Iterable[int]) -> dict[int, Decimal]:
    """What each member owes now (members who owe nothing are left out): one query."""
    rows = (
        ChargeEvent.objects.filter(charge__member_id__in=list(member_ids))
        .values("charge__member_id")
        .annotate(
            total=Coalesce(
                Sum("owed_change"),
                Value(ZERO),
                output_field=DecimalField(max_digits=11, decimal_places=2),
            )
        )
        .values_list("charge__member_id", "total")
    )
    return {member_id: Decimal(total).quantize(Decimal("0.01")) for member_id, total in rows}

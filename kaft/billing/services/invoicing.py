"""Charges and invoices in bulk, for the reminder schedule's daily run.

The desk charges one thing at a time (:mod:`kaft.billing.services.charges`); the reminder job
charges thousands of administration fees and replacement prices in one night. These functions
write them in a fixed number of statements however many there are: one INSERT of the charges,
one of their ``charged`` events, one of the invoices, one UPDATE that puts open charges on them.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal

from django.db import transaction
from django.db.models import Case, IntegerField, Value, When

from kaft.billing.models import OWED_SIGN, Charge, ChargeEvent, ChargeEventKind, ChargeKind, Invoice
from kaft.billing.services.charges import _money


@dataclass(frozen=True)
class ChargeDraft:
    """A charge to write: what :func:`~kaft.billing.services.charges.charge_create` takes."""

    member_id: int
    member_category_id: int | None
    kind: ChargeKind
    amount: Decimal
    item_id: int | None = None
    loan_id: int | None = None
    branch_id: int | None = None
    note: str = ""
    invoice_id: int | None = None


@transaction.atomic
def charges_create_many(*, drafts: Sequence[ChargeDraft], now: dt.datetime) -> list[Charge]:
    """Write each draft as a charge with its ``charged`` event: two INSERTs in all.

    The unique constraint (one replacement charge per loan) holds here too: a loan charged
    twice raises IntegrityError and nothing of the call is written."""
    if not drafts:
        return []
    amounts = [_money(draft.amount) for draft in drafts]
    charges = Charge.objects.bulk_create(
        Charge(
            member_id=draft.member_id,
            kind=draft.kind,
            created_at=now,
            item_id=draft.item_id,
            loan_id=draft.loan_id,
            branch_id=draft.branch_id,
            note=draft.note[:200],
            invoice_id=draft.invoice_id,
            member_category_id=draft.member_category_id,
        )
        for draft in drafts
    )
    sign = OWED_SIGN[ChargeEventKind.CHARGED]
    ChargeEvent.objects.bulk_create(
        ChargeEvent(
            charge=charge,
            kind=ChargeEventKind.CHARGED,
            amount=amount,
            owed_change=amount * sign,
            at=now,
            branch_id=charge.branch_id,
        )
        for charge, amount in zip(charges, amounts, strict=True)
    )
    return charges


def invoices_create_many(
    *, member_ids: Sequence[int], issued_on: dt.date, due_on: dt.date
) -> list[Invoice]:
    """One new invoice per entry of ``member_ids`` (in that order): one INSERT."""
    if not member_ids:
        return []
    return Invoice.objects.bulk_create(
        Invoice(member_id=member_id, issued_on=issued_on, due_on=due_on) for member_id in member_ids
    )


def charges_put_on_invoices(*, charge_ids_by_invoice: Mapping[int, Sequence[int]]) -> int:
    """Put charges on invoices (charge ids per invoice id) in one UPDATE; a charge already on an
    invoice stays where it is. Returns how many charges moved."""
    whens = [
        When(pk__in=list(charge_ids), then=Value(invoice_id))
        for invoice_id, charge_ids in charge_ids_by_invoice.items()
        if charge_ids
    ]
    if not whens:
        return 0
    every = [pk for ids in charge_ids_by_invoice.values() for pk in ids]
    return Charge.objects.filter(pk__in=every, invoice__isnull=True).update(
        invoice_id=Case(*whens, output_field=IntegerField())
    )

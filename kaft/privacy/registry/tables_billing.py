"""The register: money (charges, their events, payments, invoices)."""

from __future__ import annotations

from kaft.privacy.models.categories import DataCategory
from kaft.privacy.registry.rules import Erasure
from kaft.privacy.registry.table import STAFF_LOGIN, PersonalTable

C = DataCategory

_FISCAL = (
    "Kept seven years for the fiscal duty, then unlinked from the member; a member who owes "
    "money is not erased until it is paid or waived, so erasure finds these settled and leaves "
    "them tied only to the emptied member row."
)

_SEPA_KEPT = (
    "Direct debit: kept 14 months after the mandate ended or the collection date (the period "
    "in which a debit can be disputed), then deleted; erasing the member unlinks the row until "
    "then (the mandate is ended first)."
)

BILLING: list[PersonalTable] = [
    PersonalTable(
        "billing.Charge",
        {
            "member": C.PAYMENTS,
            "kind": C.PAYMENTS,
            "created_at": C.PAYMENTS,
            "item": C.PAYMENTS,
            "period_start": C.PAYMENTS,
            "period_end": C.PAYMENTS,
            "branch": C.PAYMENTS,
            "note": C.PAYMENTS,
            "accruing": C.PAYMENTS,
            "fine_earlier": C.PAYMENTS,
            "invoice": C.PAYMENTS,
            "member_category": C.PAYMENTS,
        },
        ("member",),
        "financial",
        Erasure.KEEP,
        note=_FISCAL,
        technical={"loan": "The internal key of the loan; the export shows the copy's title."},
    ),
    PersonalTable(
        "billing.ChargeEvent",
        {
            "kind": C.PAYMENTS,
            "amount": C.PAYMENTS,
            "owed_change": C.PAYMENTS,
            "at": C.PAYMENTS,
            "method": C.PAYMENTS,
            "reason": C.PAYMENTS,
            "branch": C.PAYMENTS,
        },
        ("charge__member",),
        "financial",
        Erasure.KEEP,
        note="What happened to a charge: unlinked from the member with the charge.",
        technical={
            "charge": "The internal key of the charge; the export shows the events beside it.",
            "payment": "The internal key of the payment; the export lists payments too.",
            "staff": STAFF_LOGIN,
        },
    ),
    PersonalTable(
        "billing.Payment",
        {
            "member": C.PAYMENTS,
            "method": C.PAYMENTS,
            "amount": C.PAYMENTS,
            "at": C.PAYMENTS,
            "branch": C.PAYMENTS,
        },
        ("member",),
        "financial",
        Erasure.KEEP,
        note=_FISCAL,
        technical={"staff": STAFF_LOGIN},
    ),
    PersonalTable(
        "billing.Mandate",
        {
            "member": C.PAYMENTS,
            "reference": C.PAYMENTS,
            "signed_on": C.PAYMENTS,
            "via": C.PAYMENTS,
            "iban": C.PAYMENTS,
            "bic": C.PAYMENTS,
            "status": C.PAYMENTS,
            "created_at": C.PAYMENTS,
            "ended_at": C.PAYMENTS,
            "last_collected_on": C.PAYMENTS,
            "statement_version": C.PAYMENTS,
        },
        ("member",),
        "direct_debit",
        Erasure.UNLINK,
        note=_SEPA_KEPT,
        technical={"staff": STAFF_LOGIN},
    ),
    PersonalTable(
        "billing.MandateEvent",
        {"action": C.PAYMENTS, "at": C.PAYMENTS, "reason": C.PAYMENTS},
        ("mandate__member",),
        "direct_debit",
        Erasure.KEEP,
        note="What happened to a mandate; leaves the member with the mandate.",
        technical={
            "mandate": "The internal key of the mandate; the export shows it beside it.",
            "staff": STAFF_LOGIN,
        },
    ),
    PersonalTable(
        "billing.SepaCollection",
        {
            "member": C.PAYMENTS,
            "collection_date": C.PAYMENTS,
            "amount": C.PAYMENTS,
            "end_to_end_id": C.PAYMENTS,
            "status": C.PAYMENTS,
            "announced_at": C.PAYMENTS,
            "sequence_type": C.PAYMENTS,
        },
        ("member",),
        "direct_debit",
        Erasure.UNLINK,
        note=_SEPA_KEPT,
        technical={
            "mandate": "The internal key of the mandate; the export lists mandates too.",
            "run": "The internal key of the run (one file for many members).",
        },
    ),
    PersonalTable(
        "billing.SepaCollectionCharge",
        {"amount": C.PAYMENTS},
        ("collection__member",),
        "direct_debit",
        Erasure.KEEP,
        note="Which charges a direct debit paid; leaves the member with the debit.",
        technical={
            "collection": "The internal key of the direct debit; the export shows it beside it.",
            "charge": "The internal key of the charge; the export lists charges too.",
        },
    ),
    PersonalTable(
        "billing.SepaReturn",
        {
            "member": C.PAYMENTS,
            "end_to_end_id": C.PAYMENTS,
            "reason_code": C.PAYMENTS,
            "amount": C.PAYMENTS,
            "at": C.PAYMENTS,
            "mandate_ended": C.PAYMENTS,
        },
        ("member",),
        "direct_debit",
        Erasure.UNLINK,
        note=_SEPA_KEPT,
        technical={
            "file": "The internal key of the bank's file (one file for many members).",
            "collection": "The internal key of the direct debit; the export lists them too.",
            "fee_charge": "The internal key of the fee charged; the export lists charges too.",
        },
    ),
    PersonalTable(
        "billing.SepaRun",
        {
            "collection_date": C.PAYMENTS,
            "format": C.PAYMENTS,
            "message_id": C.PAYMENTS,
            "stored_as": C.PAYMENTS,
            "created_at": C.PAYMENTS,
            "count": C.PAYMENTS,
            "total": C.PAYMENTS,
        },
        (),
        "direct_debit",
        Erasure.KEEP,
        export=False,
        note=(
            "One pain.008 file for the bank with the names, IBANs and amounts of every member "
            "collected on one date (the file itself is in the files storage). Not in a member's "
            "export: it holds other members; the member's own debits are. Deleted with its "
            "file 14 months after the collection date."
        ),
        technical={"staff": STAFF_LOGIN},
    ),
    PersonalTable(
        "billing.SepaReturnFile",
        {
            "message_id": C.PAYMENTS,
            "kind": C.PAYMENTS,
            "source": C.PAYMENTS,
            "imported_at": C.PAYMENTS,
            "returned": C.PAYMENTS,
            "unknown": C.PAYMENTS,
        },
        (),
        "direct_debit",
        Erasure.KEEP,
        export=False,
        note=(
            "A bank's file of returned debits as read: its message id and counts; the debits "
            "themselves are returns, in each member's export. Deleted 14 months after it was "
            "read."
        ),
        technical={"staff": STAFF_LOGIN},
    ),
    PersonalTable(
        "billing.Invoice",
        {"member": C.PAYMENTS, "issued_on": C.PAYMENTS, "due_on": C.PAYMENTS},
        ("member",),
        "financial",
        Erasure.KEEP,
        note=_FISCAL,
    ),
]

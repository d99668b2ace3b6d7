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
        "billing.Invoice",
        {"member": C.PAYMENTS, "issued_on": C.PAYMENTS, "due_on": C.PAYMENTS},
        ("member",),
        "financial",
        Erasure.KEEP,
        note=_FISCAL,
    ),
]

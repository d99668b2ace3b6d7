"""Sample values for every message, to preview a message text at the desk (*Berichtteksten*).

The preview is written for a made-up member, never a real one: the values below stand for what
Kaft puts in each message when it is sent (see the services in ``kaft/notices/services/``).
A message with more than one case (a password link or a code; a new member's confirmation or a
changed address) has a sample per case, and the preview shows each.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.utils import timezone

SITE = "https://www.bibliotheek.example"
LINK = f"{SITE}/e-mail/bevestigen/?t=voorbeeld"


def samples(template: str) -> list[dict[str, Any]]:
    """The sample contexts of ``template`` (one per case); an unknown message has one empty."""
    today = timezone.localdate()
    soon = today + dt.timedelta(days=3)
    past = today - dt.timedelta(days=10)
    loans = [
        {"title": "De avonden", "due_date": past, "days_overdue": 10},
        {"title": "Max Havelaar", "due_date": past, "days_overdue": 10},
    ]
    added = [
        {"administration": True, "title": "", "amount": Decimal("2.50")},
        {"administration": False, "title": "De avonden", "amount": Decimal("19.95")},
    ]
    cases: dict[str, list[dict[str, Any]]] = {
        "hold_ready": [
            {
                "title": "Het diner",
                "branch_name": "Centrale bibliotheek",
                "branch_address": "Stationsplein 1, 1234 AB Kaftstad",
                "deadline": today + dt.timedelta(days=7),
                "pickup_number": "1234",
            }
        ],
        "due_soon": [{"titles": ["De avonden", "Max Havelaar"], "due_date": soon, "days": 3}],
        "statement_changed": [
            {
                "version": "2026-2",
                "summary": "Uitleenhistorie wordt nu na 30 dagen gewist.",
                "statement_url": f"{SITE}/privacy/",
                "respond_url": f"{SITE}/privacy/reageren/",
            }
        ],
        "account_erased": [
            {"erased_on": today, "reason": "request"},
            {
                "erased_on": today,
                "reason": "retention",
                "membership_end": today - dt.timedelta(days=400),
                "ended_days": 400,
                "period_days": 365,
            },
        ],
        "password_reset": [
            {"link": f"{SITE}/wachtwoord/nieuw/?t=voorbeeld", "code": ""},
            {"link": "", "code": "K7Q-2MX"},
        ],
        "family_request": [{"answer_by": today + dt.timedelta(days=14)}],
        "email_confirm": [
            {"link": LINK},
            {"link": LINK, "card_number": "20000000000013", "days": "7", "known_address": ""},
        ],
        "email_changed": [{}],
        "loan_receipt": [
            {
                "branch_name": "Centrale bibliotheek",
                "day": today,
                "lines": [{"title": "De avonden", "due_date": today + dt.timedelta(days=21)}],
            }
        ],
        "sepa_prenotice": [
            {
                "amount": "42.00",
                "collection_date": soon,
                "mandate_reference": "KAFT-000123",
                "creditor_id": "NL98ZZZ999999999999",
                "account": "NL•• •••• •••• ••12 34",
                "what": ["Contributie 2027"],
            }
        ],
        "debit_returned": [
            {
                "amount": "42.00",
                "collection_date": past,
                "reason": "the account has too little balance",
                "reason_code": "AM04",
                "mandate_reference": "KAFT-000123",
                "mandate_ended": False,
                "fee": "",
            }
        ],
        "reminder": [
            {
                "number": 1,
                "loans": loans,
                "count": len(loans),
                "added": added,
                "owed": Decimal("24.95"),
            }
        ],
        "invoice": [
            {
                "loans": loans,
                "count": len(loans),
                "added": added,
                "owed": Decimal("44.40"),
                "invoice_number": "F2026-000042",
                "invoice_total": Decimal("44.40"),
                "earlier": Decimal("2.00"),
                "invoice_due": today + dt.timedelta(days=14),
                "iban": settings.KAFT_INVOICE_IBAN,
            }
        ],
        "membership_ending": [{"membership_end": today + dt.timedelta(days=30), "days": 30}],
        "ill_arrived": [
            {
                "title": "De avonden",
                "partner_name": "Bibliotheek Zuid",
                "branch_name": "Centrale bibliotheek",
                "due_date": today + dt.timedelta(days=21),
            }
        ],
        "ill_due_changed": [
            {
                "title": "De avonden",
                "partner_name": "Bibliotheek Zuid",
                "due_date": today + dt.timedelta(days=7),
                "previous_due_date": today + dt.timedelta(days=20),
                "recalled": True,
            },
            {
                "title": "De avonden",
                "partner_name": "Bibliotheek Zuid",
                "due_date": today + dt.timedelta(days=35),
                "previous_due_date": today + dt.timedelta(days=14),
                "recalled": False,
            },
        ],
    }
    return cases.get(template, [{}])


# What a text must show, or the message loses its point: a link or code to follow, the page
# the change is on. A case whose sample leaves one empty does not need it.
REQUIRED: dict[str, tuple[str, ...]] = {
    "password_reset": ("link", "code"),
    "email_confirm": ("link", "card_number"),
    "statement_changed": ("statement_url",),
}

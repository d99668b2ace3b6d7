"""The register: outreach, newsletters (kaft/outreach/models/newsletters.py).

A subscription of a member is the member's (their export shows it, erasure deletes it); one of
someone who is no member holds only an e-mail address and belongs to no member here: the
retention rules delete it once ended or never confirmed. A delivery is one issue sent to one
subscription: a message, kept under the messages rule.
"""

from __future__ import annotations

from kaft.privacy.models.categories import DataCategory
from kaft.privacy.registry.rules import Erasure
from kaft.privacy.registry.table import PersonalTable

C = DataCategory

NEWSLETTERS: list[PersonalTable] = [
    PersonalTable(
        "outreach.Subscription",
        {
            "member": C.CONSENTS,
            "email": C.CONSENTS,
            "status": C.CONSENTS,
            "via": C.CONSENTS,
            "branch": C.CONSENTS,
            "language": C.CONSENTS,
            "requested_at": C.CONSENTS,
            "confirmed_at": C.CONSENTS,
            "statement_version": C.CONSENTS,
            "ended_at": C.CONSENTS,
            "undeliverable_at": C.CONSENTS,
        },
        ("member",),
        "newsletter_ended",
        Erasure.DELETE,
        note=(
            "A subscription that ended is deleted after this period; one never confirmed "
            "after the confirmation link's period. A member's consent history keeps the yes "
            "and the no."
        ),
        technical={
            # Both hold a value only on the rows of someone who is no member (no export reaches
            # them); a member's rows leave them empty: the address is the member's own, the
            # statement version is in the member's consent history.
            "email": "Empty on a member's subscription: the newsletter goes to the member's address.",
            "statement_version": (
                "Empty on a member's subscription: the consent history records the privacy "
                "statement's version of the member's yes."
            ),
            "confirm_token_hash": (
                "A hash of the confirmation link; the link itself is not kept, and the hash is "
                "emptied once confirmed."
            ),
        },
        # Only someone who is no member has an address here; a member's rows leave it empty.
        login_names=("email",),
    ),
    PersonalTable(
        "outreach.Delivery",
        {
            "issue": C.MESSAGES,
            "status": C.MESSAGES,
            "queued_at": C.MESSAGES,
            "claimed_at": C.MESSAGES,
            "sent_at": C.MESSAGES,
            "bounced_at": C.MESSAGES,
            "attempts": C.MESSAGES,
        },
        ("subscription__member",),
        "messages",
        Erasure.DELETE,
        note="Which newsletter went to the subscription, and whether it bounced: no opens, no clicks.",
        technical={
            "subscription": "The internal key of the subscription; the export shows it too.",
            "claimed_at": "When a sending worker took the message: internal bookkeeping.",
        },
    ),
]

"""The register: interlibrary loan (kaft/interlibrary). A request we make for a member is the
member's; a request a partner library makes of us names no member of ours (its patron data is
not stored), so those rows have no member and are nobody's here."""

from __future__ import annotations

from kaft.privacy.models.categories import DataCategory
from kaft.privacy.registry.rules import Erasure
from kaft.privacy.registry.table import STAFF_LOGIN, PersonalTable

C = DataCategory

_CLOSED = (
    "Unlinked from the member under the returned-loans rule once the request is closed (loan "
    "completed, cancelled, not supplied) or, for one that never closed (a lender that never "
    "confirmed the return), a year after it was made; unless the member chose to keep their loan "
    "history. Erasure unlinks it at once. Unlinking also drops the link to the fee and the "
    "member's own description."
)

INTERLIBRARY: list[PersonalTable] = [
    PersonalTable(
        "interlibrary.InterlibraryRequest",
        {
            "member": C.HOLDS,
            "status": C.HOLDS,
            "partner": C.HOLDS,
            "title": C.HOLDS,
            "author": C.HOLDS,
            "isbn": C.HOLDS,
            "description": C.HOLDS,
            "due_date": C.HOLDS,
            "fee": C.HOLDS,
            "received_at": C.HOLDS,
            "returned_at": C.HOLDS,
            "created_at": C.HOLDS,
            "closed_at": C.HOLDS,
            "note": C.HOLDS,
        },
        ("member",),
        "loan_history",
        Erasure.UNLINK,
        note=_CLOSED,
        # The fee's charge keeps the member for the fiscal years; what the member typed stays
        # with the member: both go with the link.
        unlink_clears={"charge": None, "description": ""},
        technical={
            "role": "Whether we request or supply: always “we request” for a member's rows.",
            "branch": "The branch that handles interlibrary loan; not the member's choice.",
            "requesting_id": "The request's number between the two libraries.",
            "supplying_id": "The supplying library's number for the request.",
            "tried": "Internal keys of the partner libraries already asked.",
            "item": "The internal key of the temporary copy; the loan itself is exported.",
            "charge": "The internal key of the fee; the export lists charges too.",
            "partner_received_at": "Only used when we supply: empty on a member's rows.",
            "partner_returned_at": "Only used when we supply: empty on a member's rows.",
            "patron_fields_sent": "What went to the partner is in Disclosures, with the date.",
            "staff": STAFF_LOGIN,
        },
    ),
    PersonalTable(
        "interlibrary.InterlibraryEvent",
        {
            "action": C.HOLDS,
            "status_before": C.HOLDS,
            "status_after": C.HOLDS,
            "at": C.HOLDS,
            "note": C.HOLDS,
        },
        ("request__member",),
        "loan_history",
        Erasure.KEEP,
        note="What happened to a request: unlinked from the member with the request.",
        technical={
            "request": "The internal key of the request; the export shows the request.",
            "staff": STAFF_LOGIN,
        },
    ),
    PersonalTable(
        "interlibrary.OutgoingMessage",
        {
            "kind": C.DISCLOSURES,
            "status": C.DISCLOSURES,
            "created_at": C.DISCLOSURES,
            "sent_at": C.DISCLOSURES,
            "body": C.DISCLOSURES,
        },
        ("request__member",),
        "messages",
        Erasure.DELETE,
        note=(
            "An ISO 18626 message to a partner library. Its text may hold the patron data "
            "registered for that partner (see Disclosures); it is emptied as soon as the "
            "partner took the message, and the row is deleted under the messages rule."
        ),
        technical={
            "request": "The internal key of the request; the export shows the request.",
            "attempts": "How often sending was tried.",
            "last_error": "Why sending failed, as the partner's system said.",
        },
    ),
]

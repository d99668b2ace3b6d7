"""The register: what members do and receive (loans, reservations, transfers, messages)."""

from __future__ import annotations

from kaft.privacy.models.categories import DataCategory
from kaft.privacy.registry.rules import Erasure
from kaft.privacy.registry.table import STAFF_LOGIN, PersonalTable

C = DataCategory

ACTIVITY: list[PersonalTable] = [
    PersonalTable(
        "circulation.Loan",
        {
            "member": C.LOANS,
            "checked_out_at": C.LOANS,
            "due_date": C.LOANS,
            "returned_at": C.LOAN_HISTORY,
            "record": C.LOANS,
            "item": C.LOANS,
            "branch": C.LOANS,
            "status": C.LOANS,
            "renewals": C.LOANS,
            "return_branch": C.LOAN_HISTORY,
            "member_category": C.LOANS,
            "age_band": C.LOANS,
        },
        ("member",),
        "loan_history",
        Erasure.UNLINK,
        note="Unlinked rows keep record, branch, category, age band and month for statistics.",
    ),
    PersonalTable(
        "circulation.LoanEvent",
        {
            "action": C.LOANS,
            "at": C.LOANS,
            "branch": C.LOANS,
            "via": C.LOANS,
        },
        ("loan__member",),
        "loan_history",
        Erasure.KEEP,
        note="Checkouts, renewals and returns of a loan: unlinked from the member with the loan.",
        technical={
            "loan": "The internal key of the loan; the export shows its title beside each event.",
            "staff": STAFF_LOGIN,
        },
    ),
    PersonalTable(
        "circulation.Hold",
        {
            "member": C.HOLDS,
            "placed_at": C.HOLDS,
            "pickup_branch": C.HOLDS,
            "record": C.HOLDS,
            "status": C.HOLDS,
            "item": C.HOLDS,
            "ready_at": C.HOLDS,
            "pickup_deadline": C.HOLDS,
            "closed_at": C.HOLDS,
            "member_category": C.HOLDS,
            "age_band": C.HOLDS,
        },
        ("member",),
        "hold_history",
        Erasure.UNLINK,
    ),
    PersonalTable(
        "circulation.HoldEvent",
        {"action": C.HOLDS, "at": C.HOLDS, "item": C.HOLDS},
        ("hold__member",),
        "hold_history",
        Erasure.KEEP,
        note="What happened to a reservation: unlinked from the member with the reservation.",
        technical={
            "hold": "The internal key of the reservation; the export shows its title instead.",
            "staff": STAFF_LOGIN,
        },
    ),
    PersonalTable(
        "circulation.Transfer",
        {
            "item": C.HOLDS,
            "from_branch": C.HOLDS,
            "to_branch": C.HOLDS,
            "reason": C.HOLDS,
            "status": C.HOLDS,
            "sent_at": C.HOLDS,
            "received_at": C.HOLDS,
        },
        ("hold__member",),
        "hold_history",
        Erasure.KEEP,
        note="A copy on its way to the member's pickup branch: unlinked with the reservation.",
        technical={
            "hold": "The internal key of the reservation; the export shows its title instead.",
        },
    ),
    PersonalTable(
        "notices.Notice",
        {
            "member": C.MESSAGES,
            "message_type": C.MESSAGES,
            "recipient": C.MESSAGES,
            "subject": C.MESSAGES,
            "body": C.MESSAGES,
            "channel": C.MESSAGES,
            "language": C.MESSAGES,
            "status": C.MESSAGES,
            "problem": C.MESSAGES,
            "attempts": C.MESSAGES,
            "created_at": C.MESSAGES,
            "sent_at": C.MESSAGES,
        },
        ("member",),
        "messages",
        Erasure.DELETE,
        technical={
            "dedup_key": "An internal key that keeps the same message from being sent twice.",
            "next_attempt_at": "When the sending job tries again: internal scheduling.",
            "claimed_at": "When a sending job took the message: internal bookkeeping.",
            "print_run": (
                "A letter: the desk's print run that printed it (internal key; the run holds "
                "counts and the name of its PDF, no member data)."
            ),
        },
        login_names=("recipient",),
    ),
    PersonalTable(
        "notices.LoanReminder",
        {
            "days_after_due": C.LOANS,
            "message": C.LOANS,
            "outcome": C.LOANS,
            "done_on": C.LOANS,
        },
        ("loan__member",),
        "loan_history",
        Erasure.KEEP,
        note=(
            "Which reminder of the schedule a loan got and when: unlinked from the member with "
            "the loan."
        ),
        technical={
            "loan": "The internal key of the loan; the export shows its title beside each step.",
            "step": "The internal key of the schedule's step: the library's settings.",
            "notice": "The internal key of the message; the export lists the messages too.",
            "invoice": "The internal key of the invoice; the export lists invoices too.",
        },
    ),
    PersonalTable(
        "notices.DeliveryAttempt",
        {"error": C.MESSAGES, "at": C.MESSAGES, "ok": C.MESSAGES},
        ("notice__member",),
        "messages",
        Erasure.DELETE,
        note="Goes with its message.",
        technical={
            "notice": "The internal key of the message; the export shows its subject instead.",
        },
    ),
]

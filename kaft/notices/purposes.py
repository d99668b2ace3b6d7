"""Which consent each kind of message needs, declared once for every message type.

A message whose purpose rests on consent (the statement mail goes to newsletter subscribers
only) may only reach a member who still says yes. Consent can be withdrawn at any moment, also
between queueing and sending, or while a failed message waits for a retry; so the send path
(:func:`kaft.notices.services.outbox.notice_send`) asks :func:`consent_given` again right before the
message is handed to the mail server, and cancels it with the problem ``no_consent`` when the
answer is no. Queueing in bulk reads the same table, so both ask for the same purpose.

``None``: the message is part of the membership agreement or of a request the member made
(a reservation, a password reset, an erasure, a family request), and needs no consent.
``kaft/notices/tests/test_consent_at_sending.py`` fails when a message type is missing here.
"""

from __future__ import annotations

from kaft.members.models import MessageType
from kaft.privacy.models import ConsentPurpose

CONSENT_NEEDED: dict[MessageType, ConsentPurpose | None] = {
    MessageType.HOLD_READY: None,
    MessageType.DUE_SOON: None,
    MessageType.STATEMENT_CHANGED: ConsentPurpose.NEWSLETTER,
    MessageType.ACCOUNT_ERASED: None,
    MessageType.PASSWORD_RESET: None,
    MessageType.FAMILY_REQUEST: None,
    MessageType.EMAIL_CONFIRM: None,  # the link the member asked for, to the new address
    MessageType.EMAIL_CHANGED: None,  # the account's security: the old address is told
    MessageType.LOAN_RECEIPT: None,  # a service message of the loan, at the member's choice
    MessageType.SEPA_PRENOTICE: None,  # the SEPA rulebook's duty, for a debit the member allowed
    MessageType.DEBIT_RETURNED: None,  # what the member owes again after a returned debit
    MessageType.REMINDER: None,  # overdue loans: part of the membership agreement
    MessageType.INVOICE: None,  # what is owed for loans not returned: part of the membership
    MessageType.MEMBERSHIP_ENDING: None,  # the membership agreement's own end date
    MessageType.ILL_ARRIVED: None,  # the interlibrary request the member made
    MessageType.ILL_DUE_CHANGED: None,  # the same loan: its lender recalled it or gave more time
}


def consent_needed(message_type: str) -> ConsentPurpose | None:
    """The consent a message of ``message_type`` needs, or None. An undeclared type raises
    KeyError: sending it is refused rather than guessed."""
    return CONSENT_NEEDED[MessageType(message_type)]

"""Why an interlibrary service refused: one code per reason, one message per code."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _

from kaft.core.errors import DomainError, ErrorCode


class IllErrorCode(ErrorCode):
    MOVE_NOT_ALLOWED = "move_not_allowed"
    NO_PARTNER = "no_partner"
    PARTNER_INACTIVE = "partner_inactive"
    NOTHING_TO_ASK = "nothing_to_ask"
    NO_AGREEMENT = "no_agreement"
    PATRON_FIELD_UNKNOWN = "patron_field_unknown"
    ISIL_INVALID = "isil_invalid"
    ISIL_TAKEN = "isil_taken"
    ENDPOINT_INVALID = "endpoint_invalid"
    FEE_INVALID = "fee_invalid"
    ITEM_NOT_AVAILABLE = "item_not_available"
    ITEM_NOT_THIS_TITLE = "item_not_this_title"
    NOT_RECEIVED = "not_received"
    ALREADY_RECEIVED = "already_received"
    STILL_ON_LOAN = "still_on_loan"
    ALREADY_SHIPPED_BACK = "already_shipped_back"
    WRONG_ROLE = "wrong_role"
    ACTION_UNSUPPORTED = "action_unsupported"
    NOT_OVERDUE = "not_overdue"
    CERTIFICATE_INVALID = "certificate_invalid"
    CERTIFICATE_EXPIRED = "certificate_expired"
    CERTIFICATE_MISSING = "certificate_missing"
    CERTIFICATE_NEEDS_HTTPS = "certificate_needs_https"

    @classmethod
    def messages(cls) -> dict[Any, Any]:
        return {
            cls.MOVE_NOT_ALLOWED: _("A request that is “%(status)s” cannot be “%(action)s”."),
            cls.NO_PARTNER: _("No partner library is left to ask."),
            cls.PARTNER_INACTIVE: _("This partner library is not active."),
            cls.NOTHING_TO_ASK: _("Give a title, an ISBN or a description."),
            cls.NO_AGREEMENT: _(
                "A partner that receives patron data needs an agreement in the privacy register "
                "that covers that data."
            ),
            cls.PATRON_FIELD_UNKNOWN: _("Unknown kind of patron data: %(field)s."),
            cls.ISIL_INVALID: _("This is not an ISIL code (for example NL-AsdOBA)."),
            cls.ISIL_TAKEN: _("Another partner library has this ISIL code."),
            cls.ENDPOINT_INVALID: _(
                "The ISO 18626 address must start with https:// (http:// only on a test system)."
            ),
            cls.ACTION_UNSUPPORTED: _("Kaft does not support this action: %(action)s."),
            cls.FEE_INVALID: _("The fee must be an amount of 0 or more."),
            cls.ITEM_NOT_AVAILABLE: _("This copy is not on the shelf."),
            cls.ITEM_NOT_THIS_TITLE: _("No copy with this barcode."),
            cls.NOT_RECEIVED: _("The book has not been received at the desk yet."),
            cls.ALREADY_RECEIVED: _("The book was already received at the desk."),
            cls.STILL_ON_LOAN: _("The member still has the book: check it in first."),
            cls.ALREADY_SHIPPED_BACK: _("The book was already shipped back."),
            cls.WRONG_ROLE: _("This cannot be done with this request."),
            cls.NOT_OVERDUE: _("The due date has not passed yet."),
            cls.CERTIFICATE_INVALID: _(
                "This is neither a certificate in PEM format (-----BEGIN CERTIFICATE----- …) nor "
                "a SHA-256 fingerprint (64 hexadecimal digits)."
            ),
            cls.CERTIFICATE_EXPIRED: _("This certificate is no longer valid (it expired)."),
            cls.CERTIFICATE_MISSING: _(
                "A partner that uses a client certificate needs its certificate or its SHA-256 "
                "fingerprint."
            ),
            cls.CERTIFICATE_NEEDS_HTTPS: _(
                "A partner that uses a client certificate needs an ISO 18626 address that starts "
                "with https://."
            ),
        }


class IllError(DomainError):
    pass

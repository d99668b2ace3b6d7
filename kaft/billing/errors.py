"""Why a billing service refused: one code per reason, one message per code."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _

from kaft.core.errors import DomainError, ErrorCode


class BillingErrorCode(ErrorCode):
    AMOUNT_NOT_POSITIVE = "amount_not_positive"
    AMOUNT_TOO_LARGE = "amount_too_large"
    NOTHING_OWED = "nothing_owed"
    REASON_REQUIRED = "reason_required"
    NOT_ALLOWED = "not_allowed"
    OTHER_MEMBER = "other_member"
    NOTHING_TO_REFUND = "nothing_to_refund"
    # SEPA direct debit
    IBAN_INVALID = "iban_invalid"
    BIC_INVALID = "bic_invalid"
    MANDATE_EXISTS = "mandate_exists"
    MANDATE_NOT_LIVE = "mandate_not_live"
    CONSENT_REFUSED = "consent_refused"
    SIGNED_ON_INVALID = "signed_on_invalid"
    SEPA_NOT_CONFIGURED = "sepa_not_configured"
    CREDITOR_ID_INVALID = "creditor_id_invalid"
    CREDITOR_IBAN_INVALID = "creditor_iban_invalid"
    CREDITOR_BIC_NEEDED = "creditor_bic_needed"
    FORMAT_UNKNOWN = "format_unknown"
    TOO_SOON = "too_soon"
    NOTHING_TO_COLLECT = "nothing_to_collect"
    XSD_INVALID = "xsd_invalid"
    RETURN_FILE_UNREADABLE = "return_file_unreadable"
    RETURN_FILE_NOT_SEPA = "return_file_not_sepa"
    RETURN_FILE_SEEN = "return_file_seen"
    NO_FEE = "no_fee"

    @classmethod
    def messages(cls) -> dict[Any, Any]:
        return {
            cls.AMOUNT_NOT_POSITIVE: _("The amount must be more than € 0.00."),
            cls.AMOUNT_TOO_LARGE: _("The amount is more than what is owed (€ %(owed)s)."),
            cls.NOTHING_OWED: _("Nothing is owed on this."),
            cls.REASON_REQUIRED: _("Please give a reason."),
            cls.NOT_ALLOWED: _("Your role may not do this."),
            cls.OTHER_MEMBER: _("This charge belongs to another member."),
            cls.NOTHING_TO_REFUND: _("Nothing was paid on this that could be refunded."),
            cls.IBAN_INVALID: _("This is not a valid IBAN: %(detail)s"),
            cls.BIC_INVALID: _("This is not a valid BIC."),
            cls.MANDATE_EXISTS: _("This member already has a direct debit mandate."),
            cls.MANDATE_NOT_LIVE: _("This mandate has already ended."),
            cls.CONSENT_REFUSED: _(
                "The permission for direct debit could not be recorded: %(detail)s"
            ),
            cls.SIGNED_ON_INVALID: _("The date of signature cannot be in the future."),
            cls.SEPA_NOT_CONFIGURED: _(
                "Direct debit is not set up: %(setting)s is missing in the settings."
            ),
            cls.CREDITOR_ID_INVALID: _(
                "KAFT_SEPA_CREDITOR_ID “%(value)s” is not a valid Dutch creditor identifier "
                "(NLccZZZ + 8-digit KvK number + 0000, with correct check digits)."
            ),
            cls.CREDITOR_IBAN_INVALID: _("KAFT_SEPA_CREDITOR_IBAN is not a valid IBAN."),
            cls.CREDITOR_BIC_NEEDED: _(
                "The format pain.008.001.02 needs the library's BIC: set KAFT_SEPA_CREDITOR_BIC."
            ),
            cls.FORMAT_UNKNOWN: _(
                "Unknown file format: choose pain.008.001.02 or pain.008.001.08."
            ),
            cls.TOO_SOON: _(
                "The collection date must be at least %(days)s days away (the announcement "
                "period): %(first)s at the earliest."
            ),
            cls.NOTHING_TO_COLLECT: _("There is nothing to collect on this date."),
            cls.XSD_INVALID: _("The direct debit file does not pass the XSD check: %(detail)s"),
            cls.RETURN_FILE_UNREADABLE: _("This file is not readable XML."),
            cls.RETURN_FILE_NOT_SEPA: _(
                "This file is not a bank's pain.002 or camt.054 message (%(found)s)."
            ),
            cls.RETURN_FILE_SEEN: _(
                "This file (message %(message_id)s) was read before; nothing was changed."
            ),
            cls.NO_FEE: _("This member's category has no membership fee."),
        }


class BillingError(DomainError):
    code: BillingErrorCode

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
        }


class BillingError(DomainError):
    code: BillingErrorCode

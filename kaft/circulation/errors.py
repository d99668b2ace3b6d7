"""Why a circulation service refused: one code per reason, one message per code."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _

from kaft.core.errors import DomainError, ErrorCode


class CirculationErrorCode(ErrorCode):
    UNKNOWN_BARCODE = "unknown_barcode"
    ITEM_ON_LOAN = "item_on_loan"
    ITEM_NOT_LOANABLE = "item_not_loanable"
    ITEM_RESERVED_FOR_OTHER = "item_reserved_for_other"
    MEMBER_BLOCKED = "member_blocked"
    MEMBER_EXPIRED = "member_expired"
    LOAN_LIMIT_REACHED = "loan_limit_reached"
    RENEWAL_RESERVED = "renewal_reserved"
    NO_RENEWALS_LEFT = "no_renewals_left"
    RENEWAL_GAINS_NOTHING = "renewal_gains_nothing"
    RENEWAL_BY_LENDER = "renewal_by_lender"
    NOT_ON_LOAN = "not_on_loan"
    HOLD_LIMIT_REACHED = "hold_limit_reached"
    HOLD_ALREADY_PLACED = "hold_already_placed"
    HOLD_ALREADY_ON_LOAN_TO_MEMBER = "hold_already_on_loan_to_member"
    HOLD_NOT_CANCELLABLE = "hold_not_cancellable"
    NO_HOLDABLE_ITEMS = "no_holdable_items"
    MEMBER_OWES = "member_owes"
    MEMBER_INVOICE_OPEN = "member_invoice_open"
    MEMBER_UNKNOWN = "member_unknown"
    BARCODE_IS_A_CARD = "barcode_is_a_card"
    MEMBER_ID_NOT_CHECKED = "member_id_not_checked"

    @classmethod
    def messages(cls) -> dict[Any, Any]:
        return {
            cls.UNKNOWN_BARCODE: _("No item has this barcode."),
            cls.ITEM_ON_LOAN: _("This item is already on loan."),
            cls.ITEM_NOT_LOANABLE: _("This item cannot be lent."),
            cls.ITEM_RESERVED_FOR_OTHER: _(
                "This item is set aside for another member's reservation."
            ),
            cls.MEMBER_BLOCKED: _("This membership is blocked. Please ask at the desk."),
            cls.MEMBER_EXPIRED: _("This membership has expired. Please renew it at the desk."),
            cls.LOAN_LIMIT_REACHED: _("The maximum number of loans has been reached."),
            cls.RENEWAL_RESERVED: _("This item cannot be renewed: another member has reserved it."),
            cls.NO_RENEWALS_LEFT: _("This item cannot be renewed again."),
            cls.RENEWAL_BY_LENDER: _(
                "This item was lent to us by another library: only that library can give more "
                "time. Please ask at the desk."
            ),
            cls.RENEWAL_GAINS_NOTHING: _(
                "Not renewed: renewing now would not give a later due date."
            ),
            cls.NOT_ON_LOAN: _("This item is not on loan."),
            cls.HOLD_LIMIT_REACHED: _("The maximum number of reservations has been reached."),
            cls.HOLD_ALREADY_PLACED: _("You have already reserved this title."),
            cls.HOLD_ALREADY_ON_LOAN_TO_MEMBER: _("You already have this title on loan."),
            cls.HOLD_NOT_CANCELLABLE: _("This reservation can no longer be cancelled."),
            cls.NO_HOLDABLE_ITEMS: _("This title has no copies that can be reserved."),
            cls.MEMBER_OWES: _(
                "€ %(owed)s is still to be paid (the limit is € %(limit)s). Please pay it at the "
                "desk first."
            ),
            cls.MEMBER_INVOICE_OPEN: _(
                "An invoice is still open (€ %(owed)s to pay). Please pay it first."
            ),
            cls.MEMBER_UNKNOWN: _("This member is no longer registered."),
            cls.BARCODE_IS_A_CARD: _("This is a member's card, not an item."),
            cls.MEMBER_ID_NOT_CHECKED: _(
                "You joined online: you can borrow once the desk has seen your ID document. "
                "Please bring it to the desk."
            ),
        }


class CirculationError(DomainError):
    pass

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _

from kaft.core.errors import DomainError, ErrorCode


class MemberErrorCode(ErrorCode):
    UNKNOWN_CARD = "unknown_card"
    CARD_IN_USE = "card_in_use"
    TOO_OLD_FOR_CATEGORY = "too_old_for_category"
    WRONG_PASSWORD = "wrong_password"
    ALREADY_BLOCKED = "already_blocked"
    NOT_BLOCKED = "not_blocked"
    # -- rights codes --
    # -- family codes --
    # -- security codes --

    @classmethod
    def messages(cls) -> dict[Any, Any]:
        return {
            cls.UNKNOWN_CARD: _("No member has this card number."),
            cls.CARD_IN_USE: _("This card number is already in use."),
            cls.TOO_OLD_FOR_CATEGORY: _("This member is too old for the chosen category."),
            cls.WRONG_PASSWORD: _("The current password is not correct."),
            cls.ALREADY_BLOCKED: _("This member is already blocked."),
            cls.NOT_BLOCKED: _("This member is not blocked."),
            # -- rights messages --
            # -- family messages --
            # -- security messages --
        }


class MemberError(DomainError):
    pass

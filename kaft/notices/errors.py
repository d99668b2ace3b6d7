from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _

from kaft.core.errors import DomainError, ErrorCode


class NoticeErrorCode(ErrorCode):
    NOT_RETRYABLE = "not_retryable"
    NO_LETTERS = "no_letters"
    PRINT_RUN_BUSY = "print_run_busy"
    PRINT_RUN_NOT_READY = "print_run_not_ready"
    TEXT_UNKNOWN_PLACEHOLDER = "text_unknown_placeholder"
    TEXT_TAG_NOT_ALLOWED = "text_tag_not_allowed"
    TEXT_INVALID = "text_invalid"
    TEXT_EMPTY = "text_empty"
    TEXT_REQUIRED_PLACEHOLDER = "text_required_placeholder"

    @classmethod
    def messages(cls) -> dict[Any, Any]:
        return {
            cls.NOT_RETRYABLE: _(
                "Only a message that failed after several attempts, or whose delivery is "
                "uncertain, can be sent again."
            ),
            cls.NO_LETTERS: _("There are no letters waiting to be printed."),
            cls.PRINT_RUN_BUSY: _("A print run is being made; wait until it is ready."),
            cls.PRINT_RUN_NOT_READY: _(
                "Only a print run that is ready, and not yet confirmed, can be confirmed."
            ),
            cls.TEXT_UNKNOWN_PLACEHOLDER: _(
                "“%(name)s” is not a placeholder of this message. It knows: %(known)s. Nothing "
                "was saved."
            ),
            cls.TEXT_TAG_NOT_ALLOWED: _(
                "“{%% %(tag)s %%}” cannot be used in a message text; only if, for and with. "
                "Nothing was saved."
            ),
            cls.TEXT_INVALID: _("The text cannot be used: %(detail)s. Nothing was saved."),
            cls.TEXT_EMPTY: _("Write a subject and a text. Nothing was saved."),
            cls.TEXT_REQUIRED_PLACEHOLDER: _(
                "This message must show %(name)s: without it the member cannot do what the "
                "message asks. Nothing was saved."
            ),
        }


class NoticeError(DomainError):
    pass

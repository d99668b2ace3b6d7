from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _

from kaft.core.errors import DomainError, ErrorCode


class NoticeErrorCode(ErrorCode):
    NOT_RETRYABLE = "not_retryable"
    NO_LETTERS = "no_letters"
    PRINT_RUN_BUSY = "print_run_busy"
    PRINT_RUN_NOT_READY = "print_run_not_ready"

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
        }


class NoticeError(DomainError):
    pass

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _

from kaft.core.errors import DomainError, ErrorCode


class NoticeErrorCode(ErrorCode):
    NOT_RETRYABLE = "not_retryable"

    @classmethod
    def messages(cls) -> dict[Any, Any]:
        return {
            cls.NOT_RETRYABLE: _(
                "Only a message that failed after several attempts, or whose delivery is "
                "uncertain, can be sent again."
            ),
        }


class NoticeError(DomainError):
    pass

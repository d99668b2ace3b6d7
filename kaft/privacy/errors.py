"""Why a privacy service refused: one code per reason, with its message in Dutch and English.

Each area adds its codes above its own marker comment (one enum, one message table).
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _

from kaft.core.errors import DomainError, ErrorCode


class PrivacyErrorCode(ErrorCode):
    # -- retention codes --
    # -- consent codes --
    # -- statement codes --
    # -- transparency codes --
    # -- rights codes --
    # -- family codes --
    # -- security codes --
    UNKNOWN = "unknown"

    @classmethod
    def messages(cls) -> dict[Any, Any]:
        return {
            # -- retention messages --
            # -- consent messages --
            # -- statement messages --
            # -- transparency messages --
            # -- rights messages --
            # -- family messages --
            # -- security messages --
            cls.UNKNOWN: _("This could not be done."),
        }


class PrivacyError(DomainError):
    pass

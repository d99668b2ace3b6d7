"""Domain errors carry a code from an enum; the doors show the code's message the same everywhere."""

from __future__ import annotations

from enum import StrEnum
from typing import Any


class ErrorCode(StrEnum):
    """Base for each app's error codes. Subclasses give each member a message via ``messages()``."""

    @classmethod
    def messages(cls) -> dict[Any, Any]:  # pragma: no cover - overridden
        return {}

    @property
    def message(self) -> str:
        return str(self.messages()[self])


class DomainError(Exception):
    """Raised by a service that refuses an action. ``code`` says why, ``message`` says it in words."""

    def __init__(self, code: ErrorCode, **params: Any) -> None:
        self.code = code
        self.params = params
        super().__init__(self.message)

    @property
    def message(self) -> str:
        text = code_message(self.code)
        return text % self.params if self.params else text

    def __str__(self) -> str:
        return self.message


def code_message(code: ErrorCode) -> str:
    return code.message

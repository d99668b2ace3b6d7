"""The shape of a code that is scanned or typed (a library card number, an item barcode).

Such a code is 1 to ``max_length`` characters from the letters A–Z (either case), the digits and
the hyphen: the characters of a printed barcode. Spaces around what was scanned are removed
first; anything else (emoji, markup, control characters, spaces inside, a longer code) is
refused before any lookup, with the error the domain of the code gives. Each domain keeps its own
rule and functions (:mod:`kaft.members.cards`, :mod:`kaft.catalog.barcodes`); this is what they
share.
"""

from __future__ import annotations

import re

from django.core.exceptions import ValidationError

from kaft.core.errors import DomainError, ErrorCode


class ScannedCode:
    """The rule for one kind of code: its longest length, and how a refusal is raised
    (``error(code)``, the domain's error with its code) and described (``code``'s message)."""

    def __init__(self, max_length: int, error: type[DomainError], code: ErrorCode) -> None:
        self.max_length = max_length
        self.error = error
        self.code = code
        self._pattern = re.compile(rf"[A-Za-z0-9-]{{1,{max_length}}}")

    def is_valid(self, value: str) -> bool:
        """Whether ``value`` (already stripped) is a code by this rule."""
        return self._pattern.fullmatch(value) is not None

    def clean(self, value: str) -> str:
        """``value`` without the spaces around it; the domain's error if it is not a code by this
        rule."""
        code = value.strip()
        if not self.is_valid(code):
            raise self.error(self.code)
        return code

    def validate(self, value: str) -> None:
        """The rule as a Django validator: ValidationError with the code's message and name."""
        if not self.is_valid(value):
            raise ValidationError(self.code.message, code=str(self.code))

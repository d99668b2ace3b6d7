"""ISBN and EAN: normalise what cataloguers and members type into one comparable form.

Records keep an ISBN as its 13 digits (ISBN-10 is converted), or an EAN-13/UPC-A as found.
"""

from __future__ import annotations

import re

_SEPARATORS = re.compile(r"[\s\-‐‑‒–—]")
_ISBN_LIKE = re.compile(r"^(?:\d{9}[\dX]|\d{12,13})$")


def _ean_checksum_ok(digits: str) -> bool:
    """GS1 check: weights 1,3,1,3,... from the left for 13 digits (3,1,... for 12)."""
    total = 0
    for index, char in enumerate(reversed(digits)):
        total += int(char) * (3 if index % 2 else 1)
    return total % 10 == 0


def _isbn10_checksum_ok(code: str) -> bool:
    total = sum(
        (10 - index) * (10 if char == "X" else int(char)) for index, char in enumerate(code)
    )
    return total % 11 == 0


def isbn10_to_13(code: str) -> str:
    """The ISBN-13 of a (valid) ISBN-10: prefix 978 and a new check digit."""
    body = "978" + code[:9]
    total = sum(int(char) * (3 if index % 2 else 1) for index, char in enumerate(body))
    return body + str((10 - total % 10) % 10)


def normalise_isbn(text: str) -> str | None:
    """The ISBN-13 (or EAN-13/UPC-A) in ``text``, or None when it holds no valid one.

    Only the first word counts, so catalogue qualifiers such as ``0914378287 (v. 1)`` work.
    """
    words = text.strip().split(maxsplit=1)
    if not words:
        return None
    code = _SEPARATORS.sub("", words[0]).upper()
    if len(words) > 1 and not _ISBN_LIKE.match(code):
        # "978 90 123 4567 8": a code typed with spaces.
        code = _SEPARATORS.sub("", text).upper()
    if not _ISBN_LIKE.match(code):
        return None
    if len(code) == 10:
        return isbn10_to_13(code) if _isbn10_checksum_ok(code) else None
    if "X" in code:
        return None
    return code if _ean_checksum_ok(code) else None

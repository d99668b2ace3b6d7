"""What an item barcode may be: one rule for every place where one is scanned, typed or imported.

A barcode is 1 to 32 characters from the letters A–Z (either case), the digits and the hyphen.
What the demo makes (``3999`` and eight digits), what the MARC import makes for holdings without
one (``K``, sixteen hexadecimal digits and the copy number) and the numeric barcodes of 852 $p and
949 $a fit. Spaces around what was scanned are removed first; anything else (emoji, markup,
control characters, spaces inside, a longer code) is refused with
:attr:`CatalogErrorCode.BARCODE_MALFORMED` before any lookup, so nothing is looked up or changed
with it. The model field carries :func:`validate_barcode` too (the admin, model forms).
"""

from __future__ import annotations

from kaft.catalog.errors import CatalogError, CatalogErrorCode
from kaft.core.codes import ScannedCode

BARCODE_MAX_LENGTH = 32
BARCODE = ScannedCode(BARCODE_MAX_LENGTH, CatalogError, CatalogErrorCode.BARCODE_MALFORMED)


def barcode_is_valid(value: str) -> bool:
    """Whether ``value`` (already stripped) is a barcode by the rule above."""
    return BARCODE.is_valid(value)


def barcode_clean(value: str) -> str:
    """``value`` without the spaces around it; CatalogError(BARCODE_MALFORMED) if it is not a
    barcode by the rule above."""
    return BARCODE.clean(value)


def validate_barcode(value: str) -> None:
    """The rule as a Django validator, for model and form fields."""
    BARCODE.validate(value)

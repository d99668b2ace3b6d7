"""What a card number may be: one rule for every place where one is scanned or typed.

A card number is 1 to 20 characters from the letters A–Z (either case), the digits and the
hyphen, the characters of the barcode on a library card. Kaft's own numbers (``2100`` and ten
digits) and those of the demo fit. Spaces around what was typed or scanned are removed first;
anything else (emoji, markup, control characters, spaces inside, a longer number) is refused with
:attr:`MemberErrorCode.CARD_NUMBER_INVALID` before any lookup, so nothing is looked up, stored or
changed with it. The desk's scan fields, its forms, the portal's login and the admin all use this
module: the model field carries :func:`validate_card_number` too.
"""

from __future__ import annotations

from django import forms

from kaft.core.codes import ScannedCode
from kaft.members.errors import MemberError, MemberErrorCode

CARD_NUMBER_MAX_LENGTH = 20
CARD_NUMBER = ScannedCode(CARD_NUMBER_MAX_LENGTH, MemberError, MemberErrorCode.CARD_NUMBER_INVALID)


def card_number_typed(value: str) -> str:
    """A card number as a member types it at home: without the white space around it and the
    spaces people put between groups of digits (``2100 0000 0000 01``). The rule still applies
    to what is left. Scans at the desk are not typed this way and keep the strict rule."""
    return value.strip().replace(" ", "")


def card_number_is_valid(value: str) -> bool:
    """Whether ``value`` (already stripped) is a card number by the rule above."""
    return CARD_NUMBER.is_valid(value)


def card_number_clean(value: str) -> str:
    """``value`` without the spaces around it; MemberError(CARD_NUMBER_INVALID) if it is not a
    card number by the rule above."""
    return CARD_NUMBER.clean(value)


def validate_card_number(value: str) -> None:
    """The rule as a Django validator, for model and form fields."""
    CARD_NUMBER.validate(value)


def validate_card_number_or_email(value: str) -> None:
    """For a field that takes a card number or an e-mail address (the portal's login): without
    ``@`` it must be a card number as typed (:func:`card_number_typed`)."""
    if "@" not in value:
        validate_card_number(card_number_typed(value))


class TypedCardNumberField(forms.CharField):
    """A form field for a card number a member types: spaces between groups are dropped, then the
    rule applies (the portal's reset-code and family-request forms)."""

    default_validators = [validate_card_number]

    def to_python(self, value: object) -> str:
        return card_number_typed(super().to_python(value) or "")

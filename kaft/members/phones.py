"""Phone numbers, as the member gives them and as Kaft keeps them: E.164 (``+31612345678``).

A number is read with ``phonenumbers`` the way a Dutch library hears it: without a country
code it is Dutch (``06 12345678``, ``020-1234567``), with one (``+32 470 12 34 56``,
``0032 470 ...``) it is that country's. Kept is only a number that the numbering plan of its
country allows (``is_valid_number``), in E.164: one form, so the SMS provider, the duplicate
check and the export see the same digits. Registration, the desk's member edit and
MijnBibliotheek all go through :func:`phone_e164` (the form field below, and the member services
again).
"""

from __future__ import annotations

from typing import Any

import phonenumbers
from django import forms

from kaft.members.errors import MemberError, MemberErrorCode

DEFAULT_REGION = "NL"


def phone_e164(text: str, *, region: str = DEFAULT_REGION) -> str:
    """``text`` as E.164, or "" for an empty number.

    Raises MemberError(PHONE_INVALID) for anything that is not a number its country allows."""
    text = (text or "").strip()
    if not text:
        return ""
    if text.startswith("00"):
        text = "+" + text[2:]
    try:
        number = phonenumbers.parse(text, region)
    except phonenumbers.NumberParseException:
        raise MemberError(MemberErrorCode.PHONE_INVALID) from None
    if not phonenumbers.is_valid_number(number):
        raise MemberError(MemberErrorCode.PHONE_INVALID)
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def phone_is_mobile(e164: str) -> bool:
    """Whether an E.164 number can receive an SMS (a mobile number, or one that may be)."""
    try:
        number = phonenumbers.parse(e164, None)
    except phonenumbers.NumberParseException:
        return False
    kind = phonenumbers.number_type(number)
    return kind in (
        phonenumbers.PhoneNumberType.MOBILE,
        phonenumbers.PhoneNumberType.FIXED_LINE_OR_MOBILE,
    )


def phone_display(e164: str) -> str:
    """How a kept number is shown: Dutch numbers as Dutch people write them (06 12345678), others
    internationally (+32 470 12 34 56). Anything unreadable (an old number the migration could
    not read) is shown as it is."""
    if not e164:
        return ""
    try:
        number = phonenumbers.parse(e164, DEFAULT_REGION)
    except phonenumbers.NumberParseException:
        return e164
    if number.country_code == 31:
        return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.NATIONAL)
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.INTERNATIONAL)


def phone_written_forms(e164: str) -> set[str]:
    """The ways people write a kept number: as kept (+31612345678), nationally (06 12345678) and
    with 00 (0031612345678). For finding it in free text (a note, an e-mail to the library)."""
    if not e164.startswith("+"):
        return {e164} if e164 else set()
    forms_ = {e164, "00" + e164[1:], phone_display(e164)}
    try:
        number = phonenumbers.parse(e164, None)
        forms_.add(phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.NATIONAL))
    except phonenumbers.NumberParseException:
        pass
    return {f for f in forms_ if f}


class PhoneField(forms.CharField):
    """A phone number field for the doors: cleans to E.164 ("" when left empty)."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("max_length", 30)
        kwargs.setdefault("required", False)
        super().__init__(**kwargs)

    def prepare_value(self, value: Any) -> Any:
        return phone_display(value) if isinstance(value, str) and value.startswith("+") else value

    def clean(self, value: Any) -> str:
        text = super().clean(value)
        try:
            return phone_e164(text)
        except MemberError as error:
            raise forms.ValidationError(error.message, code="phone_invalid") from None

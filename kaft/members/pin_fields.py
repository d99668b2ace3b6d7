"""The form fields of a new kiosk PIN, typed twice: one form for MijnBibliotheek and the desk.

That a PIN has 4 to 6 digits is the member service's rule
(:func:`~kaft.members.services.kiosk_pin.member_kiosk_pin_set`); the fields only keep it short
and never show it (password inputs, nothing put back into a redrawn form).
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

_PIN_INPUT = {"autocomplete": "new-password", "inputmode": "numeric", "maxlength": 6}


class KioskPinFields(forms.Form):
    """A new kiosk PIN and the same PIN again; refused when the two differ."""

    pin = forms.CharField(
        label=_("New PIN"),
        max_length=6,
        strip=False,
        help_text=_("4 to 6 digits."),
        widget=forms.PasswordInput(attrs=_PIN_INPUT),
    )
    pin_again = forms.CharField(
        label=_("New PIN again"),
        max_length=6,
        strip=False,
        widget=forms.PasswordInput(attrs=_PIN_INPUT),
    )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        first, second = cleaned.get("pin"), cleaned.get("pin_again")
        if first and second and first != second:
            self.add_error("pin_again", _("The two PINs are not the same."))
        return cleaned

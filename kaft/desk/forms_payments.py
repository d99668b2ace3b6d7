"""The desk's forms for money: paying, adding a charge, waiving one, and the cash report's day."""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kaft.billing.models import ChargeKind, PaymentMethod
from kaft.catalog.models import Branch
from kaft.core import params

# What staff take at the desk, and what staff may charge by hand (fines and fees for a returned
# direct debit are charged by Kaft itself).
DESK_METHODS = [(PaymentMethod.CASH.value, _("Cash")), (PaymentMethod.PIN.value, _("Pin"))]
HAND_KINDS = [
    (kind.value, kind.label)
    for kind in (
        ChargeKind.DAMAGE,
        ChargeKind.LOST,
        ChargeKind.ADMINISTRATION,
        ChargeKind.HOLD,
        ChargeKind.INTERLIBRARY,
        ChargeKind.MEMBERSHIP,
    )
]


AMOUNT = re.compile(r"[0-9]{1,7}(\.[0-9]{1,2})?")


class MoneyField(forms.DecimalField):
    """Euros with two decimals, typed the Dutch way (2,50) or the English way (2.50)."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("max_digits", 9)
        kwargs.setdefault("decimal_places", 2)
        kwargs.setdefault("min_value", Decimal("0.01"))
        kwargs.setdefault(
            "widget", forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off"})
        )
        super().__init__(**kwargs)

    def to_python(self, value: Any) -> Decimal | None:  # type: ignore[override]
        if value in self.empty_values:
            return None
        text = str(value).strip().replace("€", "").strip().replace(",", ".")
        # ASCII digits only: Decimal() would also read other scripts' digits ("١٢" as 12).
        if not AMOUNT.fullmatch(text):
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid")
        try:
            return Decimal(text)
        except InvalidOperation as error:  # pragma: no cover - the pattern lets none through
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid") from error


class PayForm(forms.Form):
    """Pay the charges ticked (none ticked: all that are open), the amount typed (empty: all
    that is owed on them)."""

    method = forms.ChoiceField(
        label=_("Paid by"), choices=DESK_METHODS, widget=forms.RadioSelect, initial="pin"
    )
    amount = MoneyField(
        label=_("Amount (€)"),
        required=False,
        help_text=_("Leave empty to pay everything owed on the charges ticked."),
    )


class ChargeAddForm(forms.Form):
    kind = forms.ChoiceField(label=_("For"), choices=HAND_KINDS)
    amount = MoneyField(label=_("Amount (€)"))
    note = forms.CharField(
        label=_("Note"),
        max_length=200,
        help_text=_("What happened, in a few words; the member sees it in MijnBibliotheek."),
    )
    barcode = forms.CharField(
        label=_("Barcode of the copy (if it is about one)"), max_length=40, required=False
    )


class WaiveForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), max_length=200)
    amount = MoneyField(
        label=_("Amount (€)"),
        required=False,
        help_text=_("Leave empty to waive everything still owed on it."),
    )


class CardForm(forms.Form):
    card = forms.CharField(label=_("Card number"), max_length=40)


class CashDayForm(forms.Form):
    day = params.DateField(label=_("Day"), latest=lambda: timezone.localdate())
    branch = params.ModelChoiceField(
        label=_("Branch"), queryset=Branch.objects.order_by("name"), empty_label=None
    )

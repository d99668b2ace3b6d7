"""Desk forms for transparency: the partner register, exports of a member's data and requests
from police or justice. They check the shape of input; the rules live in the services."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from kaft.core import params
from kaft.members.cards import CARD_NUMBER_MAX_LENGTH, validate_card_number
from kaft.members.models import Member
from kaft.privacy.models import AgreementKind, DataCategory, LegalBasis, Partner


def category_field(label: Any = None) -> forms.MultipleChoiceField:
    return forms.MultipleChoiceField(
        label=label or _("Data categories"),
        choices=DataCategory.choices,
        widget=forms.CheckboxSelectMultiple,
    )


class PartnerForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=120)
    purpose = forms.CharField(label=_("Purpose"), max_length=300, widget=forms.Textarea)
    legal_basis = forms.ChoiceField(label=_("Legal basis"), choices=LegalBasis.choices)
    agreement_kind = forms.ChoiceField(label=_("Agreement"), choices=AgreementKind.choices)
    agreement_date = params.DateField(
        label=_("Agreement signed on"),
        required=False,
        widget=params.DateInput(),
    )
    categories = category_field()
    privacy_statement_url = forms.URLField(
        label=_("Link to their privacy statement"), required=False, assume_scheme="https"
    )
    active = forms.BooleanField(label=_("Active"), required=False, initial=True)

    def __init__(self, *args: Any, partner: Partner | None = None, **kwargs: Any) -> None:
        self.partner = partner
        if partner is not None and "initial" not in kwargs:
            kwargs["initial"] = {
                "name": partner.name,
                "purpose": partner.purpose,
                "legal_basis": partner.legal_basis,
                "agreement_kind": partner.agreement_kind,
                "agreement_date": partner.agreement_date,
                "categories": list(partner.categories),
                "privacy_statement_url": partner.privacy_statement_url,
                "active": partner.active,
            }
        super().__init__(*args, **kwargs)

    def clean_name(self) -> str:
        name = str(self.cleaned_data["name"]).strip()
        taken = Partner.objects.filter(name__iexact=name)
        if self.partner is not None:
            taken = taken.exclude(pk=self.partner.pk)
        if taken.exists():
            raise forms.ValidationError(_("There is already a partner with this name."))
        return name


class ExportForm(forms.Form):
    TO_MEMBER = "member"
    TO_PARTNER = "partner"

    to = forms.ChoiceField(
        label=_("Who receives the data"),
        choices=[
            (TO_MEMBER, _("The member themselves, at the desk")),
            (TO_PARTNER, _("A partner organisation")),
        ],
        widget=forms.RadioSelect,
        initial=TO_MEMBER,
    )
    partner = params.ModelChoiceField(
        label=_("Partner organisation"),
        queryset=Partner.objects.filter(active=True).order_by("name"),
        required=False,
    )
    categories = category_field(_("Data categories (for a partner)"))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["categories"].required = False

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("to") == self.TO_PARTNER:
            if not data.get("partner"):
                self.add_error("partner", _("Choose the partner organisation."))
            if not data.get("categories"):
                self.add_error("categories", _("Choose at least one category of data."))
        return data


class LegalRequestForm(forms.Form):
    authority = forms.CharField(label=_("Authority"), max_length=120)
    reference = forms.CharField(label=_("Their reference"), max_length=80)
    legal_basis = forms.CharField(
        label=_("Legal basis (article)"),
        max_length=120,
        help_text=_("For example: art. 126nd Wetboek van Strafvordering"),
    )
    card_number = forms.CharField(
        label=_("Member's card number"),
        max_length=CARD_NUMBER_MAX_LENGTH,
        validators=[validate_card_number],
    )
    categories = category_field()
    period_start = params.DateField(label=_("Period from"), widget=params.DateInput())
    period_end = params.DateField(label=_("Period until"), widget=params.DateInput())
    non_disclosure_until = params.DateField(
        label=_("Non-disclosure order until"),
        required=False,
        widget=params.DateInput(),
        help_text=_("Leave empty when the member may know of the request."),
    )

    def clean_card_number(self) -> Member:
        card = str(self.cleaned_data["card_number"]).strip()
        member = Member.objects.filter(card_number=card).first()
        if member is None:
            raise forms.ValidationError(_("There is no member with this card number."))
        return member


class LegalDecisionForm(forms.Form):
    APPROVE = "approve"
    REFUSE = "refuse"

    decision = forms.ChoiceField(
        label=_("Decision"),
        choices=[(APPROVE, _("Approve and produce the data")), (REFUSE, _("Refuse"))],
        widget=forms.RadioSelect,
    )
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea, max_length=2000)

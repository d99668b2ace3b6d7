"""Desk forms: they parse and check the shape of input; the rules live in the services."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.utils.translation import gettext_lazy as _

from kaft.catalog.models import Branch
from kaft.core import params
from kaft.desk.access import staff_profile_of
from kaft.members.birth import validate_date_of_birth
from kaft.members.block_reasons import BlockReason
from kaft.members.cards import CARD_NUMBER_MAX_LENGTH, validate_card_number
from kaft.members.models import Address, AddressKind, Language, Member, MemberCategory
from kaft.members.phones import PhoneField
from kaft.members.services.member import AddressInput


class StaffLoginForm(AuthenticationForm):
    """Django's login form, for staff accounts only, plus the branch to work at."""

    branch = params.ModelChoiceField(
        label=_("Branch"),
        queryset=Branch.objects.order_by("name"),
        required=False,
        empty_label=_("My own branch"),
    )

    error_messages = {
        **AuthenticationForm.error_messages,
        "not_staff": _(
            "This account cannot log in to the desk. Members log in at MijnBibliotheek."
        ),
    }

    def confirm_login_allowed(self, user: Any) -> None:
        super().confirm_login_allowed(user)
        if staff_profile_of(user) is None:
            raise forms.ValidationError(self.error_messages["not_staff"], code="not_staff")


class BranchForm(forms.Form):
    branch = params.ModelChoiceField(
        label=_("Branch"), queryset=Branch.objects.order_by("name"), empty_label=None
    )


class SearchForm(forms.Form):
    q = forms.CharField(label=_("Card number, name, e-mail address or postcode"), max_length=120)


class ItemLookupForm(forms.Form):
    """A barcode, or words from a title or an author's name (the catalogue search)."""

    q = forms.CharField(label=_("Barcode, title or author"), max_length=200)


class BlockForm(forms.Form):
    """A usual reason (stored as its code, so it shows in either language) or a typed one."""

    kind = forms.ChoiceField(
        label=_("Reason for block"),
        choices=BlockReason.choices,
        initial=BlockReason.OTHER,
        required=False,
    )
    reason = forms.CharField(label=_("Other reason"), max_length=200, required=False)

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        kind = cleaned.get("kind") or BlockReason.OTHER
        typed = (cleaned.get("reason") or "").strip()
        if kind == BlockReason.OTHER:
            if not typed:
                raise forms.ValidationError(_("Give a reason for the block."))
            cleaned["stored"] = typed
        else:
            cleaned["stored"] = str(kind)
        return cleaned


DateInput = params.DateInput  # the desk's name for it, kept for the forms that import it


class IdentityForm(forms.Form):
    first_name = forms.CharField(label=_("First name"), max_length=80)
    name_prefix = forms.CharField(label=_("Prefix (tussenvoegsel)"), max_length=20, required=False)
    last_name = forms.CharField(label=_("Last name"), max_length=120)
    date_of_birth = params.DateField(
        label=_("Date of birth"), widget=DateInput(), validators=[validate_date_of_birth]
    )
    category = params.ModelChoiceField(
        label=_("Category"), queryset=MemberCategory.objects.order_by("name")
    )
    home_branch = params.ModelChoiceField(
        label=_("Home branch"), queryset=Branch.objects.order_by("name")
    )
    membership_end = params.DateField(
        label=_("Member until"), required=False, widget=DateInput(), help_text=_("Empty: no end.")
    )

    @classmethod
    def initial_from(cls, member: Member) -> dict[str, Any]:
        return {
            "first_name": member.first_name,
            "name_prefix": member.name_prefix,
            "last_name": member.last_name,
            "date_of_birth": member.date_of_birth,
            "category": member.category_id,
            "home_branch": member.home_branch_id,
            "membership_end": member.membership_end,
        }


class ContactForm(forms.Form):
    """E-mail, phone, language and the home and (optional) postal address."""

    email = forms.EmailField(label=_("E-mail address"), required=False)
    phone = PhoneField(label=_("Phone number"))
    preferred_language = forms.ChoiceField(label=_("Language"), choices=Language.choices)
    email_receipt = forms.BooleanField(
        label=_("Receipt by e-mail when borrowing at the desk"), required=False
    )
    street = forms.CharField(label=_("Street"), max_length=120)
    house_number = forms.CharField(label=_("House number"), max_length=16)
    postcode = forms.CharField(label=_("Postcode"), max_length=10)
    city = forms.CharField(label=_("City"), max_length=80)
    postal_street = forms.CharField(label=_("Street"), max_length=120, required=False)
    postal_house_number = forms.CharField(label=_("House number"), max_length=16, required=False)
    postal_postcode = forms.CharField(label=_("Postcode"), max_length=10, required=False)
    postal_city = forms.CharField(label=_("City"), max_length=80, required=False)

    POSTAL_FIELDS = ("postal_street", "postal_house_number", "postal_postcode", "postal_city")

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        filled = [name for name in self.POSTAL_FIELDS if data.get(name)]
        if filled and len(filled) < len(self.POSTAL_FIELDS):
            for name in self.POSTAL_FIELDS:
                if not data.get(name):
                    self.add_error(name, _("Fill in the whole postal address, or leave it empty."))
        return data

    def home_address(self) -> AddressInput:
        data = self.cleaned_data
        return AddressInput(
            street=data["street"],
            house_number=data["house_number"],
            postcode=data["postcode"],
            city=data["city"],
        )

    def postal_address(self) -> AddressInput | None:
        data = self.cleaned_data
        if not data.get("postal_street"):
            return None
        return AddressInput(
            street=data["postal_street"],
            house_number=data["postal_house_number"],
            postcode=data["postal_postcode"],
            city=data["postal_city"],
        )

    @classmethod
    def initial_from_contact(cls, member: Member, addresses: list[Address]) -> dict[str, Any]:
        initial: dict[str, Any] = {
            "email": member.email,
            "phone": member.phone,
            "preferred_language": member.preferred_language,
            "email_receipt": member.email_receipt,
        }
        for address in addresses:
            prefix = "" if address.kind == AddressKind.HOME else "postal_"
            initial.update(
                {
                    f"{prefix}street": address.street,
                    f"{prefix}house_number": address.house_number,
                    f"{prefix}postcode": address.postcode,
                    f"{prefix}city": address.city,
                }
            )
        return initial


class RegistrationForm(IdentityForm, ContactForm):
    """A new member: identity, contact, and optionally a card already handed out and a password."""

    card_number = forms.CharField(
        label=_("Card number"),
        max_length=CARD_NUMBER_MAX_LENGTH,
        validators=[validate_card_number],
        required=False,
        help_text=_("Scan the new card. Empty: Kaft makes up a number."),
    )
    password = forms.CharField(
        label=_("Password for MijnBibliotheek"),
        required=False,
        strip=False,
        # A form shown again (a refusal, a duplicate warning) keeps what was typed: the desk's
        # pages are never cached (no-store) and the member types it only once.
        widget=forms.PasswordInput(render_value=True, attrs={"autocomplete": "new-password"}),
        help_text=_("Optional. At least 10 characters."),
    )
    # Sent only by the "Register anyway" button of the duplicate warning: the ids of the likely
    # duplicates staff saw and chose to pass. A new match not among them is warned about again.
    duplicates_seen = forms.CharField(required=False, max_length=200, widget=forms.HiddenInput)

    field_order = [
        "card_number",
        "first_name",
        "name_prefix",
        "last_name",
        "date_of_birth",
        "category",
        "home_branch",
        "membership_end",
        "email",
        "phone",
        "preferred_language",
        "email_receipt",
        "street",
        "house_number",
        "postcode",
        "city",
        *ContactForm.POSTAL_FIELDS,
        "password",
    ]

    def clean_duplicates_seen(self) -> frozenset[int]:
        text = self.cleaned_data.get("duplicates_seen") or ""
        ids = (params.id_from(part) for part in text.split(","))
        return frozenset(pk for pk in ids if pk is not None)

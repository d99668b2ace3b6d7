"""Forms of the portal. They parse and check input; the rules live in the services."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext_lazy

from kaft.catalog.models import Branch
from kaft.core import params
from kaft.members.birth import validate_date_of_birth
from kaft.members.cards import validate_card_number_or_email
from kaft.members.models import CHANNEL_CHOICE_TYPES, Channel, Language, Member
from kaft.members.phones import PhoneField
from kaft.members.pin_fields import KioskPinFields
from kaft.members.services.member import AddressInput


class LoginForm(AuthenticationForm):
    """Card number or e-mail address and password. The error never says which part was wrong."""

    username = forms.CharField(
        label=_("Card number or e-mail address"),
        max_length=254,
        validators=[validate_card_number_or_email],
        widget=forms.TextInput(attrs={"autofocus": True, "autocomplete": "username"}),
    )
    error_messages = {
        "invalid_login": _(
            "This card number or e-mail address and password do not match. "
            "Check them and try again."
        ),
        "inactive": _(
            "This card number or e-mail address and password do not match. "
            "Check them and try again."
        ),
    }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["password"].label = _("Password")

    def confirm_login_allowed(self, user: Any) -> None:
        """The portal is for members: a staff account gets the same answer as a wrong password.

        Someone who joined online logs in once the link sent to their e-mail address was
        followed; before, the right password gets that answer (the password was right, so it
        tells nothing to someone who does not know it)."""
        super().confirm_login_allowed(user)
        member = Member.objects.filter(user=user).first()
        if member is None:
            raise self.get_invalid_login_error()
        if member.awaits_email_verification:
            raise forms.ValidationError(
                _(
                    "Confirm your e-mail address first: follow the link in the e-mail we sent "
                    "you when you joined."
                ),
                code="unconfirmed",
            )


class SearchForm(forms.Form):
    q = forms.CharField(
        label=_("Search the catalogue"),
        required=False,
        max_length=200,
        widget=forms.SearchInput(attrs={"autocomplete": "off"}),
    )
    material_type = forms.CharField(required=False, max_length=16)
    language = forms.CharField(required=False, max_length=3)
    year = params.NumberField(required=False, min_value=0, max_value=9999)
    branch = forms.CharField(required=False, max_length=20)
    page = params.PageField(required=False)


class HoldForm(forms.Form):
    pickup_branch = params.ModelChoiceField(
        label=_("Pick up at"),
        queryset=Branch.objects.order_by("name"),
        empty_label=None,
    )


def _address_fields(prefix: str, required: bool) -> dict[str, forms.Field]:
    return {
        f"{prefix}_street": forms.CharField(label=_("Street"), max_length=120, required=required),
        f"{prefix}_house_number": forms.CharField(
            label=_("House number"), max_length=16, required=required
        ),
        f"{prefix}_postcode": forms.CharField(
            label=_("Postcode"), max_length=10, required=required
        ),
        f"{prefix}_city": forms.CharField(label=_("City"), max_length=80, required=required),
    }


ADDRESS_PARTS = ("street", "house_number", "postcode", "city")


class ContactForm(forms.Form):
    """What a member may change themselves: contact details, addresses, messages, language.

    Not the e-mail address: a new one takes effect through a link (:class:`EmailChangeForm`)."""

    phone = PhoneField(label=_("Phone number"))
    preferred_language = forms.ChoiceField(
        label=_("Language of our messages"), choices=Language.choices
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["phone"].widget = forms.TelInput(attrs={"autocomplete": "tel"})
        self.fields.update(_address_fields("home", required=True))
        self.fields.update(_address_fields("postal", required=False))
        for message_type, label in ((t.value, t.label) for t in CHANNEL_CHOICE_TYPES):
            self.fields[f"channel_{message_type}"] = forms.ChoiceField(
                label=label, choices=Channel.choices
            )
        self.fields["email_receipt"] = forms.BooleanField(
            label=_("Receipt by e-mail when borrowing at the desk"), required=False
        )
        self.fields["sms_titles"] = forms.BooleanField(
            label=_("Name the titles in text messages (SMS)"),
            required=False,
            help_text=_(
                "Off: a text message only says that a reservation is ready or a loan is due; "
                "anyone who sees your phone can read it."
            ),
        )

    @classmethod
    def initial_for(cls, member: Member) -> dict[str, Any]:
        initial: dict[str, Any] = {
            "phone": member.phone,
            "preferred_language": member.preferred_language,
            "email_receipt": member.email_receipt,
            "sms_titles": member.sms_titles,
        }
        for address in member.addresses.all():
            for part in ADDRESS_PARTS:
                initial[f"{address.kind}_{part}"] = getattr(address, part)
        channels = {p.message_type: p.channel for p in member.message_preferences.all()}
        for message_type in CHANNEL_CHOICE_TYPES:
            initial[f"channel_{message_type}"] = channels.get(message_type, Channel.EMAIL)
        return initial

    def address_field_names(self, prefix: str) -> list[str]:
        return [f"{prefix}_{part}" for part in ADDRESS_PARTS]

    def channel_fields(self) -> list[forms.BoundField]:
        return [self[f"channel_{message_type}"] for message_type in CHANNEL_CHOICE_TYPES]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        postal = [cleaned.get(name, "") for name in self.address_field_names("postal")]
        if any(postal) and not all(postal):
            for name, value in zip(self.address_field_names("postal"), postal, strict=True):
                if not value:
                    self.add_error(
                        name, _("Fill in the whole postal address, or leave it all empty.")
                    )
        return cleaned

    def address(self, prefix: str) -> AddressInput | None:
        values = [self.cleaned_data.get(name, "") for name in self.address_field_names(prefix)]
        if not all(values):
            return None
        return AddressInput(*values)

    def message_channels(self) -> dict[str, str]:
        return {
            message_type: self.cleaned_data[f"channel_{message_type}"]
            for message_type in CHANNEL_CHOICE_TYPES
        }


# Django 5.2's MinimumLengthValidator asks for a msgid its Dutch catalogue does not have (the
# placeholder changed); this entry gives the portal's catalogue the Dutch for it.
PASSWORD_TOO_SHORT = ngettext_lazy(
    "This password is too short. It must contain at least %d character.",
    "This password is too short. It must contain at least %d characters.",
    "count",
)


class NewPasswordFields(forms.Form):
    """A new password typed twice; the password forms of the portal build on this."""

    new_password = forms.CharField(
        label=_("New password"),
        strip=False,
        help_text=_("At least 10 characters. A long sentence is easy to remember."),
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )
    new_password_again = forms.CharField(
        label=_("New password again"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        first, second = cleaned.get("new_password"), cleaned.get("new_password_again")
        if first and second and first != second:
            self.add_error("new_password_again", _("The two new passwords are not the same."))
        return cleaned


class PasswordForm(NewPasswordFields):
    current_password = forms.CharField(
        label=_("Current password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )
    field_order = ["current_password", "new_password", "new_password_again"]


class EmailChangeForm(forms.Form):
    """A new e-mail address, confirmed with the current password; the link goes to the new one."""

    new_email = forms.EmailField(label=_("New e-mail address"), max_length=254)
    current_password = forms.CharField(
        label=_("Your current password"),
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["new_email"].widget.attrs["autocomplete"] = "email"


class KioskPinForm(KioskPinFields):
    """A kiosk PIN typed twice (:class:`KioskPinFields`), confirmed with the current password."""

    current_password = forms.CharField(
        label=_("Your current password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )


class SignupForm(NewPasswordFields):
    """Joining online: name, date of birth, home address, e-mail address, a password, the
    language of messages and the branch where the ID will be shown. The rules (age, category,
    password strength, limits) are the service's (:mod:`kaft.members.services.signup`)."""

    first_name = forms.CharField(
        label=_("First name"),
        max_length=80,
        widget=forms.TextInput(attrs={"autocomplete": "given-name"}),
    )
    name_prefix = forms.CharField(
        label=_("Prefix (tussenvoegsel)"),
        max_length=20,
        required=False,
        help_text=_("For example: van, de, van der."),
    )
    last_name = forms.CharField(
        label=_("Last name"),
        max_length=120,
        widget=forms.TextInput(attrs={"autocomplete": "family-name"}),
    )
    date_of_birth = params.DateField(
        label=_("Date of birth"),
        widget=params.DateInput(attrs={"autocomplete": "bday"}),
        validators=[validate_date_of_birth],
    )
    email = forms.EmailField(
        label=_("E-mail address"),
        max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
        help_text=_("We send a link to this address. Follow it to confirm the address."),
    )
    preferred_language = forms.ChoiceField(
        label=_("Language of our messages"), choices=Language.choices, initial=Language.DUTCH
    )
    home_branch = params.ModelChoiceField(
        label=_("Branch where you show your ID"),
        queryset=Branch.objects.order_by("name"),
        empty_label=None,
    )
    field_order = [
        "first_name",
        "name_prefix",
        "last_name",
        "date_of_birth",
        "home_street",
        "home_house_number",
        "home_postcode",
        "home_city",
        "email",
        "new_password",
        "new_password_again",
        "preferred_language",
        "home_branch",
    ]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields.update(_address_fields("home", required=True))
        self.fields["new_password"].label = _("Password")
        self.fields["new_password_again"].label = _("Password again")
        self.order_fields(self.field_order)

    def home_address(self) -> AddressInput:
        return AddressInput(*(self.cleaned_data[f"home_{part}"] for part in ADDRESS_PARTS))

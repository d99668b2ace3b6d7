"""Kiosk accounts at the desk, for administrators: the list, adding one, changing one (settings
and a new password) and deactivating one.

What an account may hold is decided by :mod:`kaft.sip2.accounts`; these screens only ask and
show. They show no member's data, so they write no access-log entry. Passwords are typed
twice, never shown, and never put back into a form that comes back with an error.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from kaft.catalog.models import Branch
from kaft.core import params
from kaft.desk.access import desk_view
from kaft.desk.views.common import desk_render
from kaft.members.models import StaffRole
from kaft.sip2.accounts import (
    REQUESTS,
    KioskAccountError,
    KioskAccountErrorCode,
    kiosk_account_add,
    kiosk_account_deactivate,
    kiosk_account_update,
    kiosk_accounts,
)
from kaft.sip2.models import Charset, KioskAccount, NameShown, PatronField

ADMINISTRATORS = (StaffRole.ADMINISTRATOR,)

# Which form field a refusal belongs to.
ERROR_FIELDS = {
    KioskAccountErrorCode.LOGIN_INVALID: "login",
    KioskAccountErrorCode.LOGIN_IN_USE: "login",
    KioskAccountErrorCode.PASSWORD_TOO_SHORT: "password",
    KioskAccountErrorCode.PASSWORD_INVALID: "password",
    KioskAccountErrorCode.MESSAGE_UNKNOWN: "messages",
    KioskAccountErrorCode.NAME_TOO_LONG: "name",
}


def _request_choices() -> list[tuple[str, str]]:
    return [(code, f"{code} · {label}") for code, label in REQUESTS.items()]


class KioskForm(forms.Form):
    """The settings of a kiosk account; a password is required when adding one."""

    login = forms.CharField(
        label=gettext_lazy("Login name"),
        max_length=40,
        help_text=gettext_lazy("What the kiosk sends to sign in (CN), e.g. kiosk-centrale."),
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )
    name = forms.CharField(
        label=gettext_lazy("Name"),
        max_length=80,
        required=False,
        help_text=gettext_lazy(
            "Members see it in “Who looked at my data”, e.g. “Kiosk by the entrance”."
        ),
    )
    branch = params.ModelChoiceField(
        label=gettext_lazy("Branch"), queryset=Branch.objects.order_by("name")
    )
    charset = forms.ChoiceField(
        label=gettext_lazy("Character set"),
        choices=Charset.choices,
        help_text=gettext_lazy("Many kiosks use IBM850 unless set to UTF-8: ask the supplier."),
    )
    name_shown = forms.ChoiceField(
        label=gettext_lazy("Member's name shown at the kiosk"), choices=NameShown.choices
    )
    patron_fields = forms.MultipleChoiceField(
        label=gettext_lazy("Extra member details the kiosk receives"),
        choices=PatronField.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=gettext_lazy("Only what the kiosk really needs. None is the default."),
    )
    messages = forms.MultipleChoiceField(
        label=gettext_lazy("SIP2 messages the kiosk may send"),
        choices=_request_choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=gettext_lazy(
            "None ticked: all. Signing in, status and resend are always allowed."
        ),
    )
    error_detection = forms.BooleanField(
        label=gettext_lazy("Error detection (sequence numbers and checksums)"),
        required=False,
        initial=True,
    )
    active = forms.BooleanField(
        label=gettext_lazy("Active: the kiosk may sign in"), required=False, initial=True
    )
    password = forms.CharField(
        label=gettext_lazy("Password"),
        strip=False,
        help_text=gettext_lazy("At least 10 characters, without a vertical bar (|)."),
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )
    password_again = forms.CharField(
        label=gettext_lazy("Password again"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def __init__(self, *args: Any, account: KioskAccount | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.account = account
        if account is None:
            del self.fields["active"]
        else:
            del self.fields["login"]
            for field in ("password", "password_again"):
                self.fields[field].required = False
            self.fields["password"].label = _("New password (leave empty to keep it)")
            self.fields["password_again"].label = _("New password again")

    @classmethod
    def initial_for(cls, account: KioskAccount) -> dict[str, Any]:
        return {
            "name": account.name,
            "branch": account.branch_id,
            "charset": account.charset,
            "name_shown": account.name_shown,
            "patron_fields": list(account.patron_fields),
            "messages": list(account.messages),
            "error_detection": account.error_detection,
            "active": account.active,
        }

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        first, second = cleaned.get("password"), cleaned.get("password_again")
        if (first or second) and first != second:
            self.add_error("password_again", _("The two passwords are not the same."))
        return cleaned

    def settings(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            "name": data["name"],
            "branch": data["branch"],
            "charset": Charset(data["charset"]),
            "name_shown": NameShown(data["name_shown"]),
            "patron_fields": [PatronField(code) for code in data["patron_fields"]],
            "messages": data["messages"],
            "error_detection": data["error_detection"],
        }


def _refused(form: KioskForm, error: KioskAccountError) -> None:
    field = ERROR_FIELDS.get(KioskAccountErrorCode(error.code))
    form.add_error(field if field in form.fields else None, error.message)


def _form_page(request: HttpRequest, form: KioskForm) -> HttpResponse:
    status = 400 if form.errors else 200
    context = {"form": form, "account": form.account}
    return desk_render(request, "desk/kiosk_form.html", context, status=status)


@desk_view(roles=ADMINISTRATORS)
@never_cache
@require_http_methods(["GET"])
def kiosk_list(request: HttpRequest) -> HttpResponse:
    return desk_render(request, "desk/kiosks.html", {"accounts": list(kiosk_accounts())})


@desk_view(roles=ADMINISTRATORS)
@never_cache
@require_http_methods(["GET", "POST"])
def kiosk_new(request: HttpRequest) -> HttpResponse:
    form = KioskForm(
        request.POST or None, initial={"branch": getattr(request, "staff_branch", None)}
    )
    if request.method == "POST" and form.is_valid():
        try:
            account = kiosk_account_add(
                login=form.cleaned_data["login"],
                password=form.cleaned_data["password"],
                replace=False,
                **form.settings(),
            )
        except KioskAccountError as error:
            _refused(form, error)
        else:
            messages.success(
                request, _("Kiosk account %(login)s is added.") % {"login": account.login}
            )
            return redirect("desk:kiosks")
    return _form_page(request, form)


@desk_view(roles=ADMINISTRATORS)
@never_cache
@require_http_methods(["GET", "POST"])
def kiosk_edit(request: HttpRequest, kiosk_id: int) -> HttpResponse:
    account = get_object_or_404(KioskAccount.objects.select_related("branch"), pk=kiosk_id)
    if request.method == "POST":
        form = KioskForm(request.POST, account=account)
        if form.is_valid():
            try:
                kiosk_account_update(
                    account=account,
                    active=form.cleaned_data["active"],
                    password=form.cleaned_data["password"] or "",
                    **form.settings(),
                )
            except KioskAccountError as error:
                _refused(form, error)
            else:
                messages.success(
                    request, _("Kiosk account %(login)s is saved.") % {"login": account.login}
                )
                return redirect("desk:kiosks")
    else:
        form = KioskForm(initial=KioskForm.initial_for(account), account=account)
    return _form_page(request, form)


@desk_view(roles=ADMINISTRATORS)
@require_POST
def kiosk_deactivate(request: HttpRequest, kiosk_id: int) -> HttpResponse:
    account = get_object_or_404(KioskAccount, pk=kiosk_id)
    kiosk_account_deactivate(login=account.login)
    messages.success(
        request,
        _("Kiosk account %(login)s is deactivated: it can no longer sign in.")
        % {"login": account.login},
    )
    return redirect("desk:kiosks")

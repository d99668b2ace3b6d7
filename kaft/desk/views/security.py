"""Desk security: the second factor (TOTP) and a lost login.

- ``otp``: privacy officers and administrators enrol a TOTP app (secret and QR code, drawn by
  Kaft itself) and then give a code after the password at every login. Wrong codes slow down
  (django-otp's throttling: 1, 2, 4, 8 ... seconds).
- ``login_help``: staff check a member's identity (a document type seen, or control questions
  compared and forgotten) and hand out a one-time reset code, printed or by e-mail.
"""

from __future__ import annotations

from base64 import b32encode
from typing import Any, cast

import segno
from django import forms
from django.contrib import messages
from django.contrib.auth import REDIRECT_FIELD_NAME
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods
from django_otp import login as otp_login
from django_otp.plugins.otp_totp.models import TOTPDevice

from kaft.core import params
from kaft.desk.access import DeskRequest, desk_view, member_look, staff_profile_of
from kaft.desk.views.common import desk_render
from kaft.members.errors import MemberError, MemberErrorCode
from kaft.members.models import IdentityCheckMethod, IdentityDocument, Member
from kaft.members.services.recovery import (
    ControlAnswers,
    checks_allowed_again_at,
    identity_check,
    reset_code_issue,
)
from kaft.privacy.models import AccessPurpose, DataPart

# --- second factor ------------------------------------------------------------------------------


class TokenForm(forms.Form):
    token = forms.CharField(
        label=gettext_lazy("Code from your authenticator app"),
        min_length=6,
        max_length=8,
        error_messages={
            "required": gettext_lazy("Enter the 6 digits your authenticator app shows."),
            "min_length": gettext_lazy("Enter the 6 digits your authenticator app shows."),
            "max_length": gettext_lazy("Enter the 6 digits your authenticator app shows."),
        },
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "autofocus": True}
        ),
    )


def _qr_svg(url: str) -> str:
    """The enrolment URL as an inline SVG QR code (no image from elsewhere)."""
    return str(segno.make(url, error="m").svg_inline(scale=4, title=_("QR code")))


def _next_url(request: HttpRequest) -> str:
    wanted = request.POST.get(REDIRECT_FIELD_NAME) or request.GET.get(REDIRECT_FIELD_NAME)
    return params.onward(request, wanted, reverse("desk:checkout"))


@never_cache
@require_http_methods(["GET", "POST"])
def otp(request: HttpRequest) -> HttpResponse:
    """Enrol a TOTP app (no confirmed device yet) or give the code (every login)."""
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path(), reverse("desk:login"))
    if staff_profile_of(request.user) is None and not request.user.is_staff:
        raise PermissionDenied
    device = TOTPDevice.objects.filter(user_id=request.user.pk, confirmed=True).first()
    enrolling = device is None
    if device is None:
        device = TOTPDevice.objects.filter(user_id=request.user.pk, confirmed=False).first()
        if device is None:
            device = TOTPDevice.objects.create(user=request.user, name="Kaft", confirmed=False)
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        allowed, info = device.verify_is_allowed()
        if not allowed:
            wait = (info or {}).get("locked_until")
            seconds = max(1, int((wait - timezone.now()).total_seconds())) if wait else 1
            form.add_error(
                "token",
                _("Too many wrong codes. Wait %(seconds)s seconds and try again.")
                % {"seconds": seconds},
            )
        elif device.verify_token(form.cleaned_data["token"].strip()):
            if enrolling:
                device.confirmed = True
                device.save(update_fields=["confirmed"])
                messages.success(request, _("Your authenticator app is set up."))
            otp_login(request, device)
            return redirect(_next_url(request))
        else:
            form.add_error("token", _("This code is not right. Check the time on your phone."))
    context: dict[str, Any] = {
        "form": form,
        "enrolling": enrolling,
        "next": _next_url(request),
    }
    if enrolling:
        context["secret"] = b32encode(device.bin_key).decode()
        context["qr_svg"] = _qr_svg(device.config_url)
    status = 400 if form.errors else 200
    return desk_render(request, "desk/otp.html", context, status=status)


# --- lost login ---------------------------------------------------------------------------------

LOGIN_HELP_PARTS = (DataPart.IDENTITY, DataPart.CONTACT)


class LoginHelpForm(forms.Form):
    method = forms.ChoiceField(
        label=gettext_lazy("How did you check who this is?"),
        choices=IdentityCheckMethod.choices,
        widget=forms.RadioSelect,
    )
    document_type = forms.ChoiceField(
        label=gettext_lazy("ID document seen (type only, never its number)"),
        choices=[("", "—"), *IdentityDocument.choices],
        required=False,
    )
    date_of_birth = params.DateField(
        label=gettext_lazy("Date of birth the member gives"),
        required=False,
        widget=params.DateInput(attrs={"autocomplete": "off"}),
    )
    postcode = forms.CharField(
        label=gettext_lazy("Postcode the member gives"),
        max_length=10,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )
    house_number = forms.CharField(
        label=gettext_lazy("House number the member gives"),
        max_length=16,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )
    delivery = forms.ChoiceField(
        label=gettext_lazy("Hand the reset code over"),
        choices=[
            ("print", gettext_lazy("Print it")),
            ("email", gettext_lazy("Send it by e-mail")),
        ],
        widget=forms.RadioSelect,
        initial="print",
    )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        method = cleaned.get("method")
        if method == IdentityCheckMethod.DOCUMENT and not cleaned.get("document_type"):
            self.add_error("document_type", _("Choose the type of document you saw."))
        if method == IdentityCheckMethod.QUESTIONS:
            for field in ("date_of_birth", "postcode", "house_number"):
                if not cleaned.get(field):
                    self.add_error(field, _("Ask the member for this and fill it in."))
        return cleaned


def _member(member_id: int) -> Member:
    return get_object_or_404(Member.objects.select_related("home_branch"), pk=member_id)


@desk_view
@never_cache
@require_http_methods(["GET", "POST"])
def login_help(request: HttpRequest, member_id: int) -> HttpResponse:
    desk = cast(DeskRequest, request)
    member = _member(member_id)
    member_look(desk, member, LOGIN_HELP_PARTS, purpose=AccessPurpose.DESK)
    form = LoginHelpForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        method = IdentityCheckMethod(data["method"])
        answers = None
        if method == IdentityCheckMethod.QUESTIONS:
            answers = ControlAnswers(
                date_of_birth=data["date_of_birth"],
                postcode=data["postcode"],
                house_number=data["house_number"],
            )
        try:
            if data["delivery"] == "email" and not member.email:
                raise MemberError(MemberErrorCode.NO_EMAIL)
            check = identity_check(
                member=member,
                staff=desk.user,
                branch=desk.staff_branch,
                method=method,
                document_type=data.get("document_type") or "",
                answers=answers,
            )
        except MemberError as error:
            form.add_error(None, error.message)
        else:
            if not check.passed:
                form.add_error(
                    None,
                    _(
                        "The answers do not match the member's details. No code was issued. "
                        "Failed checks are limited to 3 per 24 hours."
                    ),
                )
            else:
                code = reset_code_issue(member=member, staff=desk.user, check=check)
                if data["delivery"] == "email":
                    from kaft.notices.services.account import notice_queue_password_reset_code

                    notice_queue_password_reset_code(member=member, code=code)
                    messages.success(
                        request,
                        _("Identity checked. A reset code was sent to the member's e-mail."),
                    )
                    return redirect("desk:member_detail", member_id=member.pk)
                context = {"member": member, "code": code, "valid_hours": 24}
                response = desk_render(request, "desk/login_help_code.html", context)
                response["Cache-Control"] = "no-store"
                return response
    context = {
        "member": member,
        "form": form,
        "blocked_until": checks_allowed_again_at(member),
    }
    status = 400 if form.errors else 200
    return desk_render(request, "desk/login_help.html", context, status=status)

"""Portal security: log out everywhere, the kiosk PIN, new password by code or e-mail link, cookies.

- ``mijn/beveiliging/``: the member ends every session of their login, here and elsewhere.
- ``mijn/beveiliging/pincode/``: the member sets or changes the PIN for the self-service kiosks
  (typed twice, with the current password); ``.../verwijderen/`` removes it. The PIN is never
  shown, put back into the form, kept in the session or written to a message.
- ``wachtwoord/code/``: card number, the one-time code from the desk, and a new password.
- ``wachtwoord/vergeten/``: card number or e-mail address; a link goes to the e-mail address
  on record if one matches. The page answers the same either way.
- ``wachtwoord/nieuw/``: the link's page. The token moves from the address into the session at
  once, so it is not left in the browser history.
- ``cookies/``: the cookies Kaft sets; ``cookies/keuze/``: the visitor's answer to the
  statistics question, kept in the functional cookie ``kaft_stats`` (and, for a logged-in member,
  as their ``site_statistics`` consent, which alone decides while they are logged in).
"""

from __future__ import annotations

import logging

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from kaft.core import params
from kaft.core.errors import DomainError
from kaft.members.cards import (
    CARD_NUMBER_MAX_LENGTH,
    TypedCardNumberField,
    validate_card_number_or_email,
)
from kaft.members.errors import MemberError, MemberErrorCode
from kaft.members.services.kiosk_pin import member_kiosk_pin_remove, member_kiosk_pin_set_own
from kaft.members.services.recovery import (
    reset_code_redeem,
    reset_link_redeem,
    reset_link_request,
    reset_link_user,
    sessions_end_everywhere,
)
from kaft.portal.access import PortalRequest, current_member, member_required
from kaft.portal.forms import KioskPinForm, NewPasswordFields
from kaft.portal.page_views import (
    STATS_ACCEPTED,
    STATS_COOKIE,
    STATS_DECLINED,
    stats_cookie_set,
)
from kaft.portal.views.common import render_portal
from kaft.privacy.models import ConsentPurpose, ConsentVia
from kaft.privacy.services.consent import consent_given, consent_set

SESSION_RESET = "portal_reset_link"
logger = logging.getLogger(__name__)


@member_required
@require_http_methods(["GET", "POST"])
def security(request: PortalRequest) -> HttpResponse:
    if request.method == "POST":
        assert request.member.user is not None
        sessions_end_everywhere(user=request.member.user)
        logout(request)
        messages.success(
            request, _("You have been logged out everywhere, on this device too. Log in again.")
        )
        return redirect("portal:login")
    return _security_page(request, KioskPinForm())


def _security_page(request: PortalRequest, pin_form: KioskPinForm) -> HttpResponse:
    context = {
        "section": "security",
        "pin_form": pin_form,
        "has_pin": bool(request.member.kiosk_pin),
    }
    status = 400 if pin_form.errors else 200
    return render_portal(request, "portal/security.html", context, status=status)


# Which field of the PIN form a refusal belongs to.
PIN_ERROR_FIELDS = {
    MemberErrorCode.KIOSK_PIN_INVALID: "pin",
    MemberErrorCode.WRONG_PASSWORD: "current_password",
    MemberErrorCode.PASSWORD_TOO_MANY_TRIES: "current_password",
}


@member_required
@never_cache
@require_http_methods(["GET", "POST"])
def kiosk_pin(request: PortalRequest) -> HttpResponse:
    """Set or change the kiosk PIN (POST); a GET shows the security page, where its form is."""
    if request.method != "POST":
        return redirect(reverse("portal:security") + "#kiosk-pin")
    form = KioskPinForm(request.POST)
    if form.is_valid():
        had_pin = bool(request.member.kiosk_pin)
        try:
            member_kiosk_pin_set_own(
                member=request.member,
                current_password=form.cleaned_data["current_password"],
                pin=form.cleaned_data["pin"],
            )
        except MemberError as error:
            form.add_error(PIN_ERROR_FIELDS.get(MemberErrorCode(error.code)), error.message)
        else:
            messages.success(
                request,
                _("Your new kiosk PIN is set.")
                if had_pin
                else _("Your kiosk PIN is set. You can use it at the kiosks now."),
            )
            return redirect(reverse("portal:security") + "#kiosk-pin")
    return _security_page(request, form)


@member_required
@require_POST
def kiosk_pin_remove(request: PortalRequest) -> HttpResponse:
    member_kiosk_pin_remove(member=request.member, staff=None)
    messages.success(
        request, _("Your kiosk PIN is removed. Your card no longer works at the kiosks.")
    )
    return redirect(reverse("portal:security") + "#kiosk-pin")


class CodeForm(NewPasswordFields):
    card_number = TypedCardNumberField(
        label=gettext_lazy("Card number"),
        max_length=CARD_NUMBER_MAX_LENGTH,
        widget=forms.TextInput(attrs={"autocomplete": "username", "inputmode": "numeric"}),
    )
    code = forms.CharField(
        label=gettext_lazy("Code from the desk"),
        max_length=20,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code"}),
    )
    field_order = ["card_number", "code", "new_password", "new_password_again"]


class ForgottenForm(forms.Form):
    login = forms.CharField(
        label=gettext_lazy("Card number or e-mail address"),
        max_length=254,
        validators=[validate_card_number_or_email],
        widget=forms.TextInput(attrs={"autocomplete": "username"}),
    )


@never_cache
@require_http_methods(["GET", "POST"])
def password_reset_code(request: HttpRequest) -> HttpResponse:
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            reset_code_redeem(
                card_number=data["card_number"],
                code=data["code"],
                new_password=data["new_password"],
            )
        except MemberError as error:
            form.add_error(None, error.message)
        except ValidationError as error:
            form.add_error("new_password", error)
        else:
            messages.success(request, _("Your new password is set. You can log in with it now."))
            return redirect("portal:login")
    status = 400 if form.errors else 200
    return render_portal(request, "portal/password_reset_code.html", {"form": form}, status)


@never_cache
@require_http_methods(["GET", "POST"])
def password_reset_request(request: HttpRequest) -> HttpResponse:
    form = ForgottenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():

        def link_for(uid: str, token: str) -> str:
            # The configured public address, never the request's Host header.
            query = f"?u={uid}&t={token}"
            return settings.KAFT_SITE_URL + reverse("portal:password_reset_link") + query

        reset_link_request(login=form.cleaned_data["login"], link_for=link_for)
        return render_portal(request, "portal/password_reset_sent.html")
    status = 400 if form.errors else 200
    return render_portal(request, "portal/password_reset_request.html", {"form": form}, status)


def _uid(encoded: str) -> str:
    from django.utils.http import urlsafe_base64_decode

    try:
        return urlsafe_base64_decode(encoded).decode()
    except (ValueError, UnicodeDecodeError):
        return ""


@never_cache
@require_http_methods(["GET", "POST"])
def password_reset_link(request: HttpRequest) -> HttpResponse:
    if "t" in request.GET:
        request.session[SESSION_RESET] = [_uid(request.GET.get("u", "")), request.GET["t"]]
        return redirect("portal:password_reset_link")
    uid, token = (request.session.get(SESSION_RESET) or ["", ""])[:2]
    user = reset_link_user(uid, token) if uid and token else None
    if user is None:
        return render_portal(request, "portal/password_reset_invalid.html", status=400)
    form = NewPasswordFields(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            reset_link_redeem(
                user=user, token=token, new_password=form.cleaned_data["new_password"]
            )
        except MemberError as error:
            form.add_error(None, error.message)
        except ValidationError as error:
            form.add_error("new_password", error)
        else:
            request.session.pop(SESSION_RESET, None)
            messages.success(request, _("Your new password is set. You can log in with it now."))
            return redirect("portal:login")
    status = 400 if form.errors else 200
    return render_portal(request, "portal/password_reset_link.html", {"form": form}, status)


# --- cookies --------------------------------------------------------------------------------------


def cookies(request: HttpRequest) -> HttpResponse:
    """The cookie page. For a logged-in member it shows what counts for them: their consent, not
    the cookie (see ``kaft/portal/page_views.py``)."""
    member = current_member(request) if settings.KAFT_USAGE_STATISTICS else None
    if member is None:
        choice = request.COOKIES.get(STATS_COOKIE, "")
    else:
        counted = consent_given(member=member, purpose=ConsentPurpose.SITE_STATISTICS)
        choice = STATS_ACCEPTED if counted else STATS_DECLINED
    context = {
        "statistics_on": settings.KAFT_USAGE_STATISTICS,
        "choice": choice,
        "member_decides": member is not None,
        "session_hours": settings.SESSION_COOKIE_AGE // 3600,
    }
    return render_portal(request, "portal/cookies.html", context)


@require_POST
def cookie_choice(request: HttpRequest) -> HttpResponse:
    """Remember the answer to the statistics question (accepted or declined) for a year."""
    response = redirect(params.onward(request, request.POST.get("next"), reverse("portal:home")))
    choice = STATS_ACCEPTED if request.POST.get("choice") == STATS_ACCEPTED else STATS_DECLINED
    member = current_member(request)
    if member is not None:  # a member's answer is also kept as their consent, with its history
        try:
            consent_set(
                member=member,
                purpose=ConsentPurpose.SITE_STATISTICS,
                given=choice == STATS_ACCEPTED,
                via=ConsentVia.PORTAL,
            )
        except DomainError:  # e.g. a child's consent is for a parent: the cookie still holds
            logger.info("statistics answer not kept as consent for member %s", member.pk)
    stats_cookie_set(request, response, accepted=choice == STATS_ACCEPTED)
    return response

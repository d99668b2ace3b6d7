"""Joining online ("Lid worden"): the form, the welcome page with the card number, and the page
the link in the welcome e-mail opens.

- ``lid-worden/``: name, date of birth, home address, e-mail address, password, language and
  branch. The category follows from the age (:func:`kaft.members.services.signup.category_for_age`).
  Limited per client address and per e-mail address; an address already known is accepted like
  any other, so the page never tells whether an address is a member's.
- ``lid-worden/welkom/``: the card number, once the form was sent (kept in the session so a
  reload shows it again; nothing else of the person is shown).
- ``lid-worden/bevestigen/``: the link's page. As with a reset link, the token moves from the
  address into the session at once; the address is confirmed only by a POST (the button), so a
  mail scanner that opens links confirms nothing.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods

from kaft.members.auth import login_client_address
from kaft.members.errors import MemberError, MemberErrorCode
from kaft.members.services.family import CHILD_CONSENT_AGE
from kaft.members.services.signup import signup_create, signup_for_token, signup_verify
from kaft.portal.forms import SignupForm
from kaft.portal.views.common import link_token, link_token_moved, render_portal

SESSION_CARD = "portal_signup_card"
SESSION_TOKEN = "portal_signup_link"

# Which form field a refusal belongs to (the rest are shown above the form).
ERROR_FIELDS = {
    MemberErrorCode.EMAIL_INVALID: "email",
    MemberErrorCode.DATE_OF_BIRTH_FUTURE: "date_of_birth",
    MemberErrorCode.DATE_OF_BIRTH_TOO_EARLY: "date_of_birth",
    MemberErrorCode.NO_CATEGORY_FOR_AGE: "date_of_birth",
}


def _link_for(token: str) -> str:
    # The configured public address, never the request's Host header.
    return settings.KAFT_SITE_URL + reverse("portal:signup_confirm") + "?" + urlencode({"t": token})


@never_cache
@require_http_methods(["GET", "POST"])
def signup(request: HttpRequest) -> HttpResponse:
    form = SignupForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            member = signup_create(
                first_name=data["first_name"],
                name_prefix=data["name_prefix"],
                last_name=data["last_name"],
                date_of_birth=data["date_of_birth"],
                email=data["email"],
                password=data["new_password"],
                home_address=form.home_address(),
                home_branch=data["home_branch"],
                preferred_language=data["preferred_language"],
                link_for=_link_for,
                client=login_client_address(request),
            )
        except MemberError as error:
            field = ERROR_FIELDS.get(MemberErrorCode(error.code))
            form.add_error(field, error.message)
        except ValidationError as error:  # the password rules
            form.add_error("new_password", error)
        else:
            request.session[SESSION_CARD] = member.card_number
            return redirect("portal:signup_done")
    context = {
        "form": form,
        "child_age": CHILD_CONSENT_AGE,
        "verify_days": settings.KAFT_SIGNUP_VERIFY_DAYS,
        "complete_days": settings.KAFT_SIGNUP_COMPLETE_DAYS,
    }
    status = 400 if form.errors else 200
    return render_portal(request, "portal/signup.html", context, status)


@never_cache
@require_GET
def signup_done(request: HttpRequest) -> HttpResponse:
    card = request.session.get(SESSION_CARD)
    if not isinstance(card, str) or not card:
        return redirect("portal:signup")
    context = {
        "card_number": card,
        "verify_days": settings.KAFT_SIGNUP_VERIFY_DAYS,
        "complete_days": settings.KAFT_SIGNUP_COMPLETE_DAYS,
        "child_age": CHILD_CONSENT_AGE,
    }
    return render_portal(request, "portal/signup_done.html", context)


@never_cache
@require_http_methods(["GET", "POST"])
def signup_confirm(request: HttpRequest) -> HttpResponse:
    moved = link_token_moved(request, SESSION_TOKEN, "portal:signup_confirm")
    if moved is not None:
        return moved
    token = link_token(request, SESSION_TOKEN)
    member = signup_for_token(token) if token else None
    if member is None:
        return render_portal(request, "portal/signup_confirm_invalid.html", status=400)
    if request.method == "POST":
        try:
            signup_verify(token=token)
        except MemberError:
            return render_portal(request, "portal/signup_confirm_invalid.html", status=400)
        request.session.pop(SESSION_TOKEN, None)
        messages.success(
            request,
            _(
                "Your e-mail address is confirmed. Log in with your card number %(card)s and "
                "your password."
            )
            % {"card": member.card_number},
        )
        return redirect("portal:login")
    return render_portal(request, "portal/signup_confirm.html", {"email": member.email})

"""MijnBibliotheek: a new e-mail address, and the page the confirmation link opens.

- ``mijn/gegevens/e-mail/``: the new address and the current password; a link goes to the new
  address. Nothing changes until it is followed.
- ``e-mail/bevestigen/``: the link's page. As with a reset link, the token moves from the
  address into the session at once; the change is made only by a POST (the button), so a mail
  scanner that opens links confirms nothing. It works without being logged in: following the
  link is the proof that whoever asked controls the new address.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from kaft.members.errors import MemberError, MemberErrorCode
from kaft.members.services.account import (
    email_change_confirm,
    email_change_for_token,
    email_change_pending,
    email_change_request,
)
from kaft.portal.access import PortalRequest, current_member, member_required
from kaft.portal.forms import EmailChangeForm
from kaft.portal.views.common import link_token, link_token_moved, render_portal

SESSION_EMAIL = "portal_email_confirm"


def _link_for(token: str) -> str:
    # The configured public address, never the request's Host header.
    return settings.KAFT_SITE_URL + reverse("portal:email_confirm") + "?" + urlencode({"t": token})


@member_required
@require_http_methods(["GET", "POST"])
def email_change(request: PortalRequest) -> HttpResponse:
    member = request.member
    form = EmailChangeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            email_change_request(
                member=member,
                current_password=form.cleaned_data["current_password"],
                new_email=form.cleaned_data["new_email"],
                link_for=_link_for,
            )
        except MemberError as error:
            field = {
                MemberErrorCode.WRONG_PASSWORD: "current_password",
                MemberErrorCode.EMAIL_UNCHANGED: "new_email",
                MemberErrorCode.EMAIL_INVALID: "new_email",
            }.get(MemberErrorCode(error.code))
            form.add_error(field, error.message)
        else:
            messages.success(
                request,
                _(
                    "We sent a link to %(address)s. Your e-mail address changes once you follow "
                    "it (within 24 hours); until then we keep using your current address."
                )
                % {"address": form.cleaned_data["new_email"].strip().lower()},
            )
            return redirect("portal:profile")
    context = {
        "form": form,
        "member": member,
        "pending": email_change_pending(member),
        "section": "profile",
    }
    status = 400 if form.errors else 200
    return render_portal(request, "portal/email_change.html", context, status=status)


@never_cache
@require_http_methods(["GET", "POST"])
def email_confirm(request: HttpRequest) -> HttpResponse:
    moved = link_token_moved(request, SESSION_EMAIL, "portal:email_confirm")
    if moved is not None:
        return moved
    token = link_token(request, SESSION_EMAIL)
    change = email_change_for_token(token) if token else None
    if change is None:
        return render_portal(request, "portal/email_confirm_invalid.html", status=400)
    if request.method == "POST":
        try:
            email_change_confirm(token=token)
        except MemberError:
            return render_portal(request, "portal/email_confirm_invalid.html", status=400)
        request.session.pop(SESSION_EMAIL, None)
        messages.success(request, _("Your new e-mail address is confirmed."))
        member = current_member(request)
        return redirect("portal:profile" if member is not None else "portal:login")
    return render_portal(request, "portal/email_confirm.html", {"change": change})

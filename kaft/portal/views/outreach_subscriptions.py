"""The newsletter in the portal: signing up (the public page for anyone, the "Nieuwsbrief"
section of MijnBibliotheek for members), the confirmation link's page, and the unsubscribe link.

- ``nieuwsbrief/``: an e-mail address (and optionally a branch). Every address gets the same
  answer (``nieuwsbrief/aangevraagd/``); the mail says what applies. Limited per client and
  per address.
- ``nieuwsbrief/bevestigen/``: the link's page. The token moves from the address into the
  session at once; only the button (a POST) confirms, so a mail scanner confirms nothing.
- ``nieuwsbrief/afmelden/<code>/``: the link in every newsletter, no login. A POST unsubscribes
  at once: the page's button, or a mail program's one-click (RFC 8058, no CSRF token: the code
  is the proof). A GET only shows the button. A code that is not genuine: 404. The link of an
  old newsletter ends the person's current subscription when they signed up again since.
- ``mijn/nieuwsbrief/``: the member's status (incl. "address not deliverable"), subscribe and
  unsubscribe.
"""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods

from kaft.catalog.models import Branch
from kaft.members.auth import login_client_address
from kaft.outreach.errors import OutreachError
from kaft.outreach.errors.newsletter_subscriptions import SubscriptionErrorCode
from kaft.outreach.models import SubscriptionVia
from kaft.outreach.selectors.newsletter_subscriptions import (
    subscription_for_unsubscribe_code,
    subscription_of_member,
    subscriptions_open_for_link,
)
from kaft.outreach.services.newsletter_subscriptions import (
    confirm_days,
    subscription_confirm,
    subscription_end_member,
    subscription_for_token,
    subscription_request_address,
    subscription_request_member,
)
from kaft.outreach.services.newsletter_unsubscribe_link import subscription_end_by_link
from kaft.portal.access import PortalRequest, member_required
from kaft.portal.views.common import link_token, link_token_moved, render_portal
from kaft.privacy.models import ConsentVia
from kaft.privacy.services.consent import member_is_child

SESSION_TOKEN = "portal_newsletter_link"


class NewsletterSignupForm(forms.Form):
    email = forms.EmailField(label=gettext_lazy("E-mail address"), max_length=254)
    branch = forms.ModelChoiceField(
        label=gettext_lazy("News of branch"),
        queryset=Branch.objects.order_by("name"),
        required=False,
        empty_label=gettext_lazy("All branches"),
    )


# --- The public sign-up -------------------------------------------------------------------------


@never_cache
@require_http_methods(["GET", "POST"])
def newsletter_signup(request: HttpRequest) -> HttpResponse:
    form = NewsletterSignupForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            subscription_request_address(
                email=form.cleaned_data["email"],
                branch=form.cleaned_data["branch"],
                language=get_language() or "nl",
                client=login_client_address(request),
            )
        except OutreachError as error:
            field = "email" if error.code == SubscriptionErrorCode.EMAIL_INVALID else None
            form.add_error(field, error.message)
        else:
            return redirect("portal:newsletter_signup_done")
    status = 400 if form.errors else 200
    context = {"form": form, "days": confirm_days()}
    return render_portal(request, "portal/outreach/subscriptions_signup.html", context, status)


@never_cache
@require_GET
def newsletter_signup_done(request: HttpRequest) -> HttpResponse:
    context = {"days": confirm_days()}
    return render_portal(request, "portal/outreach/subscriptions_signup_done.html", context)


# --- The confirmation link ----------------------------------------------------------------------


@never_cache
@require_http_methods(["GET", "POST"])
def newsletter_confirm(request: HttpRequest) -> HttpResponse:
    moved = link_token_moved(request, SESSION_TOKEN, "portal:newsletter_confirm")
    if moved is not None:
        return moved
    token = link_token(request, SESSION_TOKEN)
    subscription = subscription_for_token(token)
    invalid = "portal/outreach/subscriptions_confirm_invalid.html"
    if subscription is None:
        return render_portal(request, invalid, {"problem": ""}, status=400)
    if request.method == "POST":
        try:
            subscription_confirm(token=token)
        except OutreachError as error:
            return render_portal(request, invalid, {"problem": error.message}, status=400)
        request.session.pop(SESSION_TOKEN, None)
        return render_portal(request, "portal/outreach/subscriptions_confirmed.html")
    context = {
        "address": _masked(subscription.member.email if subscription.member else subscription.email)
    }
    return render_portal(request, "portal/outreach/subscriptions_confirm.html", context)


def _masked(address: str) -> str:
    """The address as the confirmation page shows it: enough to recognise, not to copy."""
    local, _at, domain = address.partition("@")
    if not domain:
        return ""
    return f"{local[:2]}…@{domain}"


# --- The unsubscribe link (RFC 8058) ------------------------------------------------------------


@never_cache
@csrf_exempt  # RFC 8058: a mail program POSTs without a session or token; the code is the proof
@require_http_methods(["GET", "POST"])
def newsletter_unsubscribe(request: HttpRequest, code: str) -> HttpResponse:
    found = subscription_for_unsubscribe_code(code)
    if found is None:
        raise Http404
    subscription, issue_id = found
    if request.method == "POST":
        subscription_end_by_link(subscription=subscription, issue_id=issue_id)
        return render_portal(request, "portal/outreach/subscriptions_unsubscribed.html")
    context = {"code": code, "ended": not subscriptions_open_for_link(subscription)}
    return render_portal(request, "portal/outreach/subscriptions_unsubscribe.html", context)


# --- MijnBibliotheek: Nieuwsbrief ---------------------------------------------------------------


def _member_page(request: PortalRequest, status: int = 200) -> HttpResponse:
    member = request.member
    context = {
        "subscription": subscription_of_member(member),
        "child": member_is_child(member),
        "days": confirm_days(),
        "section": "newsletter",
    }
    return render_portal(request, "portal/outreach/subscriptions_mine.html", context, status)


@never_cache
@member_required
@require_http_methods(["GET", "POST"])
def newsletter_mine(request: PortalRequest) -> HttpResponse:
    if request.method == "GET":
        return _member_page(request)
    action = request.POST.get("action", "")
    try:
        if action == "subscribe":
            subscription_request_member(member=request.member, via=SubscriptionVia.PORTAL)
            messages.success(
                request,
                _(
                    "We sent a link to %(address)s. Open it to confirm; until then you will not "
                    "receive the newsletter."
                )
                % {"address": request.member.email},
            )
        elif action == "unsubscribe":
            subscription_end_member(member=request.member, via=ConsentVia.PORTAL)
            messages.success(request, _("You no longer receive the newsletter."))
        else:
            messages.error(request, _("Choose to subscribe or to unsubscribe."))
            return _member_page(request, status=400)
    except OutreachError as error:
        messages.error(request, error.message)
        return _member_page(request, status=400)
    return redirect("portal:newsletter")

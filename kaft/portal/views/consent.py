"""MijnBibliotheek "Mijn toestemmingen", the public privacy statement and its archive, the new
version shown after login, and the member's response to it."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from kaft.core import params
from kaft.members.models import Member
from kaft.portal.access import PortalRequest, member_required
from kaft.portal.page_views import stats_cookie_set
from kaft.portal.views.common import render_portal
from kaft.privacy.errors import PrivacyError
from kaft.privacy.models import ConsentPurpose, ConsentVia, StatementVersion
from kaft.privacy.selectors.consent import consent_overview, member_guardians
from kaft.privacy.selectors.statement import statement_archive, statement_html, statement_published
from kaft.privacy.services.consent import consent_set, member_is_child
from kaft.privacy.services.statement import (
    statement_current,
    statement_mark_seen,
    statement_respond,
    statement_unseen,
)


class ConsentForm(forms.Form):
    purpose = forms.ChoiceField(choices=ConsentPurpose.choices)
    given = forms.TypedChoiceField(choices=[("1", "1"), ("0", "0")], coerce=lambda v: v == "1")


class ResponseForm(forms.Form):
    message = forms.CharField(
        label=gettext_lazy("Your response"),
        widget=forms.Textarea(attrs={"rows": 6}),
        max_length=4000,
    )


def _language() -> str:
    return "en" if (get_language() or "nl").startswith("en") else "nl"


def _summary(version: StatementVersion) -> str:
    return version.summary_en if _language() == "en" else version.summary_nl


# --- Mijn toestemmingen ------------------------------------------------------------------------


def _consents_page(request: PortalRequest, status: int = 200) -> HttpResponse:
    member = request.member
    child = member_is_child(member)
    context = {
        "purposes": consent_overview(member),
        "child": child,
        "guardians": member_guardians(member) if child else [],
        "section": "consents",
    }
    return render_portal(request, "portal/consents.html", context, status=status)


@member_required
@require_GET
def consents(request: PortalRequest) -> HttpResponse:
    return _consents_page(request)


@member_required
@require_POST
def consent_change(request: PortalRequest) -> HttpResponse:
    """Give or withdraw one consent (one click, from the list)."""
    form = ConsentForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose a consent to give or withdraw."))
        return _consents_page(request, status=400)
    purpose = ConsentPurpose(form.cleaned_data["purpose"])
    given = bool(form.cleaned_data["given"])
    if purpose == ConsentPurpose.NEWSLETTER and given and not member_is_child(request.member):
        return _newsletter_opt_in(request)
    try:
        consent_set(member=request.member, purpose=purpose, given=given, via=ConsentVia.PORTAL)
    except PrivacyError as error:
        messages.error(request, error.message)
        return _consents_page(request, status=400)
    if given:
        messages.success(
            request, _("You gave consent for: %(purpose)s.") % {"purpose": purpose.label}
        )
    else:
        messages.success(
            request, _("You withdrew consent for: %(purpose)s.") % {"purpose": purpose.label}
        )
    response = redirect("portal:consents")
    if purpose == ConsentPurpose.SITE_STATISTICS:
        # The browser's own answer follows the member's, so logging out does not undo it.
        stats_cookie_set(request, response, accepted=given)
    return response


def _newsletter_opt_in(request: PortalRequest) -> HttpResponse:
    """A yes to the newsletter is double opt-in: a link goes to the member's address and the
    consent is recorded only when it is followed (kaft/outreach). A no is withdrawn at once
    above, and that ends the subscription."""
    from kaft.outreach.errors import OutreachError
    from kaft.outreach.models import SubscriptionVia
    from kaft.outreach.services.newsletter_subscriptions import subscription_request_member

    try:
        subscription_request_member(member=request.member, via=SubscriptionVia.PORTAL)
    except OutreachError as error:
        messages.error(request, error.message)
        return _consents_page(request, status=400)
    messages.success(
        request,
        _(
            "We sent a link to %(address)s. Your consent for the newsletter is recorded when you "
            "open it and confirm."
        )
        % {"address": request.member.email},
    )
    return redirect("portal:consents")


# --- The privacy statement (public) ------------------------------------------------------------


@require_GET
def statement(request: HttpRequest) -> HttpResponse:
    """The current statement, or with ``?versie=<label>`` an earlier published one."""
    label = request.GET.get("versie", "").strip()
    current = statement_current()
    version = statement_published(label) if label else current
    if version is None:
        if label:
            raise Http404
        return render_portal(request, "portal/statement.html", {"version": None})
    context = {
        "version": version,
        "is_current": current is not None and version.pk == current.pk,
        "text": statement_html(version, _language()),
        "summary": _summary(version),
    }
    return render_portal(request, "portal/statement.html", context)


@require_GET
def statement_archive_page(request: HttpRequest) -> HttpResponse:
    versions = [(version, _summary(version)) for version in statement_archive()]
    return render_portal(request, "portal/statement_archive.html", {"versions": versions})


# --- Shown after login, and the response -------------------------------------------------------


@member_required
@require_GET
def statement_new(request: PortalRequest) -> HttpResponse:
    """The new version, shown once after login: what changed, a link, the response form."""
    version = statement_unseen(request.member) or statement_current()
    if version is None:
        return redirect("portal:loans")
    statement_mark_seen(member=request.member, version=version)
    context = {
        "version": version,
        "summary": _summary(version),
        "form": ResponseForm(),
        "onward": _onward(request),
        "section": "statement",
    }
    return render_portal(request, "portal/statement_new.html", context)


@member_required
@require_http_methods(["GET", "POST"])
def statement_respond_page(request: PortalRequest) -> HttpResponse:
    version = statement_current()
    if version is None:
        raise Http404
    form = ResponseForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            statement_respond(
                member=request.member, version=version, message=form.cleaned_data["message"]
            )
        except PrivacyError as error:
            form.add_error("message", error.message)
        else:
            messages.success(
                request, _("Thank you. Your response has been sent to our privacy officer.")
            )
            return redirect("portal:consents")
    context = {"version": version, "form": form, "section": "statement"}
    status = 400 if form.errors else 200
    return render_portal(request, "portal/statement_respond.html", context, status=status)


def statement_after_login(
    request: HttpRequest, user: Any, response: HttpResponse
) -> HttpResponse | None:
    """Right after login: to the new statement version when it must still be shown (then on
    to where the login was going), else None."""
    member = Member.objects.filter(user_id=user.pk).first()
    if member is None or statement_unseen(member) is None:
        return None
    onward = response.get("Location", "")
    query = f"?{urlencode({'next': onward})}" if onward else ""
    return redirect(reverse("portal:statement_new") + query)


def _onward(request: HttpRequest) -> str:
    return params.onward(request, request.GET.get("next"), reverse("portal:loans"))

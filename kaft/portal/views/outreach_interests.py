"""MijnBibliotheek "Mijn interesses": the interests a member chose and the tips from them.

- ``mijn/interesses/``: without the interests consent the page says what it is for and offers
  to give it (or, under 16, that a parent or guardian decides); with it, the member ticks and
  unticks interests, and sees the tips "Misschien ook iets voor u", each saying why.
- ``mijn/interesses/toestemming/``: give or withdraw the interests consent from this page (the
  same as in Mijn toestemmingen). Withdrawing deletes every interest the member chose.

Only the logged-in member's own interests: family access does not reach them.
"""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from kaft.outreach.errors import OutreachError
from kaft.outreach.models import Interest
from kaft.outreach.selectors.interests import (
    interest_choices,
    interests_offered_by_kind,
    member_interests,
)
from kaft.outreach.selectors.interests_tips import member_tips
from kaft.outreach.services.interests import interests_set
from kaft.portal.access import PortalRequest, member_required
from kaft.portal.views.common import render_portal
from kaft.privacy.errors import PrivacyError
from kaft.privacy.models import ConsentPurpose, ConsentVia
from kaft.privacy.services.consent import consent_given, consent_set, member_is_child


class InterestsForm(forms.Form):
    interests = forms.MultipleChoiceField(choices=interest_choices, required=False)


def _page(request: PortalRequest, status: int = 200) -> HttpResponse:
    member = request.member
    given = consent_given(member=member, purpose=ConsentPurpose.INTERESTS)
    context: dict[str, object] = {
        "section": "interests",
        "given": given,
        "child": member_is_child(member),
    }
    if given:
        context.update(
            {
                "groups": interests_offered_by_kind(),
                "chosen": {chosen.interest.code for chosen in member_interests(member)},
                "tips": member_tips(member),
                "keeps_history": consent_given(member=member, purpose=ConsentPurpose.LOAN_HISTORY),
            }
        )
    return render_portal(request, "portal/outreach/interests_mine.html", context, status)


@never_cache
@member_required
@require_http_methods(["GET", "POST"])
def interests_mine(request: PortalRequest) -> HttpResponse:
    if request.method == "GET":
        return _page(request)
    form = InterestsForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose interests from the list."))
        return _page(request, status=400)
    chosen = Interest.objects.filter(code__in=form.cleaned_data["interests"], active=True)
    try:
        interests_set(member=request.member, interests=chosen)
    except OutreachError as error:
        messages.error(request, error.message)
        return _page(request, status=400)
    messages.success(request, _("Your interests have been saved."))
    return redirect("portal:interests")


@member_required
@require_POST
def interests_consent(request: PortalRequest) -> HttpResponse:
    answer = request.POST.get("given", "")
    if answer not in ("1", "0"):
        messages.error(request, _("Choose to give or to withdraw your consent."))
        return _page(request, status=400)
    given = answer == "1"
    try:
        consent_set(
            member=request.member,
            purpose=ConsentPurpose.INTERESTS,
            given=given,
            via=ConsentVia.PORTAL,
        )
    except PrivacyError as error:
        messages.error(request, error.message)
        return _page(request, status=400)
    if given:
        messages.success(request, _("You gave consent. Now choose your interests."))
    else:
        messages.success(
            request, _("You withdrew your consent. We deleted the interests you had chosen.")
        )
    return redirect("portal:interests")

"""MijnBibliotheek: Biebpanel. Joining and leaving the panel (the member's ``research_panel``
consent, the same one as on Mijn toestemmingen), what it means, the surveys open to the member,
and answering a survey in Kaft once, anonymously.

A survey is reached through the member's own invitation: another member's invitation, or one
that does not exist, answers 404 alike (:func:`_own_invitation`).
"""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from kaft.outreach.errors import OutreachError
from kaft.outreach.models import Invitation, SurveyKind
from kaft.outreach.models.panel import SCALE_POINTS
from kaft.outreach.selectors.panel import member_panel_invitations
from kaft.outreach.services.panel import survey_answerable
from kaft.outreach.services.panel_answers import MAX_TEXT_LENGTH, panel_answer
from kaft.outreach.services.panel_invitations import external_survey_url
from kaft.portal.access import PortalRequest, member_required
from kaft.portal.views.common import render_portal
from kaft.privacy.errors import PrivacyError
from kaft.privacy.models import ConsentPurpose, ConsentVia
from kaft.privacy.selectors.consent import PURPOSE_TEXTS
from kaft.privacy.services.consent import consent_given, consent_set, member_is_child

PURPOSE = ConsentPurpose.RESEARCH_PANEL


def _panel_page(request: PortalRequest, status: int = 200) -> HttpResponse:
    member = request.member
    invitations = member_panel_invitations(member)
    context = {
        "joined": consent_given(member=member, purpose=PURPOSE),
        "child": member_is_child(member),
        "texts": PURPOSE_TEXTS[PURPOSE],
        "pending": [i for i in invitations if i.answered_at is None],
        "answered": [i for i in invitations if i.answered_at is not None],
        "section": "panel",
    }
    return render_portal(request, "portal/outreach/panel_mine.html", context, status)


@never_cache
@member_required
@require_http_methods(["GET", "POST"])
def panel_mine(request: PortalRequest) -> HttpResponse:
    if request.method == "GET":
        return _panel_page(request)
    action = request.POST.get("action", "")
    if action not in ("join", "leave"):
        messages.error(request, _("Choose to join or to leave the Biebpanel."))
        return _panel_page(request, status=400)
    try:
        consent_set(
            member=request.member, purpose=PURPOSE, given=action == "join", via=ConsentVia.PORTAL
        )
    except PrivacyError as error:
        messages.error(request, error.message)
        return _panel_page(request, status=400)
    if action == "join":
        messages.success(request, _("You joined the Biebpanel. Thank you!"))
    else:
        messages.success(
            request, _("You left the Biebpanel. We will not invite you to surveys any more.")
        )
    return redirect("portal:panel")


def _own_invitation(request: PortalRequest, invitation_id: int) -> Invitation:
    """The logged-in member's own invitation ``invitation_id``, else Http404 (the same answer
    whether it does not exist or is someone else's)."""
    found = (
        Invitation.objects.select_related("survey", "survey__partner")
        .filter(pk=invitation_id, member=request.member)
        .first()
    )
    if found is None:
        raise Http404
    return found


def _survey_page(
    request: PortalRequest,
    invitation: Invitation,
    given: dict[int, str] | None = None,
    status: int = 200,
) -> HttpResponse:
    survey = invitation.survey
    context = {
        "invitation": invitation,
        "survey": survey,
        "questions": list(survey.questions.order_by("order")),
        "open": survey_answerable(survey),
        "external_url": external_survey_url(invitation) if survey.is_external else "",
        "scale": SCALE_POINTS,
        "given": given or {},
        "max_length": MAX_TEXT_LENGTH,
        "section": "panel",
    }
    return render_portal(request, "portal/outreach/panel_survey.html", context, status)


@never_cache
@member_required
@require_http_methods(["GET", "POST"])
def panel_survey(request: PortalRequest, invitation_id: int) -> HttpResponse:
    invitation = _own_invitation(request, invitation_id)
    if request.method == "GET":
        return _survey_page(request, invitation)
    if invitation.survey.kind != SurveyKind.BUILT_IN:
        return _survey_page(request, invitation, status=400)
    answers: dict[int, str] = {}
    for question in invitation.survey.questions.all():
        answers[question.pk] = request.POST.get(f"q{question.pk}", "")[: MAX_TEXT_LENGTH + 1]
    try:
        panel_answer(invitation=invitation, member=request.member, answers=answers)
    except Invitation.DoesNotExist:
        raise Http404 from None
    except OutreachError as error:
        messages.error(request, error.message)
        invitation.refresh_from_db()
        return _survey_page(request, invitation, answers, status=400)
    messages.success(request, _("Thank you for your answers!"))
    return redirect("portal:panel")

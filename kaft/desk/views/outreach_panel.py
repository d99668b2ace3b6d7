"""The desk's Biebpanel screens: the surveys, a survey with its questions, opening and closing
it, inviting the panel, and the aggregated results (also as CSV).

No screen here shows a member: the invitations are counted, never listed, and the results are
totals only, once the survey is closed and per question from five answers on; while a survey is
open its number of answers is shown only in steps of five (:mod:`kaft.outreach.selectors.panel`).
So no access-log entry is written; a survey names no member.
"""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from kaft.core import params
from kaft.desk.access import DeskRequest, desk_view
from kaft.desk.views.common import desk_render
from kaft.outreach.errors import OutreachError
from kaft.outreach.models import (
    Question,
    QuestionKind,
    Survey,
    SurveyAction,
    SurveyKind,
    SurveyStatus,
)
from kaft.outreach.selectors.panel import (
    responses_count,
    survey_results,
    survey_results_csv,
    surveys_overview,
)
from kaft.outreach.services.panel import (
    question_add,
    question_remove,
    survey_move,
    survey_save,
)
from kaft.outreach.services.panel_invitations import (
    panel_invitable,
    panel_invitations_mail_again,
    panel_invite,
)
from kaft.privacy.models import Partner


class SurveyForm(forms.Form):
    title = forms.CharField(label=gettext_lazy("Title"), max_length=200)
    intro = forms.CharField(
        label=gettext_lazy("Introduction"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=gettext_lazy("Shown above the questions and in the invitation e-mail."),
    )
    kind = forms.ChoiceField(
        label=gettext_lazy("Kind"), choices=SurveyKind.choices, widget=forms.RadioSelect
    )
    opens_on = params.DateField(label=gettext_lazy("First day"))
    closes_on = params.DateField(label=gettext_lazy("Last day"))
    partner = forms.ModelChoiceField(
        label=gettext_lazy("Partner (external survey)"),
        queryset=Partner.objects.filter(active=True),
        required=False,
        help_text=gettext_lazy(
            "From the privacy register. It receives only a pseudonymous panel id per survey."
        ),
    )
    external_url = forms.URLField(
        label=gettext_lazy("Address of the external survey"),
        required=False,
        max_length=400,
        assume_scheme="https",
    )


class QuestionForm(forms.Form):
    text = forms.CharField(label=gettext_lazy("Question"), max_length=500)
    kind = forms.ChoiceField(label=gettext_lazy("Kind"), choices=QuestionKind.choices)
    choices = forms.CharField(
        label=gettext_lazy("Choices (one per line)"),
        required=False,
        max_length=3000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=gettext_lazy("Only for a question with one choice."),
    )


def _survey(survey_id: int) -> Survey:
    return get_object_or_404(Survey.objects.select_related("partner"), pk=survey_id)


@desk_view
@require_GET
def panel_surveys(request: HttpRequest) -> HttpResponse:
    return desk_render(request, "desk/outreach/panel_surveys.html", {"rows": surveys_overview()})


def _survey_form_page(
    request: HttpRequest, form: SurveyForm, survey: Survey | None, status: int = 200
) -> HttpResponse:
    context: dict[str, Any] = {"form": form, "survey": survey}
    return desk_render(request, "desk/outreach/panel_survey_form.html", context, status)


def _survey_form_save(request: HttpRequest, survey: Survey | None) -> HttpResponse:
    desk = cast(DeskRequest, request)
    form = SurveyForm(request.POST)
    if not form.is_valid():
        return _survey_form_page(request, form, survey, status=400)
    data = form.cleaned_data
    try:
        saved = survey_save(
            survey=survey,
            title=data["title"],
            intro=data["intro"],
            kind=data["kind"],
            opens_on=data["opens_on"],
            closes_on=data["closes_on"],
            partner=data["partner"],
            external_url=data["external_url"] or "",
            staff=desk.user,
        )
    except OutreachError as error:
        form.add_error(None, error.message)
        return _survey_form_page(request, form, survey, status=400)
    messages.success(request, _("The survey was saved."))
    return redirect("desk:panel_survey", survey_id=saved.pk)


@desk_view
@require_http_methods(["GET", "POST"])
def panel_survey_new(request: HttpRequest) -> HttpResponse:
    if request.method == "POST":
        return _survey_form_save(request, None)
    return _survey_form_page(request, SurveyForm(initial={"kind": SurveyKind.BUILT_IN}), None)


@desk_view
@require_http_methods(["GET", "POST"])
def panel_survey_edit(request: HttpRequest, survey_id: int) -> HttpResponse:
    survey = _survey(survey_id)
    if request.method == "POST":
        return _survey_form_save(request, survey)
    initial = {
        "title": survey.title,
        "intro": survey.intro,
        "kind": survey.kind,
        "opens_on": survey.opens_on,
        "closes_on": survey.closes_on,
        "partner": survey.partner_id,
        "external_url": survey.external_url,
    }
    return _survey_form_page(request, SurveyForm(initial=initial), survey)


def _survey_page(
    request: HttpRequest,
    survey: Survey,
    question_form: QuestionForm | None = None,
    status: int = 200,
) -> HttpResponse:
    invitations = survey.invitations
    context: dict[str, Any] = {
        "survey": survey,
        "questions": list(survey.questions.order_by("order")),
        "question_form": question_form or QuestionForm(initial={"kind": QuestionKind.CHOICE}),
        "invited": invitations.count(),
        "answered": responses_count(survey, invitations.filter(answered_at__isnull=False).count()),
        "not_mailed": invitations.filter(mailed_at__isnull=True, answered_at__isnull=True).count(),
        "invitable": panel_invitable(survey) if survey.status == SurveyStatus.OPEN else 0,
    }
    return desk_render(request, "desk/outreach/panel_survey.html", context, status)


@desk_view
@require_GET
def panel_survey(request: HttpRequest, survey_id: int) -> HttpResponse:
    return _survey_page(request, _survey(survey_id))


@desk_view
@require_POST
def panel_question_add(request: HttpRequest, survey_id: int) -> HttpResponse:
    survey = _survey(survey_id)
    form = QuestionForm(request.POST)
    if not form.is_valid():
        return _survey_page(request, survey, form, status=400)
    data = form.cleaned_data
    try:
        question_add(
            survey=survey,
            text=data["text"],
            kind=data["kind"],
            choices=data["choices"].splitlines(),
        )
    except OutreachError as error:
        form.add_error(None, error.message)
        return _survey_page(request, survey, form, status=400)
    messages.success(request, _("The question was added."))
    return redirect("desk:panel_survey", survey_id=survey.pk)


@desk_view
@require_POST
def panel_question_remove(request: HttpRequest, survey_id: int, question_id: int) -> HttpResponse:
    survey = _survey(survey_id)
    question = get_object_or_404(Question, pk=question_id, survey=survey)
    try:
        question_remove(question=question)
    except OutreachError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("The question was removed."))
    return redirect("desk:panel_survey", survey_id=survey_id)


@desk_view
@require_POST
def panel_survey_move(request: HttpRequest, survey_id: int) -> HttpResponse:
    desk = cast(DeskRequest, request)
    survey = _survey(survey_id)
    action = request.POST.get("action", "")
    if action not in SurveyAction.values:
        messages.error(request, _("Choose to open or to close the survey."))
        return redirect("desk:panel_survey", survey_id=survey.pk)
    try:
        survey_move(survey=survey, action=SurveyAction(action), staff=desk.user)
    except OutreachError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("The survey is now: %(status)s.") % {"status": _status(survey)})
    return redirect("desk:panel_survey", survey_id=survey.pk)


def _status(survey: Survey) -> str:
    survey.refresh_from_db(fields=["status"])
    return str(SurveyStatus(survey.status).label)


@desk_view
@require_POST
def panel_survey_invite(request: HttpRequest, survey_id: int) -> HttpResponse:
    """Invite the panel as it is now; or, with ``again``, mail the invitations not mailed yet."""
    desk = cast(DeskRequest, request)
    survey = _survey(survey_id)
    if request.POST.get("again"):
        queued = panel_invitations_mail_again(survey=survey)
        messages.success(request, _("Invitations sent again: %(count)s.") % {"count": queued})
        return redirect("desk:panel_survey", survey_id=survey.pk)
    try:
        invitations = panel_invite(survey=survey, staff=desk.user)
    except OutreachError as error:
        messages.error(request, error.message)
    else:
        messages.success(
            request, _("Panel members invited: %(count)s.") % {"count": len(invitations)}
        )
    return redirect("desk:panel_survey", survey_id=survey.pk)


@desk_view
@require_GET
def panel_survey_results(request: HttpRequest, survey_id: int) -> HttpResponse:
    survey = _survey(survey_id)
    context = {"survey": survey, "results": survey_results(survey)}
    return desk_render(request, "desk/outreach/panel_results.html", context)


@desk_view
@require_GET
def panel_survey_results_csv(request: HttpRequest, survey_id: int) -> HttpResponse:
    survey = _survey(survey_id)
    response = HttpResponse(
        survey_results_csv(survey_results(survey)), content_type="text/csv; charset=utf-8"
    )
    response["Content-Disposition"] = f'attachment; filename="biebpanel-{survey.pk}.csv"'
    return response

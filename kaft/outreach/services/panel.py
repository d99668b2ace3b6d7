"""Surveys of the research panel set up at the desk: saving a survey, its questions, and moving
it through its life.

The life of a survey is one table (:data:`SURVEY_TRANSITIONS`)::

    (create) --> draft --open--> open --close--> closed

Only a draft can be changed: once members are invited, what they are asked stays as it was.
Nothing else assigns ``Survey.status``: :func:`_survey_apply` does, after
:func:`kaft.core.lifecycle.next_state` said yes. Inviting is in :mod:`.panel_invitations`,
answering in :mod:`.panel_answers`.

An external survey names its partner from the privacy register: an active one that may receive
membership data (the pseudonymous panel id is no more than "a member of the panel"), and the
address of its survey (https only: the panel id travels in it).
"""

from __future__ import annotations

import datetime as dt
from urllib.parse import urlsplit

from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from kaft.core.lifecycle import TransitionNotAllowed, next_state
from kaft.members.models import User
from kaft.outreach.errors import OutreachError
from kaft.outreach.errors.panel import PanelErrorCode
from kaft.outreach.models import (
    Question,
    QuestionKind,
    Survey,
    SurveyAction,
    SurveyKind,
    SurveyStatus,
)
from kaft.privacy.models import DataCategory, Partner

SURVEY_TRANSITIONS: dict[tuple[SurveyStatus, SurveyAction], SurveyStatus] = {
    (SurveyStatus.DRAFT, SurveyAction.OPEN): SurveyStatus.OPEN,
    (SurveyStatus.OPEN, SurveyAction.CLOSE): SurveyStatus.CLOSED,
}

MAX_QUESTIONS = 30
MAX_CHOICES = 12
# What the external survey tool receives of a member: the pseudonymous panel id only.
PANEL_ID_CATEGORY = DataCategory.MEMBERSHIP


def _partner_checked(partner: Partner | None) -> Partner:
    if partner is None:
        raise OutreachError(PanelErrorCode.EXTERNAL_NEEDS_PARTNER)
    if not partner.active:
        raise OutreachError(PanelErrorCode.PARTNER_INACTIVE)
    if PANEL_ID_CATEGORY not in (partner.categories or []):
        raise OutreachError(PanelErrorCode.PARTNER_NOT_AGREED)
    return partner


def _url_checked(url: str) -> str:
    url = url.strip()
    parts = urlsplit(url)
    if parts.scheme != "https" or not parts.netloc or len(url) > 400 or parts.fragment:
        raise OutreachError(PanelErrorCode.EXTERNAL_URL_INVALID)
    return url


def _locked_draft(survey: Survey) -> Survey:
    locked = Survey.objects.select_for_update().get(pk=survey.pk)
    if locked.status != SurveyStatus.DRAFT:
        raise OutreachError(PanelErrorCode.NOT_EDITABLE)
    return locked


@transaction.atomic
def survey_save(
    *,
    survey: Survey | None,
    title: str,
    intro: str,
    kind: SurveyKind | str,
    opens_on: dt.date,
    closes_on: dt.date,
    partner: Partner | None = None,
    external_url: str = "",
    staff: User | None,
) -> Survey:
    """Create a survey (``survey`` None) as a draft, or change a draft. Locks the survey.

    Refused (nothing written): a survey no longer a draft, no title, the last day before the
    first; for an external survey no partner, an inactive partner or one the register does not
    let receive membership data, an address that is not https. A survey in Kaft keeps no
    partner or address; a survey that becomes external loses its questions.
    """
    if survey is not None:
        survey = _locked_draft(survey)
    title = title.strip()
    if not title:
        raise OutreachError(PanelErrorCode.TEXT_MISSING)
    if closes_on < opens_on:
        raise OutreachError(PanelErrorCode.DATES_ORDER)
    kind = SurveyKind(kind)
    if kind == SurveyKind.EXTERNAL:
        partner = _partner_checked(partner)
        external_url = _url_checked(external_url)
    else:
        partner, external_url = None, ""
    if survey is None:
        survey = Survey(created_at=timezone.now(), created_by=staff)
    survey.title = title[:200]
    survey.intro = intro.strip()
    survey.kind = kind
    survey.partner = partner
    survey.external_url = external_url
    survey.opens_on = opens_on
    survey.closes_on = closes_on
    survey.save()
    if kind == SurveyKind.EXTERNAL:
        survey.questions.all().delete()
    return survey


@transaction.atomic
def question_add(
    *, survey: Survey, text: str, kind: QuestionKind | str, choices: list[str] | None = None
) -> Question:
    """Add a question at the end of a draft survey in Kaft. Locks the survey.

    ``choices`` (one per line on the form) only for a one-choice question: at least two,
    each once, empty lines dropped. Refused: not a draft, an external survey, no text, too few
    choices, too many questions."""
    locked = _locked_draft(survey)
    if locked.kind == SurveyKind.EXTERNAL:
        raise OutreachError(PanelErrorCode.QUESTIONS_EXTERNAL)
    text = text.strip()
    if not text:
        raise OutreachError(PanelErrorCode.QUESTION_TEXT_MISSING)
    kind = QuestionKind(kind)
    cleaned: list[str] = []
    if kind == QuestionKind.CHOICE:
        for choice in choices or []:
            choice = choice.strip()[:200]
            if choice and choice not in cleaned:
                cleaned.append(choice)
        if len(cleaned) < 2:
            raise OutreachError(PanelErrorCode.CHOICES_TOO_FEW)
        cleaned = cleaned[:MAX_CHOICES]
    if locked.questions.count() >= MAX_QUESTIONS:
        raise OutreachError(PanelErrorCode.TOO_MANY_QUESTIONS, max_questions=MAX_QUESTIONS)
    last = locked.questions.aggregate(last=Max("order"))["last"] or 0
    return Question.objects.create(
        survey=locked, order=last + 1, text=text[:500], kind=kind, choices=cleaned
    )


@transaction.atomic
def question_remove(*, question: Question) -> None:
    """Remove a question of a draft survey. Locks the survey."""
    _locked_draft(question.survey)
    Question.objects.filter(pk=question.pk).delete()


def _survey_apply(survey: Survey, action: SurveyAction) -> None:
    """Move a locked survey by ``action``; MOVE_NOT_ALLOWED when the table has no such move."""
    try:
        survey.status = next_state(SURVEY_TRANSITIONS, SurveyStatus(survey.status), action)
    except TransitionNotAllowed:
        raise OutreachError(
            PanelErrorCode.MOVE_NOT_ALLOWED,
            status=SurveyStatus(survey.status).label,
            action=action.label,
        ) from None


@transaction.atomic
def survey_move(*, survey: Survey, action: SurveyAction, staff: User | None) -> Survey:
    """Open or close a survey. Locks the survey. A survey in Kaft opens only with questions.
    Closing ends answering at once, also before the last day; the invitations are deleted the
    rule's days after (rule ``panel_invitations``)."""
    locked = Survey.objects.select_for_update().get(pk=survey.pk)
    if (
        action == SurveyAction.OPEN
        and locked.kind == SurveyKind.BUILT_IN
        and not locked.questions.exists()
    ):
        raise OutreachError(PanelErrorCode.NO_QUESTIONS)
    _survey_apply(locked, SurveyAction(action))
    locked.stamp_move(opened=action == SurveyAction.OPEN)
    return locked


def surveys_close_ended(*, today: dt.date | None = None) -> int:
    """Close the open surveys whose last day has passed (the daily job). Returns how many."""
    today = today or timezone.localdate()
    closed = 0
    for survey in Survey.objects.filter(status=SurveyStatus.OPEN, closes_on__lt=today):
        try:
            survey_move(survey=survey, action=SurveyAction.CLOSE, staff=None)
        except OutreachError:
            continue  # closed meanwhile
        closed += 1
    return closed


def survey_answerable(survey: Survey, *, today: dt.date | None = None) -> bool:
    """Whether members can answer ``survey`` today: open, and between its first and last day."""
    today = today or timezone.localdate()
    return survey.status == SurveyStatus.OPEN and survey.opens_on <= today <= survey.closes_on

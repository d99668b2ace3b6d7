"""Answering a survey in Kaft, once, anonymously.

The member's invitation is locked and marked answered in the same transaction in which the
response is written, so a second answer (another tab, a double click) is refused. The response
itself holds no member, no invitation and no time: only the survey and the Monday of the week
(see ``kaft/outreach/models/panel.py`` for why), and its rows have random primary keys.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping

from django.db import transaction
from django.utils import timezone

from kaft.members.models import Member
from kaft.outreach.errors import OutreachError
from kaft.outreach.errors.panel import PanelErrorCode
from kaft.outreach.models import Answer, Invitation, QuestionKind, Response, SurveyKind
from kaft.outreach.models.panel import SCALE_POINTS
from kaft.outreach.services.panel import survey_answerable
from kaft.privacy.models import ConsentPurpose
from kaft.privacy.services.consent import consent_given

MAX_TEXT_LENGTH = 1000


def week_of(day: dt.date) -> dt.date:
    """The Monday of ``day``'s week: the only date a response keeps."""
    return day - dt.timedelta(days=day.weekday())


@transaction.atomic
def panel_answer(*, invitation: Invitation, member: Member, answers: Mapping[int, str]) -> Response:
    """Write ``member``'s answers (question id → value) to the survey of ``invitation``.

    Locks the invitation. Refused (nothing written): an invitation of another member (as if it
    did not exist: Invitation.DoesNotExist), a member no longer in the panel, a survey that is
    not open today or not in Kaft, an invitation answered already, a choice or scale question
    left empty or answered outside its options, a text too long. A text question may be left
    empty."""
    locked = (
        Invitation.objects.select_for_update(of=("self",))
        .select_related("survey")
        .get(pk=invitation.pk, member=member)
    )
    survey = locked.survey
    if survey.kind != SurveyKind.BUILT_IN or not survey_answerable(survey):
        raise OutreachError(PanelErrorCode.NOT_OPEN)
    if locked.answered_at is not None:
        raise OutreachError(PanelErrorCode.ALREADY_ANSWERED)
    if not consent_given(member=member, purpose=ConsentPurpose.RESEARCH_PANEL):
        raise OutreachError(PanelErrorCode.NOT_A_PANEL_MEMBER)
    values: list[tuple[int, str]] = []
    for question in survey.questions.order_by("order"):
        value = str(answers.get(question.pk, "") or "").strip()
        if question.kind == QuestionKind.TEXT:
            if len(value) > MAX_TEXT_LENGTH:
                raise OutreachError(PanelErrorCode.ANSWER_TOO_LONG, max_length=MAX_TEXT_LENGTH)
            if value:
                values.append((question.pk, value))
            continue
        if not value:
            raise OutreachError(PanelErrorCode.ANSWER_MISSING, question=question.text)
        allowed = (
            [str(point) for point in SCALE_POINTS]
            if question.kind == QuestionKind.SCALE
            else list(question.choices or [])
        )
        if value not in allowed:
            raise OutreachError(PanelErrorCode.ANSWER_INVALID, question=question.text)
        values.append((question.pk, value))
    now = timezone.now()
    response = Response.objects.create(survey=survey, submitted_on=week_of(timezone.localdate(now)))
    Answer.objects.bulk_create(
        [Answer(response=response, question_id=pk, value=value) for pk, value in values]
    )
    locked.answered_at = now
    locked.save(update_fields=["answered_at"])
    return response

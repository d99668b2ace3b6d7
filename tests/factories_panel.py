"""A research-panel survey for the URL walks (tests/test_desk_access_log.py,
tests/test_no_server_errors.py) and a member's invitation (tests/test_portal_isolation.py)."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from kaft.members.models import Member
from kaft.outreach.models import Invitation, QuestionKind, Survey, SurveyKind, SurveyStatus

WALK_TITLE = "Biebpanel-wandeling"


def a_panel_survey_id() -> int:
    """A draft survey in Kaft with one scale question (the same one on every call)."""
    survey = Survey.objects.filter(title=WALK_TITLE).first()
    if survey is None:
        today = timezone.localdate()
        survey = Survey.objects.create(
            title=WALK_TITLE,
            kind=SurveyKind.BUILT_IN,
            opens_on=today,
            closes_on=today + dt.timedelta(days=14),
            created_at=timezone.now(),
        )
        survey.questions.create(order=1, text="Hoe tevreden bent u?", kind=QuestionKind.SCALE)
    return survey.pk


def a_panel_question_id() -> int:
    return Survey.objects.get(pk=a_panel_survey_id()).questions.values_list("pk", flat=True)[0]


def a_panel_invitation_id(member: Member) -> int:
    """``member``'s invitation to an open survey in Kaft of its own."""
    today = timezone.localdate()
    survey = Survey.objects.create(
        title=f"Biebpanel {member.pk}",
        kind=SurveyKind.BUILT_IN,
        status=SurveyStatus.OPEN,
        opens_on=today,
        closes_on=today + dt.timedelta(days=14),
        created_at=timezone.now(),
    )
    survey.questions.create(order=1, text="Hoe tevreden bent u?", kind=QuestionKind.SCALE)
    return Invitation.objects.create(survey=survey, member=member, invited_at=timezone.now()).pk

"""A Biebpanel survey with answers, for the demo library: made through the panel's own services
(members join the panel through their consent, staff create, open and invite, members answer),
so the demo shows exactly what the services allow. Answered within one transaction, so no
invitation mail goes out (an answered invitation is never mailed)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from django.db import transaction
from django.utils import timezone

from kaft.members.models import Member, User
from kaft.outreach.models import QuestionKind, Survey, SurveyAction, SurveyKind
from kaft.outreach.services.panel import question_add, survey_move, survey_save
from kaft.outreach.services.panel_answers import panel_answer
from kaft.outreach.services.panel_invitations import panel_invite
from kaft.privacy.models import ConsentPurpose, ConsentVia
from kaft.privacy.services.consent import consent_set, member_is_child

CHOICES = ["Boeken lenen", "Studeren of werken", "Activiteiten", "Krant en tijdschriften"]
# Per member in turn: (why they come, scale for the opening hours, a short text or "").
ANSWERS = [
    ("Boeken lenen", "4", "Meer Engelse romans graag."),
    ("Studeren of werken", "3", "Langer open op zaterdag."),
    ("Boeken lenen", "5", ""),
    ("Activiteiten", "4", "De voorleesochtend is fijn."),
    ("Krant en tijdschriften", "2", "Op maandag open zou fijn zijn."),
    ("Boeken lenen", "4", ""),
]


@transaction.atomic
def panel_demo_create(
    *, members: Sequence[Member], staff: User | None = None, answering: int | None = None
) -> Survey:
    """Let ``members`` (16 and older) join the panel, create and open a survey in Kaft with a
    one-choice, a scale and a short-text question, invite the panel, and let the first
    ``answering`` of them answer (all by default). With five or more answers its results show
    once the survey is closed (left open here; the demo closes it, kaft/demo/outreach.py)."""
    today = timezone.localdate()
    adults = [member for member in members if not member_is_child(member)]
    for member in adults:
        consent_set(
            member=member,
            purpose=ConsentPurpose.RESEARCH_PANEL,
            given=True,
            via=ConsentVia.PORTAL,
        )
    survey = survey_save(
        survey=None,
        title="Hoe bevalt de bibliotheek?",
        intro="Vijf minuten over waarom u komt en over onze openingstijden. Anoniem.",
        kind=SurveyKind.BUILT_IN,
        opens_on=today - dt.timedelta(days=7),
        closes_on=today + dt.timedelta(days=21),
        staff=staff,
    )
    choice = question_add(
        survey=survey,
        text="Waarvoor komt u meestal naar de bibliotheek?",
        kind=QuestionKind.CHOICE,
        choices=CHOICES,
    )
    scale = question_add(
        survey=survey,
        text="Hoe tevreden bent u over de openingstijden?",
        kind=QuestionKind.SCALE,
    )
    text = question_add(
        survey=survey, text="Wat kan er beter? (mag leeg blijven)", kind=QuestionKind.TEXT
    )
    survey = survey_move(survey=survey, action=SurveyAction.OPEN, staff=staff)
    invitations = {i.member_id: i for i in panel_invite(survey=survey, staff=staff)}
    count = len(adults) if answering is None else answering
    for index, member in enumerate(adults[:count]):
        invitation = invitations.get(member.pk)
        if invitation is None:
            continue
        why, hours, remark = ANSWERS[index % len(ANSWERS)]
        panel_answer(
            invitation=invitation,
            member=member,
            answers={choice.pk: why, scale.pk: hours, text.pk: remark},
        )
    return survey

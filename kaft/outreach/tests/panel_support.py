"""Helpers for the research-panel tests: panel members, surveys in Kaft and external ones."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone

from kaft.members.models import Member, User
from kaft.outreach.models import Question, QuestionKind, Survey, SurveyAction, SurveyKind
from kaft.outreach.services.panel import question_add, survey_move, survey_save
from kaft.privacy.models import ConsentPurpose, ConsentVia, LegalBasis, Partner
from kaft.privacy.services.consent import consent_set
from kaft.privacy.services.disclosure import partner_save
from tests.factories_consent import make_member


def panel_member(**kwargs: Any) -> Member:
    """An adult member who joined the panel."""
    member = make_member(**kwargs)
    consent_set(
        member=member, purpose=ConsentPurpose.RESEARCH_PANEL, given=True, via=ConsentVia.PORTAL
    )
    return member


def built_in_survey(
    staff: User | None = None, *, title: str = "Hoe bevalt de bibliotheek?", open_it: bool = True
) -> tuple[Survey, list[Question]]:
    """A survey in Kaft with a one-choice, a scale and a short-text question, open by default."""
    today = timezone.localdate()
    survey = survey_save(
        survey=None,
        title=title,
        intro="Vijf minuten.",
        kind=SurveyKind.BUILT_IN,
        opens_on=today,
        closes_on=today + dt.timedelta(days=14),
        staff=staff,
    )
    questions = [
        question_add(
            survey=survey, text="Waarvoor komt u?", kind=QuestionKind.CHOICE,
            choices=["Lenen", "Studeren", "Activiteiten"],
        ),
        question_add(survey=survey, text="Openingstijden?", kind=QuestionKind.SCALE),
        question_add(survey=survey, text="Wat kan beter?", kind=QuestionKind.TEXT),
    ]  # fmt: skip
    if open_it:
        survey = survey_move(survey=survey, action=SurveyAction.OPEN, staff=staff)
    return survey, questions


def research_partner(name: str = "Onderzoeksbureau Peil") -> Partner:
    return partner_save(
        partner=None,
        name=name,
        purpose="Onderzoek onder bibliotheekleden",
        legal_basis=LegalBasis.CONSENT,
        agreement_kind="processor",
        agreement_date=None,
        categories=["membership"],
    )


def external_survey(staff: User | None = None, partner: Partner | None = None) -> Survey:
    today = timezone.localdate()
    survey = survey_save(
        survey=None,
        title="Landelijk Biebpanel 2026",
        intro="",
        kind=SurveyKind.EXTERNAL,
        opens_on=today,
        closes_on=today + dt.timedelta(days=14),
        partner=partner or research_partner(),
        external_url="https://peil.example.org/s/2026?lang=nl",
        staff=staff,
    )
    return survey_move(survey=survey, action=SurveyAction.OPEN, staff=staff)


def answers_for(questions: list[Question], choice: str, scale: str, text: str) -> dict[int, str]:
    return {questions[0].pk: choice, questions[1].pk: scale, questions[2].pk: text}

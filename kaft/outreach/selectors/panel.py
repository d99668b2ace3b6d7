"""Reads of the research panel: the surveys at the desk, a member's invitations, and the results.

Results are aggregates only: per question the number of responses per choice or scale point and
the average of a scale. With fewer than :data:`~kaft.outreach.models.panel.MIN_RESPONSES`
responses no question's result is shown at all ("nog te weinig antwoorden"): a handful of answers
could point at the few who gave them. Short texts are listed from that number on too, sorted
alphabetically (not in the order they came in) and never with a date.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Count, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from kaft.members.models import Member
from kaft.outreach.models import (
    Answer,
    Invitation,
    Question,
    QuestionKind,
    Survey,
    SurveyStatus,
)
from kaft.outreach.models.panel import MIN_RESPONSES, SCALE_POINTS


def surveys_overview() -> QuerySet[Survey]:
    """Every survey with its numbers of invitations, answered invitations and responses."""
    return Survey.objects.select_related("partner").annotate(
        invited=Count("invitations", distinct=True),
        answered=Count(
            "invitations", filter=Q(invitations__answered_at__isnull=False), distinct=True
        ),
        responses_count=Count("responses", distinct=True),
    )


def member_panel_invitations(member: Member) -> list[Invitation]:
    """The member's invitations to surveys open today (answered or not), newest first."""
    today = timezone.localdate()
    return list(
        Invitation.objects.filter(
            member=member,
            survey__status=SurveyStatus.OPEN,
            survey__opens_on__lte=today,
            survey__closes_on__gte=today,
        )
        .select_related("survey", "survey__partner")
        .order_by("-invited_at", "-pk")
    )


@dataclass(frozen=True)
class Count_:
    """How many responses chose one option."""

    label: str
    count: int
    percent: int


@dataclass(frozen=True)
class QuestionResult:
    question: Question
    answered: int
    counts: list[Count_] = field(default_factory=list)
    average: Decimal | None = None
    texts: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class SurveyResults:
    survey: Survey
    responses: int
    shown: bool
    questions: list[QuestionResult]
    minimum: int = MIN_RESPONSES


def _percent(count: int, total: int) -> int:
    return int((Decimal(100 * count) / total).quantize(Decimal(1), ROUND_HALF_UP)) if total else 0


def survey_results(survey: Survey) -> SurveyResults:
    """The aggregated results of ``survey`` (see the module's docstring); with fewer than the
    minimum of responses only their number."""
    responses = survey.responses.count()
    if responses < MIN_RESPONSES:
        return SurveyResults(survey=survey, responses=responses, shown=False, questions=[])
    results = []
    for question in survey.questions.order_by("order"):
        values = list(Answer.objects.filter(question=question).values_list("value", flat=True))
        answered = len(values)
        if question.kind == QuestionKind.TEXT:
            results.append(
                QuestionResult(question=question, answered=answered, texts=sorted(values))
            )
            continue
        options = (
            [str(point) for point in SCALE_POINTS]
            if question.kind == QuestionKind.SCALE
            else list(question.choices or [])
        )
        counts = [
            Count_(option, values.count(option), _percent(values.count(option), answered))
            for option in options
        ]
        average = None
        if question.kind == QuestionKind.SCALE and answered:
            total = sum(int(value) for value in values if value.isdigit())
            average = (Decimal(total) / answered).quantize(Decimal("0.1"), ROUND_HALF_UP)
        results.append(
            QuestionResult(question=question, answered=answered, counts=counts, average=average)
        )
    return SurveyResults(survey=survey, responses=responses, shown=True, questions=results)


def survey_results_csv(results: SurveyResults) -> str:
    """The aggregates as CSV (no short texts, which are no aggregates): one row per question and
    option with its count and percentage, and a row with the average of a scale. With too few
    responses only the number of responses."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow([_("Question"), _("Answer"), _("Number"), _("Percentage")])
    writer.writerow([_("Responses"), "", results.responses, ""])
    if not results.shown:
        writer.writerow([_("Too few responses yet"), "", "", ""])
    for result in results.questions:
        text = _cell(result.question.text)
        if result.question.kind == QuestionKind.TEXT:
            writer.writerow([text, _("(answered)"), result.answered, ""])
            continue
        for count in result.counts:
            writer.writerow([text, _cell(count.label), count.count, count.percent])
        if result.average is not None:
            writer.writerow([text, _("Average"), str(result.average), ""])
    return out.getvalue()


def _cell(text: str) -> str:
    """A text as a spreadsheet shows it, never as a formula."""
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text

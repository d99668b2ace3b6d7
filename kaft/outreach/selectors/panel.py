"""Reads of the research panel: the surveys at the desk, a member's invitations, and the results.

Results are aggregates only: per question the number of answers per choice or scale point and
the average of a scale, and the short texts. Three rules keep them from pointing at a person,
all with the one threshold :data:`~kaft.outreach.models.panel.MIN_RESPONSES`:

- **Only once the survey is closed.** While it is open, results that change with every response
  would show what the newest respondent answered to anyone who looks before and after. So while
  a survey is not closed nothing of its answers is shown, and the number of responses only
  rounded down to a multiple of the threshold ("fewer than 5", "at least 10"):
  :func:`responses_count`.
- **Per question.** A question's figures (its counts, average or texts) are shown only when that
  question has at least the threshold of answers: a text question may be left empty, so five
  responses can hold one text. Below it the question says only "fewer than 5 answers", not how
  many.
- Short texts are listed sorted alphabetically (not in the order they came in) and never with a
  date.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Count, Q
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


@dataclass(frozen=True)
class ResponsesCount:
    """A number of responses as the desk may see it: ``exact`` once the survey is closed; before,
    rounded down to a multiple of :data:`MIN_RESPONSES` (0: fewer than that)."""

    number: int
    exact: bool
    minimum: int = MIN_RESPONSES


def responses_count(survey: Survey, count: int) -> ResponsesCount:
    """``count`` responses (or answered invitations) of ``survey`` as the desk may see them (see
    the module's docstring): a step of the threshold while the survey is not closed, so that the
    figure does not change with each single answer."""
    if survey.status == SurveyStatus.CLOSED:
        return ResponsesCount(number=count, exact=True)
    return ResponsesCount(number=count - count % MIN_RESPONSES, exact=False)


@dataclass(frozen=True)
class SurveyRow:
    """A survey in the desk's list, with its invitations and its answers counted."""

    survey: Survey
    invited: int
    answered: ResponsesCount


def surveys_overview() -> list[SurveyRow]:
    """Every survey with its number of invitations and of answered invitations (as
    :func:`responses_count` lets the desk see it)."""
    surveys = Survey.objects.select_related("partner").annotate(
        invited=Count("invitations", distinct=True),
        answered=Count(
            "invitations", filter=Q(invitations__answered_at__isnull=False), distinct=True
        ),
    )
    return [
        SurveyRow(
            survey=survey,
            invited=survey.invited,  # type: ignore[attr-defined]
            answered=responses_count(survey, survey.answered),  # type: ignore[attr-defined]
        )
        for survey in surveys
    ]


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
    """One question's figures; with ``shown`` False (fewer answers than the threshold) none at
    all, not even how many answers it has."""

    question: Question
    shown: bool
    answered: int = 0
    counts: list[Count_] = field(default_factory=list)
    average: Decimal | None = None
    texts: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class SurveyResults:
    """``closed``: whether results may be shown at all; ``shown``: closed and at least the
    threshold of responses. ``questions`` is empty unless ``shown``."""

    survey: Survey
    responses: ResponsesCount
    closed: bool
    shown: bool
    questions: list[QuestionResult]
    minimum: int = MIN_RESPONSES


def _percent(count: int, total: int) -> int:
    return int((Decimal(100 * count) / total).quantize(Decimal(1), ROUND_HALF_UP)) if total else 0


def survey_results(survey: Survey) -> SurveyResults:
    """The aggregated results of ``survey`` (see the module's docstring): nothing but the rounded
    number of responses while it is not closed; once closed, the figures of each question that
    has at least the threshold of answers."""
    count = survey.responses.count()
    responses = responses_count(survey, count)
    closed = survey.status == SurveyStatus.CLOSED
    if not closed or count < MIN_RESPONSES:
        return SurveyResults(
            survey=survey, responses=responses, closed=closed, shown=False, questions=[]
        )
    results = [_question_result(question) for question in survey.questions.order_by("order")]
    return SurveyResults(
        survey=survey, responses=responses, closed=True, shown=True, questions=results
    )


def _question_result(question: Question) -> QuestionResult:
    values = list(Answer.objects.filter(question=question).values_list("value", flat=True))
    answered = len(values)
    if answered < MIN_RESPONSES:  # for a text question: fewer texts than the threshold
        return QuestionResult(question=question, shown=False)
    if question.kind == QuestionKind.TEXT:
        return QuestionResult(
            question=question, shown=True, answered=answered, texts=sorted(values)
        )
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
    if question.kind == QuestionKind.SCALE:
        total = sum(int(value) for value in values if value.isdigit())
        average = (Decimal(total) / answered).quantize(Decimal("0.1"), ROUND_HALF_UP)
    return QuestionResult(
        question=question, shown=True, answered=answered, counts=counts, average=average
    )


def survey_results_csv(results: SurveyResults) -> str:
    """The aggregates as CSV (no short texts, which are no aggregates): one row per question and
    option with its count and percentage, and a row with the average of a scale. The same rules
    as the page: while the survey is open no figures at all, not even the number of responses;
    once closed, a question with too few answers says so without a number."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow([_("Question"), _("Answer"), _("Number"), _("Percentage")])
    if not results.closed:
        writer.writerow([_("Results are shown once the survey is closed."), "", "", ""])
        return out.getvalue()
    writer.writerow([_("Responses"), "", results.responses.number, ""])
    if not results.shown:
        writer.writerow([_("Too few responses"), "", "", ""])
    fewer = _("Fewer than %(minimum)s answers: not shown") % {"minimum": results.minimum}
    for result in results.questions:
        text = _cell(result.question.text)
        if not result.shown:
            writer.writerow([text, fewer, "", ""])
            continue
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

"""The research panel (*Biebpanel*): surveys staff put to the members who joined the panel.

Joining the panel is the member's ``research_panel`` consent, nothing else: there is no panel
table. A **survey** is built into Kaft (its **questions** here, answered in MijnBibliotheek) or
held by an external survey tool, a partner in the privacy register, which gets a pseudonymous
panel id per survey and member (:func:`kaft.outreach.services.panel_invitations.panel_id`). Its
life is a table (``kaft/outreach/services/panel.py``): draft → open → closed.

An **invitation** says that a member was invited, and whether they answered: that is what lets a
member answer once. It is the only panel table with a member, and it is deleted some days after
the survey closes (rule ``panel_invitations``), when the member leaves the panel (if not answered
yet) and when the member is erased.

A **response** and its **answers** are anonymous, on purpose: nothing links them to an invitation
or a member. No foreign key leads there; a response keeps only the Monday of the week it was
sent (not the day, not the time), so the moment an invitation was answered does not point at a
response; and both tables have random (UUID) primary keys, so the order of their rows does not
follow the order in which members answered. Results are shown only as totals per question,
only once the survey is closed, and per question only from :data:`MIN_RESPONSES` answers on
(:mod:`kaft.outreach.selectors.panel`).
"""

from __future__ import annotations

import uuid

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from kaft.outreach.models.staff_made import OpenedByStaff

__all__ = [
    "SurveyKind",
    "SurveyStatus",
    "SurveyAction",
    "QuestionKind",
    "Survey",
    "Question",
    "Invitation",
    "Response",
    "Answer",
]

# The one threshold of the results: a question with fewer answers than this shows no figures
# (they could point at a person), and while a survey is open its number of responses is shown
# only in steps of this size.
MIN_RESPONSES = 5
# The points of a scale question: 1 (lowest) to 5 (highest).
SCALE_POINTS = (1, 2, 3, 4, 5)


class SurveyKind(models.TextChoices):
    BUILT_IN = "built_in", _("Survey in Kaft")
    EXTERNAL = "external", _("External survey tool")


class SurveyStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    OPEN = "open", _("Open")
    CLOSED = "closed", _("Closed")


class SurveyAction(models.TextChoices):
    OPEN = "open", _("Open")
    CLOSE = "close", _("Close")


class QuestionKind(models.TextChoices):
    CHOICE = "choice", _("One choice")
    SCALE = "scale", _("Scale from 1 to 5")
    TEXT = "text", _("Short text")


class Survey(OpenedByStaff):
    """A survey of the panel (see the module's docstring)."""

    title = models.CharField(_("title"), max_length=200)
    intro = models.TextField(_("introduction"), blank=True)
    kind = models.CharField(_("kind"), max_length=10, choices=SurveyKind.choices)
    # An external survey: the partner organisation that runs it, and where its survey is.
    partner = models.ForeignKey(
        "privacy.Partner",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("partner"),
    )
    external_url = models.URLField(_("address of the survey"), max_length=500, blank=True)
    opens_on = models.DateField(_("first day"))
    closes_on = models.DateField(_("last day"))
    status = models.CharField(
        _("status"), max_length=10, choices=SurveyStatus.choices, default=SurveyStatus.DRAFT
    )

    class Meta(OpenedByStaff.Meta):
        verbose_name = _("panel survey")
        verbose_name_plural = _("panel surveys")
        ordering = ["-opens_on", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(closes_on__gte=models.F("opens_on")),
                name="outreach_survey_closes_after_opening",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_external(self) -> bool:
        return self.kind == SurveyKind.EXTERNAL


class Question(models.Model):
    """A question of a survey in Kaft. ``choices``: the options of a one-choice question."""

    survey = models.ForeignKey(
        Survey, on_delete=models.CASCADE, related_name="questions", verbose_name=_("survey")
    )
    order = models.PositiveSmallIntegerField(_("order"))
    text = models.CharField(_("question"), max_length=500)
    kind = models.CharField(_("kind"), max_length=10, choices=QuestionKind.choices)
    choices = models.JSONField(_("choices"), default=list, blank=True)

    class Meta:
        verbose_name = _("panel question")
        verbose_name_plural = _("panel questions")
        ordering = ["survey", "order"]
        constraints = [
            models.UniqueConstraint(fields=["survey", "order"], name="outreach_question_order"),
        ]

    def __str__(self) -> str:
        return self.text


class Invitation(models.Model):
    """That ``member`` was invited to ``survey``, and when they answered. Never linked to the
    answers (see the module's docstring)."""

    survey = models.ForeignKey(
        Survey, on_delete=models.CASCADE, related_name="invitations", verbose_name=_("survey")
    )
    member = models.ForeignKey(
        "members.Member",
        on_delete=models.CASCADE,
        related_name="panel_invitations",
        verbose_name=_("member"),
    )
    invited_at = models.DateTimeField(_("invited"))
    mailed_at = models.DateTimeField(_("invitation e-mailed"), null=True, blank=True)
    answered_at = models.DateTimeField(_("answered"), null=True, blank=True)

    class Meta:
        verbose_name = _("panel invitation")
        verbose_name_plural = _("panel invitations")
        ordering = ["-invited_at", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["survey", "member"], name="outreach_invitation_once"),
        ]

    def __str__(self) -> str:
        return f"{self.survey_id}/{self.pk}"


class Response(models.Model):
    """One anonymous response to a survey in Kaft: no member, no invitation, no time."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    survey = models.ForeignKey(
        Survey, on_delete=models.CASCADE, related_name="responses", verbose_name=_("survey")
    )
    # The Monday of the week it was sent: coarse on purpose (see the module's docstring).
    submitted_on = models.DateField(_("week sent"))

    class Meta:
        verbose_name = _("panel response")
        verbose_name_plural = _("panel responses")

    def __str__(self) -> str:
        return f"{self.survey_id}/{self.pk}"


class Answer(models.Model):
    """The answer of one response to one question: a choice, a scale point ("1"–"5") or text."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    response = models.ForeignKey(
        Response, on_delete=models.CASCADE, related_name="answers", verbose_name=_("response")
    )
    question = models.ForeignKey(
        Question, on_delete=models.CASCADE, related_name="answers", verbose_name=_("question")
    )
    value = models.TextField(_("answer"))

    class Meta:
        verbose_name = _("panel answer")
        verbose_name_plural = _("panel answers")
        constraints = [
            models.UniqueConstraint(fields=["response", "question"], name="outreach_answer_once"),
        ]

    def __str__(self) -> str:
        return f"{self.response_id}/{self.question_id}"

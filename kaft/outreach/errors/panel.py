"""Why a research-panel service refused: one code per reason, one message per code."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _

from kaft.core.errors import ErrorCode


class PanelErrorCode(ErrorCode):
    MOVE_NOT_ALLOWED = "panel_move_not_allowed"
    NOT_EDITABLE = "panel_not_editable"
    TEXT_MISSING = "panel_text_missing"
    DATES_ORDER = "panel_dates_order"
    EXTERNAL_NEEDS_PARTNER = "panel_external_needs_partner"
    EXTERNAL_URL_INVALID = "panel_external_url_invalid"
    PARTNER_INACTIVE = "panel_partner_inactive"
    PARTNER_NOT_AGREED = "panel_partner_not_agreed"
    NO_QUESTIONS = "panel_no_questions"
    QUESTIONS_EXTERNAL = "panel_questions_external"
    QUESTION_TEXT_MISSING = "panel_question_text_missing"
    CHOICES_TOO_FEW = "panel_choices_too_few"
    TOO_MANY_QUESTIONS = "panel_too_many_questions"
    NOT_OPEN = "panel_not_open"
    NOT_A_PANEL_MEMBER = "panel_not_a_panel_member"
    ALREADY_ANSWERED = "panel_already_answered"
    ANSWER_MISSING = "panel_answer_missing"
    ANSWER_INVALID = "panel_answer_invalid"
    ANSWER_TOO_LONG = "panel_answer_too_long"

    @classmethod
    def messages(cls) -> dict[Any, Any]:
        return {
            cls.MOVE_NOT_ALLOWED: _("A survey that is “%(status)s” cannot be “%(action)s”."),
            cls.NOT_EDITABLE: _("Only a survey that is still a draft can be changed."),
            cls.TEXT_MISSING: _("Give the survey a title."),
            cls.DATES_ORDER: _("The last day cannot be before the first day."),
            cls.EXTERNAL_NEEDS_PARTNER: _(
                "An external survey needs the partner that runs it, from the privacy register."
            ),
            cls.EXTERNAL_URL_INVALID: _(
                "Give the address of the external survey, starting with https://."
            ),
            cls.PARTNER_INACTIVE: _("This partner is not active in the privacy register."),
            cls.PARTNER_NOT_AGREED: _(
                "The privacy register does not let this partner receive membership data (the "
                "pseudonymous panel id): change the partner first."
            ),
            cls.NO_QUESTIONS: _("Add at least one question before opening the survey."),
            cls.QUESTIONS_EXTERNAL: _("An external survey has its questions in the survey tool."),
            cls.QUESTION_TEXT_MISSING: _("Type the question."),
            cls.CHOICES_TOO_FEW: _("A one-choice question needs at least two choices."),
            cls.TOO_MANY_QUESTIONS: _("A survey has at most %(max_questions)s questions."),
            cls.NOT_OPEN: _("This survey is not open."),
            cls.NOT_A_PANEL_MEMBER: _("Only members of the Biebpanel can answer."),
            cls.ALREADY_ANSWERED: _("You have already answered this survey. Thank you!"),
            cls.ANSWER_MISSING: _("Answer every question: %(question)s"),
            cls.ANSWER_INVALID: _("This is not one of the possible answers: %(question)s"),
            cls.ANSWER_TOO_LONG: _("Keep the answer under %(max_length)s characters."),
        }

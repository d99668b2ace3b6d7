"""Why a contest service refused: one code per reason, one message per code."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _

from kaft.core.errors import ErrorCode


class ContestErrorCode(ErrorCode):
    MOVE_NOT_ALLOWED = "contest_move_not_allowed"
    NOT_EDITABLE = "contest_not_editable"
    FIELD_UNKNOWN = "contest_field_unknown"
    NO_WAY_TO_REACH = "contest_no_way_to_reach"
    SHOWN_NEEDS_NAME = "contest_shown_needs_name"
    DATES_ORDER = "contest_dates_order"
    KEEP_DAYS_OUT_OF_BOUNDS = "contest_keep_days_out_of_bounds"
    WINNERS_OUT_OF_BOUNDS = "contest_winners_out_of_bounds"
    TEXT_MISSING = "contest_text_missing"
    NOT_RUNNING = "contest_not_running"
    FIELD_MISSING = "contest_field_missing"
    EMAIL_INVALID = "contest_email_invalid"
    CARD_INVALID = "contest_card_invalid"
    CARD_NEEDS_LOGIN = "contest_card_needs_login"
    ANSWER_TOO_LONG = "contest_answer_too_long"
    ALREADY_ENTERED = "contest_already_entered"
    TOO_MANY_ENTRIES = "contest_too_many_entries"
    WITHDRAW_CLOSED = "contest_withdraw_closed"
    ALREADY_DRAWN = "contest_already_drawn"
    NO_ENTRIES = "contest_no_entries"

    @classmethod
    def messages(cls) -> dict[Any, Any]:
        return {
            cls.MOVE_NOT_ALLOWED: _("A contest that is “%(status)s” cannot be “%(action)s”."),
            cls.NOT_EDITABLE: _("Only a contest that is still a draft can be changed."),
            cls.FIELD_UNKNOWN: _("A contest cannot ask for this: %(field)s."),
            cls.NO_WAY_TO_REACH: _(
                "Ask for an e-mail address or a card number: otherwise a winner cannot be told."
            ),
            cls.SHOWN_NEEDS_NAME: _("To show winners by first name and initial, ask for the name."),
            cls.DATES_ORDER: _("The last day cannot be before the first day."),
            cls.KEEP_DAYS_OUT_OF_BOUNDS: _(
                "Keep the entries from %(min_days)s to %(max_days)s days after the last day."
            ),
            cls.WINNERS_OUT_OF_BOUNDS: _("Choose from 1 to %(max_winners)s winners."),
            cls.TEXT_MISSING: _("Give the contest a title, a question and a prize."),
            cls.NOT_RUNNING: _("This contest is not open for entries."),
            cls.FIELD_MISSING: _("Fill in: %(field)s."),
            cls.EMAIL_INVALID: _("This is not an e-mail address."),
            cls.CARD_INVALID: _("This is not a card number of the library."),
            cls.CARD_NEEDS_LOGIN: _(
                "This contest asks for your card number: enter it in MijnBibliotheek, after "
                "logging in. A card number typed on the public page is not accepted."
            ),
            cls.ANSWER_TOO_LONG: _("Keep the answer under %(max_length)s characters."),
            cls.ALREADY_ENTERED: _(
                "Someone with this e-mail address or card number has already entered."
            ),
            cls.TOO_MANY_ENTRIES: _("Too many entries from here. Try again in an hour."),
            cls.WITHDRAW_CLOSED: _("The contest is closed: the entry can no longer be withdrawn."),
            cls.ALREADY_DRAWN: _("The winners of this contest have already been drawn."),
            cls.NO_ENTRIES: _("This contest has no entries to draw from."),
        }

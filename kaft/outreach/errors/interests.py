"""Why an interests service refused: one code per reason, one message per code."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _

from kaft.core.errors import ErrorCode


class InterestErrorCode(ErrorCode):
    NO_CONSENT = "interest_no_consent"
    NOT_OFFERED = "interest_not_offered"
    CODE_TAKEN = "interest_code_taken"
    CODE_INVALID = "interest_code_invalid"
    NAME_MISSING = "interest_name_missing"
    BRANCH_ONLY_FOR_ACTIVITY = "interest_branch_only_for_activity"
    NEWSLETTER_WAITING = "interest_newsletter_waiting"

    @classmethod
    def messages(cls) -> dict[Any, Any]:
        return {
            cls.NO_CONSENT: _(
                "We only keep your interests when you consent to it (Interests and "
                "recommendations)."
            ),
            cls.NOT_OFFERED: _("This interest cannot be chosen (any more)."),
            cls.CODE_TAKEN: _("There is already an interest with the code “%(taken)s”."),
            cls.CODE_INVALID: _(
                "Use only lower-case letters, digits and hyphens in the code (at most 50)."
            ),
            cls.NAME_MISSING: _("Give the interest a Dutch and an English name."),
            cls.BRANCH_ONLY_FOR_ACTIVITY: _("Only an activity takes place in one branch."),
            cls.NEWSLETTER_WAITING: _(
                "“%(interest)s” is still offered: the newsletter “%(subject)s” is scheduled "
                "or being sent to the members who chose it. Cancel that issue or choose "
                "another audience for it first."
            ),
        }

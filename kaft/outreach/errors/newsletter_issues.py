"""Why a newsletter issue service refused: one code per reason, one message per code."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _

from kaft.core.errors import ErrorCode


class IssueErrorCode(ErrorCode):
    MOVE_NOT_ALLOWED = "issue_move_not_allowed"
    NOT_EDITABLE = "issue_not_editable"
    SUBJECT_MISSING = "issue_subject_missing"
    BODY_MISSING = "issue_body_missing"
    BRANCH_MISSING = "issue_branch_missing"
    INTEREST_NOT_AVAILABLE = "issue_interest_not_available"
    INTEREST_UNKNOWN = "issue_interest_unknown"
    SCHEDULE_IN_PAST = "issue_schedule_in_past"
    IMAGE_TYPE = "issue_image_type"
    IMAGE_TOO_LARGE = "issue_image_too_large"
    NO_OWN_ADDRESS = "issue_no_own_address"
    TEST_SEND_FAILED = "issue_test_send_failed"

    @classmethod
    def messages(cls) -> dict[Any, Any]:
        return {
            cls.MOVE_NOT_ALLOWED: _("An issue that is “%(status)s” cannot be “%(action)s”."),
            cls.NOT_EDITABLE: _("Only a draft can be changed; this issue is “%(status)s”."),
            cls.SUBJECT_MISSING: _("Give the issue a subject."),
            cls.BODY_MISSING: _("The issue has no text yet."),
            cls.BRANCH_MISSING: _("Choose the branch whose subscribers get this issue."),
            cls.INTEREST_NOT_AVAILABLE: _(
                "Sending by interest is not available yet: members cannot choose interests yet."
            ),
            cls.INTEREST_UNKNOWN: _("There is no interest “%(interest)s”."),
            cls.SCHEDULE_IN_PAST: _("Choose a moment in the future to send the issue."),
            cls.IMAGE_TYPE: _("An image must be a PNG, JPEG or GIF file."),
            cls.IMAGE_TOO_LARGE: _("An image may be at most %(limit)s kB."),
            cls.NO_OWN_ADDRESS: _(
                "Your login has no e-mail address, so no test can be sent to you."
            ),
            cls.TEST_SEND_FAILED: _("The test could not be sent: the mail server refused it."),
        }

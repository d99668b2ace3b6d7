"""Why a newsletter subscription service refused (kaft/outreach/services/newsletter_subscriptions.py)."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _

from kaft.core.errors import ErrorCode


class SubscriptionErrorCode(ErrorCode):
    EMAIL_INVALID = "newsletter_email_invalid"
    MEMBER_NO_EMAIL = "newsletter_member_no_email"
    MEMBER_ERASED = "newsletter_member_erased"
    CHILD_NEEDS_GUARDIAN = "newsletter_child_needs_guardian"
    NOT_OFFERED = "newsletter_not_offered"
    ALREADY_SUBSCRIBED = "newsletter_already_subscribed"
    TOO_MANY = "newsletter_too_many"
    LINK_INVALID = "newsletter_link_invalid"
    NOT_SUBSCRIBED = "newsletter_not_subscribed"

    @classmethod
    def messages(cls) -> dict[Any, Any]:
        return {
            cls.EMAIL_INVALID: _("Enter a valid e-mail address."),
            cls.MEMBER_NO_EMAIL: _(
                "No e-mail address is recorded for this member. Add one first; the newsletter "
                "and its confirmation link go to that address."
            ),
            cls.MEMBER_ERASED: _("This account has been erased."),
            cls.CHILD_NEEDS_GUARDIAN: _(
                "Members younger than 16 cannot subscribe to the newsletter themselves: that "
                "needs the consent of a parent or guardian."
            ),
            cls.NOT_OFFERED: _("The library does not send a newsletter at the moment."),
            cls.ALREADY_SUBSCRIBED: _("This member already receives the newsletter."),
            cls.TOO_MANY: _("Too many sign-ups. Please try again later."),
            cls.LINK_INVALID: _(
                "This link does not work (any more). It may have expired or been used already."
            ),
            cls.NOT_SUBSCRIBED: _("There is no subscription to the newsletter to end."),
        }

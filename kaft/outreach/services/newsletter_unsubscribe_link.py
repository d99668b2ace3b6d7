"""The unsubscribe link in a newsletter, used (RFC 8058 one-click, or the button of its page).

A link names one subscription. Someone may unsubscribe, sign up again later, and then use the
link of an old newsletter: that link must end what they receive now, not answer "unsubscribed"
about a subscription that ended long ago while the newsletter keeps coming. Which subscription
the link stands for is :func:`~kaft.outreach.selectors.newsletter_subscriptions.subscriptions_open_for_link`.
"""

from __future__ import annotations

import datetime as dt

from kaft.outreach.errors import OutreachError
from kaft.outreach.models import Subscription
from kaft.outreach.selectors.newsletter_subscriptions import subscriptions_open_for_link
from kaft.outreach.services.newsletter_subscriptions import (
    subscription_end,
    subscription_end_member,
)
from kaft.privacy.models import ConsentVia


def subscription_end_by_link(
    *, subscription: Subscription, issue_id: int | None = None, now: dt.datetime | None = None
) -> bool:
    """End what the unsubscribe link of ``subscription`` stands for. Returns whether anything
    ended (or a member's newsletter consent was withdrawn).

    The named subscription while it is open (``issue_id``: the issue whose link was used, which
    counts one unsubscription). Once it has ended: a member's current subscription through
    :func:`subscription_end_member` (which withdraws the newsletter consent too, also when the
    consent is still given without a subscription); for an address, the open subscriptions of
    the same address (or of the member whose own address it is). Those are not counted for the
    issue: it was not sent to them. Each ending locks as :func:`subscription_end` says.
    """
    if subscription_end(
        subscription=subscription, via=ConsentVia.EMAIL_LINK, issue_id=issue_id, now=now
    ):
        return True
    named = Subscription.objects.select_related("member").filter(pk=subscription.pk).first()
    if named is None:
        return False
    if named.member is not None:
        try:
            return subscription_end_member(member=named.member, via=ConsentVia.EMAIL_LINK, now=now)
        except OutreachError:
            return False  # NOT_SUBSCRIBED: nothing open, no consent: unsubscribed already
    ended = False
    for current in subscriptions_open_for_link(named):
        # A member's subscription (their own address) withdraws their consent with it.
        if subscription_end(subscription=current, via=ConsentVia.EMAIL_LINK, now=now):
            ended = True
    return ended

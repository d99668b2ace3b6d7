"""Reads of newsletter subscriptions for the doors."""

from __future__ import annotations

from kaft.members.models import Member
from kaft.outreach.models import Subscription, SubscriptionStatus
from kaft.outreach.services.newsletter_links import unsubscribe_code_read


def subscription_of_member(member: Member) -> Subscription | None:
    """The member's subscription as MijnBibliotheek and the desk show it: the open one (pending
    or active), else the latest ended one, else None."""
    rows = Subscription.objects.filter(member=member).select_related("branch")
    open_one = rows.filter(
        status__in=[SubscriptionStatus.PENDING, SubscriptionStatus.ACTIVE]
    ).first()
    return open_one or rows.first()


def subscription_for_unsubscribe_code(code: str) -> tuple[Subscription, int | None] | None:
    """The subscription an unsubscribe link names, with the issue it came in; None for a code
    that is not genuine or a subscription that no longer exists."""
    read = unsubscribe_code_read(code)
    if read is None:
        return None
    subscription_id, issue_id = read
    subscription = Subscription.objects.filter(pk=subscription_id).first()
    if subscription is None:
        return None
    return subscription, issue_id

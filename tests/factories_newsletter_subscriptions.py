"""For the URL walks: a newsletter subscription of the member, and its unsubscribe link's code."""

from __future__ import annotations

from django.utils import timezone

from kaft.members.models import Member
from kaft.outreach.models import Subscription, SubscriptionStatus, SubscriptionVia
from kaft.outreach.services.newsletter_links import unsubscribe_code


def an_unsubscribe_code(member: Member) -> str:
    """The code of the unsubscribe link of ``member``'s (active) subscription."""
    subscription = Subscription.objects.filter(
        member=member, status__in=["pending", "active"]
    ).first()
    if subscription is None:
        now = timezone.now()
        subscription = Subscription.objects.create(
            member=member,
            status=SubscriptionStatus.ACTIVE,
            via=SubscriptionVia.PORTAL,
            requested_at=now,
            confirmed_at=now,
        )
    return unsubscribe_code(subscription.pk)

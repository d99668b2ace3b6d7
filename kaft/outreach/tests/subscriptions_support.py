"""Helpers of the newsletter-subscription tests: links out of received mails, an issue with a
delivery, and an active subscription made the way a person makes one."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from django.utils import timezone

from kaft.members.models import Member
from kaft.outreach.models import (
    Delivery,
    DeliveryStatus,
    NewsletterIssue,
    Subscription,
    SubscriptionStatus,
    SubscriptionVia,
)
from kaft.outreach.services.newsletter_subscriptions import (
    subscription_confirm,
    subscription_request_member,
)

CONFIRM_LINK = re.compile(r"https?://\S+/nieuwsbrief/bevestigen/\?t=\S+")
UNSUBSCRIBE_LINK = re.compile(r"https?://\S+/nieuwsbrief/afmelden/\S+/")


def path_of(url: str) -> str:
    """The path and query of ``url``: what a test client asks for."""
    parts = urlsplit(url)
    return parts.path + (f"?{parts.query}" if parts.query else "")


def confirm_link_in(body: str) -> str:
    found = CONFIRM_LINK.search(body)
    assert found is not None, body
    return found.group(0)


def token_of(link: str) -> str:
    from urllib.parse import parse_qs

    return parse_qs(urlsplit(link).query)["t"][0]


def active_address(address: str = "lezer@example.net") -> Subscription:
    """A confirmed subscription of someone who is no member (made directly: no mail)."""
    now = timezone.now()
    return Subscription.objects.create(
        email=address,
        status=SubscriptionStatus.ACTIVE,
        via=SubscriptionVia.PUBLIC,
        requested_at=now,
        confirmed_at=now,
    )


def active_member(member: Member, captured_links: list[str]) -> Subscription:
    """Subscribe ``member`` and confirm with the token the service made (captured from the
    mail task's argument by the caller's patch)."""
    subscription_request_member(member=member, via=SubscriptionVia.PORTAL)
    return subscription_confirm(token=token_of(captured_links[-1]))


def sent_issue_with_delivery(subscription: Subscription) -> Delivery:
    now = timezone.now()
    issue = NewsletterIssue.objects.create(
        subject="Nieuws van de bibliotheek", body="Hallo", created_at=now, sent_count=1
    )
    return Delivery.objects.create(
        issue=issue,
        subscription=subscription,
        status=DeliveryStatus.SENT,
        queued_at=now,
        sent_at=now,
        attempts=1,
    )

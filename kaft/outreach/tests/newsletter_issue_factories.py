"""Helpers for the newsletter issue tests: subscribers with and without membership, an issue
ready to send, a small real PNG."""

from __future__ import annotations

import io
from typing import Any

from django.utils import timezone
from PIL import Image

from kaft.catalog.models import Branch
from kaft.members.models import Member, StaffRole, User
from kaft.outreach.models import (
    NewsletterIssue,
    Subscription,
    SubscriptionStatus,
    SubscriptionVia,
)
from kaft.privacy.models import Consent, ConsentPurpose
from tests.factories import MemberFactory, StaffFactory


def member_subscriber(
    *, branch: Branch | None = None, consent: bool = True, **kwargs: Any
) -> Subscription:
    """An active subscription of a member with the newsletter consent given (or not)."""
    member: Member = MemberFactory.create(**kwargs)
    if consent:
        Consent.objects.create(
            member=member, purpose=ConsentPurpose.NEWSLETTER, given=True, since=timezone.now()
        )
    return Subscription.objects.create(
        member=member,
        status=SubscriptionStatus.ACTIVE,
        via=SubscriptionVia.PORTAL,
        branch=branch or member.home_branch,
        requested_at=timezone.now(),
        confirmed_at=timezone.now(),
    )


def address_subscriber(email: str, *, branch: Branch | None = None, **kwargs: Any) -> Subscription:
    """An active subscription of someone who is no member."""
    return Subscription.objects.create(
        email=email,
        status=kwargs.pop("status", SubscriptionStatus.ACTIVE),
        via=SubscriptionVia.PUBLIC,
        branch=branch,
        requested_at=timezone.now(),
        confirmed_at=timezone.now(),
        **kwargs,
    )


def marketing_staff(**kwargs: Any) -> User:
    user: User = StaffFactory.create(
        profile__role=StaffRole.ADMINISTRATOR, email="redactie@example.org", **kwargs
    )
    return user


def ready_issue(
    *, subject: str = "Nieuws uit de bieb", body: str = "Hallo **lezers**!"
) -> NewsletterIssue:
    """A draft with a subject and a text, audience all subscribers."""
    return NewsletterIssue.objects.create(
        subject=subject, body=body, created_at=timezone.now(), created_by=marketing_staff()
    )


def png_bytes(size: tuple[int, int] = (4, 3), kind: str = "PNG") -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, (200, 30, 30)).save(buffer, format=kind)
    return buffer.getvalue()

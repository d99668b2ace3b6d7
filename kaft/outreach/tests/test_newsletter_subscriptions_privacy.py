"""Privacy of newsletter subscriptions: the member's export shows them, erasure deletes them,
and the retention job deletes ended subscriptions and sign-ups never confirmed."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from kaft.outreach.models import Delivery, Subscription, SubscriptionStatus, SubscriptionVia
from kaft.outreach.tests.subscriptions_fixtures import mailed_links  # noqa: F401 - fixture
from kaft.outreach.tests.subscriptions_support import (
    active_address,
    active_member,
    sent_issue_with_delivery,
)
from kaft.privacy.models import ConsentPurpose
from kaft.privacy.services.consent import consent_given
from kaft.privacy.services.erasure import member_erase
from kaft.privacy.services.export import member_export_data
from kaft.privacy.services.retention import retention_apply
from tests.factories_consent import make_member

pytestmark = pytest.mark.django_db


def test_the_export_shows_the_members_subscription_and_deliveries(
    mailed_links: list[str],  # noqa: F811
) -> None:
    member = make_member(age=40)
    subscription = active_member(member, mailed_links)
    sent_issue_with_delivery(subscription)
    active_address()  # someone else's: not in this export
    data = member_export_data(member)
    [row] = data["categories"]["consents"]["tables"]["outreach.Subscription"]
    assert row["status"] and row["confirmed_at"]
    assert "confirm_token_hash" not in row
    [sent] = data["categories"]["messages"]["tables"]["outreach.Delivery"]
    assert sent["status"]


def test_erasure_deletes_the_members_subscriptions(mailed_links: list[str]) -> None:  # noqa: F811
    member = make_member(age=40)
    subscription = active_member(member, mailed_links)
    sent_issue_with_delivery(subscription)
    other = active_address()
    member_erase(member=member, staff=None)
    assert not Subscription.objects.filter(pk=subscription.pk).exists()
    assert not Delivery.objects.filter(subscription_id=subscription.pk).exists()
    assert Subscription.objects.filter(pk=other.pk).exists()
    assert not consent_given(member=member, purpose=ConsentPurpose.NEWSLETTER)


def test_retention_deletes_ended_and_never_confirmed_subscriptions() -> None:
    now = timezone.now()
    long_ago = now - dt.timedelta(days=40)
    ended_long_ago = active_address("oud@example.net")
    Subscription.objects.filter(pk=ended_long_ago.pk).update(
        status=SubscriptionStatus.ENDED, ended_at=long_ago
    )
    ended_lately = active_address("kort@example.net")
    Subscription.objects.filter(pk=ended_lately.pk).update(
        status=SubscriptionStatus.ENDED, ended_at=now - dt.timedelta(days=3)
    )
    never_confirmed = Subscription.objects.create(
        email="nooit@example.net",
        via=SubscriptionVia.PUBLIC,
        requested_at=now - dt.timedelta(days=8),
        confirm_token_hash="0" * 64,
    )
    waiting = Subscription.objects.create(
        email="wacht@example.net",
        via=SubscriptionVia.PUBLIC,
        requested_at=now - dt.timedelta(days=2),
        confirm_token_hash="1" * 64,
    )
    active_for_years = active_address("trouw@example.net")
    Subscription.objects.filter(pk=active_for_years.pk).update(
        requested_at=now - dt.timedelta(days=900), confirmed_at=now - dt.timedelta(days=900)
    )
    retention_apply(now=now)
    left = set(Subscription.objects.values_list("email", flat=True))
    assert left == {"kort@example.net", "wacht@example.net", "trouw@example.net"}
    assert not Subscription.objects.filter(pk__in=[ended_long_ago.pk, never_confirmed.pk]).exists()
    assert waiting.pk and ended_lately.pk

"""The newsletter in a real browser: someone who is no member signs up on the public page, the
confirmation mail arrives on a real SMTP server, the link's page confirms only when its button
is pressed, and the unsubscribe link's page ends the subscription with one button.

Located by element and address, not by wording, so the test holds in Dutch and English alike."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

import pytest
from django.core.cache import cache

from kaft.outreach.models import Subscription, SubscriptionStatus
from kaft.outreach.services.newsletter_subscriptions import newsletter_unsubscribe_url
from kaft.outreach.tests.subscriptions_support import confirm_link_in
from tests.factories import BranchFactory
from tests.smtp import smtp_server

__all__ = ["smtp_server"]
pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _on(base: str, url: str) -> str:
    """``url`` (made with KAFT_SITE_URL) on the live server."""
    parts = urlsplit(url)
    return base + parts.path + (f"?{parts.query}" if parts.query else "")


def test_sign_up_confirm_from_the_mail_and_unsubscribe(
    page: Any, live_server: Any, smtp_server: Any
) -> None:
    cache.clear()
    BranchFactory.create(code="centrum", name="Centrale Bibliotheek")
    base = live_server.url

    page.goto(f"{base}/nieuwsbrief/")
    page.locator("#id_email").fill("lezer@example.net")
    page.locator("form[action='/nieuwsbrief/'] button[type=submit]").click()
    page.wait_for_url(f"{base}/nieuwsbrief/aangevraagd/")
    subscription = Subscription.objects.get(email="lezer@example.net")
    assert subscription.status == SubscriptionStatus.PENDING

    [mail] = smtp_server.wait_for(1)
    assert mail.rcpt_tos == ["lezer@example.net"]
    page.goto(_on(base, confirm_link_in(mail.body)))
    # The token left the address bar; opening the page confirmed nothing.
    page.wait_for_url(f"{base}/nieuwsbrief/bevestigen/")
    subscription.refresh_from_db()
    assert subscription.status == SubscriptionStatus.PENDING
    page.locator("form[action='/nieuwsbrief/bevestigen/'] button[type=submit]").click()
    page.locator("[role=status]").wait_for()
    subscription.refresh_from_db()
    assert subscription.status == SubscriptionStatus.ACTIVE
    assert subscription.confirmed_at is not None

    # The link every newsletter carries: its page asks, its button ends it.
    page.goto(_on(base, newsletter_unsubscribe_url(subscription)))
    subscription.refresh_from_db()
    assert subscription.status == SubscriptionStatus.ACTIVE
    page.locator("form[action*='/nieuwsbrief/afmelden/'] button[type=submit]").click()
    page.locator("[role=status]").wait_for()
    subscription.refresh_from_db()
    assert subscription.status == SubscriptionStatus.ENDED

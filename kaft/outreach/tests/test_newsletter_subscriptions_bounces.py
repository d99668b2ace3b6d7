"""Bounces: every newsletter message has its own bounce address (VERP); the mail provider posts
bounces to ``/api/newsletter/bounces`` with a shared secret. A hard bounce marks the delivery
bounced, the subscription undeliverable and counts on the issue; a soft one, a forged address or
a wrong secret changes nothing. A new e-mail address clears the mark.

The webhook is tested over real HTTP against Django's live server, with a small client that
posts as a provider does.
"""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from kaft.members.services.account import member_email_set
from kaft.outreach.models import DeliveryStatus, NewsletterIssue, Subscription
from kaft.outreach.services.newsletter_bounces import bounce_record, bounces_from_dsn
from kaft.outreach.services.newsletter_links import bounce_address_read
from kaft.outreach.services.newsletter_subscriptions import newsletter_bounce_address
from kaft.outreach.tests.subscriptions_fixtures import (  # noqa: F401 - fixtures
    in_english,
    mailed_links,
)
from kaft.outreach.tests.subscriptions_support import (
    active_address,
    active_member,
    sent_issue_with_delivery,
)
from tests.factories_consent import make_member

SECRET = "geheim-van-de-provider-0123456789"
WEBHOOK = "/api/newsletter/bounces"


@pytest.fixture
def webhook_on(settings: Any) -> None:
    settings.KAFT_NEWSLETTER_BOUNCE_SECRET = SECRET
    settings.KAFT_NEWSLETTER_BOUNCE_DOMAIN = "bounces.example.org"


def _post(base: str, body: bytes, content_type: str, secret: str = SECRET) -> tuple[int, Any]:
    """What a mail provider does: an HTTP POST with the shared secret."""
    request = urllib.request.Request(
        base + WEBHOOK,
        data=body,
        method="POST",
        headers={"Content-Type": content_type, "Authorization": f"Bearer {secret}"},
    )
    try:
        with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310 - loopback
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as error:
        return error.code, None


def _dsn(to: str, action: str, status: str) -> bytes:
    return (
        "From: MAILER-DAEMON@mx.example.net\r\n"
        f"To: {to}\r\n"
        "Subject: Undelivered Mail Returned to Sender\r\n"
        "MIME-Version: 1.0\r\n"
        'Content-Type: multipart/report; report-type=delivery-status; boundary="B"\r\n'
        "\r\n"
        "--B\r\n"
        "Content-Type: text/plain\r\n\r\n"
        "The mail could not be delivered.\r\n"
        "--B\r\n"
        "Content-Type: message/delivery-status\r\n\r\n"
        "Reporting-MTA: dns; mx.example.net\r\n"
        "\r\n"
        "Final-Recipient: rfc822; weg@example.net\r\n"
        f"Action: {action}\r\n"
        f"Status: {status}\r\n"
        "--B--\r\n"
    ).encode()


def test_the_bounce_address_is_per_delivery_and_checked(webhook_on: None) -> None:
    address = newsletter_bounce_address(42)
    assert address.startswith("bounce+42-") and address.endswith("@bounces.example.org")
    assert bounce_address_read(address) == 42
    assert bounce_address_read(address.upper()) == 42
    assert bounce_address_read(address.replace("bounce+42-", "bounce+43-")) is None
    assert bounce_address_read(address.replace("bounces.example.org", "example.com")) is None


@pytest.mark.django_db(transaction=True)
def test_a_hard_bounce_over_http_marks_the_address_undeliverable(
    live_server: Any, webhook_on: None
) -> None:
    subscription = active_address("weg@example.net")
    delivery = sent_issue_with_delivery(subscription)
    body = json.dumps({"recipient": newsletter_bounce_address(delivery.pk), "type": "hard"})
    status, answer = _post(live_server.url, body.encode(), "application/json")
    assert (status, answer) == (200, {"received": 1, "marked": 1})
    delivery.refresh_from_db()
    subscription.refresh_from_db()
    assert delivery.status == DeliveryStatus.BOUNCED and delivery.bounced_at is not None
    assert subscription.undeliverable_at is not None
    assert NewsletterIssue.objects.get(pk=delivery.issue_id).bounced_count == 1
    # The provider posts the same bounce again: counted once.
    assert _post(live_server.url, body.encode(), "application/json")[1]["marked"] == 0
    assert NewsletterIssue.objects.get(pk=delivery.issue_id).bounced_count == 1


@pytest.mark.django_db(transaction=True)
def test_a_delivery_status_notification_is_read_too(live_server: Any, webhook_on: None) -> None:
    subscription = active_address("weg@example.net")
    delivery = sent_issue_with_delivery(subscription)
    address = newsletter_bounce_address(delivery.pk)
    soft = _post(live_server.url, _dsn(address, "delayed", "4.4.1"), "message/rfc822")
    assert soft == (200, {"received": 1, "marked": 0})
    subscription.refresh_from_db()
    assert subscription.undeliverable_at is None
    hard = _post(live_server.url, _dsn(address, "failed", "5.1.1"), "message/rfc822")
    assert hard == (200, {"received": 1, "marked": 1})
    subscription.refresh_from_db()
    assert subscription.undeliverable_at is not None


@pytest.mark.django_db(transaction=True)
def test_forged_soft_and_unauthorised_bounces_change_nothing(
    live_server: Any, webhook_on: None
) -> None:
    subscription = active_address("blijft@example.net")
    delivery = sent_issue_with_delivery(subscription)
    genuine = newsletter_bounce_address(delivery.pk)
    forged = genuine.replace(f"bounce+{delivery.pk}-", f"bounce+{delivery.pk + 1}-")
    made_up = f"bounce+{delivery.pk}-0123456789abcdef0123@bounces.example.org"
    for recipient, kind in ((forged, "hard"), (made_up, "hard"), (genuine, "soft")):
        body = json.dumps({"recipient": recipient, "type": kind}).encode()
        assert _post(live_server.url, body, "application/json") == (
            200,
            {"received": 1, "marked": 0},
        )
    hard = json.dumps({"recipient": genuine, "type": "hard"}).encode()
    assert _post(live_server.url, hard, "application/json", secret="fout")[0] == 401
    assert _post(live_server.url, b"{}", "application/json")[0] == 400
    delivery.refresh_from_db()
    subscription.refresh_from_db()
    assert delivery.status == DeliveryStatus.SENT and subscription.undeliverable_at is None
    assert NewsletterIssue.objects.get(pk=delivery.issue_id).bounced_count == 0


@pytest.mark.django_db
@pytest.mark.parametrize(
    "body", [b"[" * 200_000, b'{"recipient":' * 50_000], ids=["lists", "objects"]
)
def test_json_nested_too_deep_is_a_bad_body_not_a_server_error(
    client: Client, webhook_on: None, body: bytes
) -> None:
    subscription = active_address("blijft@example.net")
    delivery = sent_issue_with_delivery(subscription)
    response = client.post(
        WEBHOOK, body, content_type="application/json", HTTP_AUTHORIZATION=f"Bearer {SECRET}"
    )
    assert response.status_code == 400
    assert response.json() == {"error": 'expected {"recipient": "...", "type": "hard" | "soft"}'}
    delivery.refresh_from_db()
    assert delivery.status == DeliveryStatus.SENT


@pytest.mark.django_db
def test_without_a_secret_the_webhook_does_not_exist(client: Client, settings: Any) -> None:
    settings.KAFT_NEWSLETTER_BOUNCE_SECRET = ""
    response = client.post(
        WEBHOOK, "{}", content_type="application/json", HTTP_AUTHORIZATION="Bearer "
    )
    assert response.status_code == 404


def test_a_report_that_is_no_dsn_gives_nothing() -> None:
    assert bounces_from_dsn(b"Subject: hallo\r\n\r\nGewoon een mail.") == []
    assert bounces_from_dsn(b"") == []


@pytest.mark.django_db
@pytest.mark.usefixtures("in_english")
def test_the_member_sees_it_and_a_new_address_clears_it(
    client: Client,
    webhook_on: None,
    mailed_links: list[str],  # noqa: F811
) -> None:
    member = make_member(age=40, email="oud@example.org")
    subscription = active_member(member, mailed_links)
    delivery = sent_issue_with_delivery(subscription)
    assert bounce_record(recipient=newsletter_bounce_address(delivery.pk), hard=True)
    assert member.user is not None
    client.force_login(member.user, backend="kaft.members.auth.MemberCardOrEmailBackend")
    assert b"not deliverable" in client.get("/mijn/nieuwsbrief/").content

    member_email_set(member=member, email="nieuw@example.org", staff=None, now=timezone.now())
    subscription.refresh_from_db()
    assert subscription.undeliverable_at is None
    assert b"not deliverable" not in client.get("/mijn/nieuwsbrief/").content
    assert Subscription.objects.get(pk=subscription.pk).status == "active"

"""Queueing and sending an issue: fixed statements per chunk, never twice, the consent asked
again at the moment of sending, the headers and links of every mail, through a real SMTP server."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from kaft.outreach.models import (
    Delivery,
    DeliveryStatus,
    IssueAudience,
    IssueStatus,
    NewsletterIssue,
    SubscriptionStatus,
)
from kaft.outreach.services.newsletter_issues import issue_schedule, issue_send_now
from kaft.outreach.services.newsletter_links import unsubscribe_code_read
from kaft.outreach.services.newsletter_sending import (
    deliveries_send_batch,
    issue_queue,
    issues_due,
)
from kaft.outreach.tests.newsletter_issue_factories import (
    address_subscriber,
    member_subscriber,
    ready_issue,
)
from kaft.privacy.models import Consent, ConsentPurpose
from tests.factories import BranchFactory
from tests.smtp import SmtpSink, smtp_server

__all__ = ["smtp_server"]

pytestmark = pytest.mark.django_db


def _due(issue: NewsletterIssue) -> NewsletterIssue:
    """Scheduled for a minute ago (as the beat job finds it)."""
    NewsletterIssue.objects.filter(pk=issue.pk).update(
        status=IssueStatus.SCHEDULED, scheduled_for=timezone.now() - dt.timedelta(minutes=1)
    )
    issue.refresh_from_db()
    return issue


def _queue_statements(subscribers: int, chunk: int) -> int:
    issue = _due(ready_issue())
    with CaptureQueriesContext(connection) as queries:
        made = issue_queue(issue_id=issue.pk, chunk=chunk)
    assert made == subscribers
    return len(queries.captured_queries)


def test_queueing_takes_a_fixed_number_of_statements_per_chunk() -> None:
    for n in range(12):
        address_subscriber(f"lezer{n}@example.org")
    # 12 subscribers in chunks of 5: 3 chunks; of 2: 6 chunks (and the last, empty, look).
    five = _queue_statements(12, chunk=5)
    two = _queue_statements(12, chunk=2)
    one_more_chunk = _queue_statements(12, chunk=12)
    # Each chunk: the key that ends it, then one INSERT … SELECT. Whatever the chunk's size.
    assert two - five == 2 * (7 - 3)
    assert five - one_more_chunk == 2 * (3 - 2)


def test_the_insert_is_one_statement_per_chunk_whatever_its_size() -> None:
    for n in range(30):
        address_subscriber(f"lid{n}@example.org")
    issue = _due(ready_issue())
    with CaptureQueriesContext(connection) as queries:
        assert issue_queue(issue_id=issue.pk, chunk=10) == 30
    inserts = [q for q in queries.captured_queries if q["sql"].startswith("INSERT INTO")]
    assert len(inserts) == 4  # 3 full chunks and the last look that finds the rest empty
    assert Delivery.objects.filter(issue=issue, status=DeliveryStatus.QUEUED).count() == 30


def test_queueing_twice_makes_the_same_rows() -> None:
    for n in range(7):
        address_subscriber(f"twee{n}@example.org")
    issue = _due(ready_issue())
    assert issue_queue(issue_id=issue.pk, chunk=3) == 7
    before = list(Delivery.objects.order_by("pk").values_list("pk", "subscription_id"))
    assert issue_queue(issue_id=issue.pk, chunk=3) == 0  # not scheduled any more
    # Even when forced back to scheduled, the unique (issue, subscription) keeps it once.
    _due(issue)
    assert issue_queue(issue_id=issue.pk, chunk=3) == 0
    assert list(Delivery.objects.order_by("pk").values_list("pk", "subscription_id")) == before


def test_the_audience_at_the_moment_of_queueing() -> None:
    north, south = BranchFactory.create(), BranchFactory.create()
    in_north = member_subscriber(branch=north)
    address_subscriber("noord@example.org", branch=north)
    member_subscriber(branch=south)
    member_subscriber(branch=north, consent=False)  # no consent: never queued
    address_subscriber("weg@example.org", branch=north, status=SubscriptionStatus.ENDED)
    gone = address_subscriber("stuk@example.org", branch=north)
    gone.undeliverable_at = timezone.now()
    gone.save()
    issue = ready_issue()
    NewsletterIssue.objects.filter(pk=issue.pk).update(
        audience=IssueAudience.BRANCH, audience_branch=north
    )
    issue = _due(issue)
    assert issue_queue(issue_id=issue.pk) == 2
    assert in_north.pk in set(Delivery.objects.values_list("subscription_id", flat=True))


def test_a_scheduled_issue_is_due_only_at_its_time() -> None:
    issue = ready_issue()
    issue_schedule(issue=issue, send_at=timezone.now() + dt.timedelta(hours=2))
    assert issues_due() == []
    assert issues_due(now=timezone.now() + dt.timedelta(hours=3)) == [issue.pk]


def test_send_now_queues_and_sends_through_the_real_smtp_server(
    smtp_server: SmtpSink, django_capture_on_commit_callbacks: Any, settings: Any
) -> None:
    settings.KAFT_SITE_URL = "https://bieb.example"
    settings.DEFAULT_FROM_EMAIL = "nieuws@bieb.example"
    member_sub = member_subscriber(email="sanne@example.org")
    address_subscriber("piet@example.org")
    issue = ready_issue(
        body="Hallo **lezers**!\n\n<script>alert(1)</script>\n\n[Agenda](https://bieb.example/agenda)"
    )
    with django_capture_on_commit_callbacks(execute=True):
        issue_send_now(issue=issue)
    mails = smtp_server.wait_for(2)
    assert sorted(tuple(m.rcpt_tos) for m in mails) == [
        ("piet@example.org",),
        ("sanne@example.org",),
    ]
    issue.refresh_from_db()
    assert (issue.status, issue.sent_count) == (IssueStatus.SENT, 2)
    assert issue.sent_at is not None
    mail = next(m for m in mails if m.rcpt_tos == ["sanne@example.org"])
    delivery = Delivery.objects.get(subscription=member_sub)
    assert delivery.status == DeliveryStatus.SENT
    # Envelope sender: the delivery's own bounce address (VERP); From: the library.
    assert mail.mail_from.startswith(f"bounce+{delivery.pk}-")
    assert mail.mail_from.endswith("@bieb.example")
    assert "nieuws@bieb.example" in str(mail.message["From"])
    # The unsubscribe link: in the headers (RFC 8058) and visible in both parts, naming the issue.
    header = str(mail.message["List-Unsubscribe"]).strip()
    assert header.startswith("<https://bieb.example/nieuwsbrief/afmelden/")
    assert str(mail.message["List-Unsubscribe-Post"]).strip() == "List-Unsubscribe=One-Click"
    url = header.strip("<>")
    code = url.rstrip("/").rsplit("/", 1)[-1]
    assert unsubscribe_code_read(code) == (member_sub.pk, issue.pk)
    html_part = mail.message.get_body(preferencelist=("html",))
    assert html_part is not None
    html = html_part.get_content()  # type: ignore[attr-defined]
    assert f'href="{url}"' in html
    assert url in mail.body
    # No tracking: links as written, no images from elsewhere, no script.
    assert 'href="https://bieb.example/agenda"' in html
    assert "Agenda (https://bieb.example/agenda)" in mail.body
    assert "<script" not in html and "<script" not in mail.body
    assert "<img" not in html


def test_consent_withdrawn_after_queueing_is_skipped_at_send(smtp_server: SmtpSink) -> None:
    stays = member_subscriber(email="blijft@example.org")
    leaves = member_subscriber(email="stopt@example.org")
    ended = address_subscriber("afgemeld@example.org")
    issue = _due(ready_issue())
    assert issue_queue(issue_id=issue.pk) == 3
    # After queueing: one member withdraws the consent, one address unsubscribes.
    Consent.objects.filter(member=leaves.member, purpose=ConsentPurpose.NEWSLETTER).update(
        given=False
    )
    ended.status = SubscriptionStatus.ENDED
    ended.save()
    result = deliveries_send_batch(issue_id=issue.pk)
    assert (result.sent, result.skipped, result.remaining) == (1, 2, 0)
    [mail] = smtp_server.wait_for(1)
    assert mail.rcpt_tos == ["blijft@example.org"]
    assert smtp_server.wait_for(2, timeout=0.5) == [mail]
    statuses = dict(Delivery.objects.values_list("subscription_id", "status"))
    assert statuses == {
        stays.pk: DeliveryStatus.SENT,
        leaves.pk: DeliveryStatus.SKIPPED,
        ended.pk: DeliveryStatus.SKIPPED,
    }
    issue.refresh_from_db()
    assert (issue.status, issue.sent_count) == (IssueStatus.SENT, 1)


def test_the_rate_limits_each_minute(smtp_server: SmtpSink, settings: Any) -> None:
    settings.KAFT_NEWSLETTER_RATE = 3
    for n in range(5):
        address_subscriber(f"snel{n}@example.org")
    issue = _due(ready_issue())
    issue_queue(issue_id=issue.pk)
    now = timezone.now()
    first = deliveries_send_batch(issue_id=issue.pk, now=now, batch=10)
    assert (first.sent, first.remaining) == (3, 2)
    waiting = deliveries_send_batch(issue_id=issue.pk, now=now + dt.timedelta(seconds=30), batch=10)
    assert (waiting.sent, waiting.remaining) == (0, 2)
    assert waiting.wait > 0
    later = deliveries_send_batch(issue_id=issue.pk, now=now + dt.timedelta(seconds=61), batch=10)
    assert (later.sent, later.remaining) == (2, 0)
    assert len(smtp_server.wait_for(5)) == 5


def test_a_claimed_delivery_is_never_sent_again(smtp_server: SmtpSink) -> None:
    address_subscriber("een@example.org")
    issue = _due(ready_issue())
    issue_queue(issue_id=issue.pk)
    # A worker that claimed it and died: still "sending"; nobody takes it again.
    Delivery.objects.update(status=DeliveryStatus.SENDING, claimed_at=timezone.now())
    result = deliveries_send_batch(issue_id=issue.pk)
    assert result.sent == 0
    assert smtp_server.wait_for(1, timeout=0.5) == []


def test_the_beat_job_sends_a_scheduled_issue_when_it_is_due(smtp_server: SmtpSink) -> None:
    from kaft.outreach.tasks_newsletter_issues import newsletter_run

    address_subscriber("gepland@example.org")
    later = ready_issue(subject="Later")
    issue_schedule(issue=later, send_at=timezone.now() + dt.timedelta(hours=1))
    due = _due(ready_issue(subject="Nu"))
    assert newsletter_run() == 1
    [mail] = smtp_server.wait_for(1)
    assert (mail.rcpt_tos, mail.subject) == (["gepland@example.org"], "Nu")
    due.refresh_from_db()
    later.refresh_from_db()
    assert (due.status, later.status) == (IssueStatus.SENT, IssueStatus.SCHEDULED)
    assert newsletter_run() == 0
    assert smtp_server.wait_for(2, timeout=0.5) == [mail]

"""Any number of workers send an issue, each delivery exactly once: real threads with a
connection each. On PostgreSQL the claim's ``select_for_update(skip_locked=True)`` is what is
tested; on SQLite, that every transaction takes the write lock at BEGIN (IMMEDIATE)."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from typing import Any

import pytest
from django.utils import timezone

from kaft.outreach.models import Delivery, DeliveryStatus, IssueStatus, NewsletterIssue
from kaft.outreach.services.newsletter_sending import deliveries_send_batch, issue_queue
from kaft.outreach.tests.newsletter_issue_factories import address_subscriber, ready_issue
from tests.smtp import SmtpSink, smtp_server
from tests.threads import OK, run_together

__all__ = ["smtp_server"]

pytestmark = [pytest.mark.concurrency, pytest.mark.django_db(transaction=True)]

SUBSCRIBERS = 60


def _work(issue_id: int, claimed: list[int]) -> None:
    while True:
        result = deliveries_send_batch(issue_id=issue_id, batch=4)
        claimed.append(result.sent + result.skipped + result.failed)
        if not result.remaining:
            return


def test_two_workers_send_every_delivery_once(smtp_server: SmtpSink, settings: Any) -> None:
    settings.KAFT_NEWSLETTER_RATE = 10_000
    for n in range(SUBSCRIBERS):
        address_subscriber(f"werker{n}@example.org")
    issue = ready_issue()
    NewsletterIssue.objects.filter(pk=issue.pk).update(
        status=IssueStatus.SCHEDULED, scheduled_for=timezone.now() - dt.timedelta(minutes=1)
    )
    assert issue_queue(issue_id=issue.pk, chunk=25) == SUBSCRIBERS
    first: list[int] = []
    second: list[int] = []
    outcomes = run_together([lambda: _work(issue.pk, first), lambda: _work(issue.pk, second)])
    assert outcomes == [OK, OK]
    mails = smtp_server.wait_for(SUBSCRIBERS)
    received = Counter(address for mail in mails for address in mail.rcpt_tos)
    assert len(received) == SUBSCRIBERS
    assert set(received.values()) == {1}
    assert smtp_server.wait_for(SUBSCRIBERS + 1, timeout=0.5) == mails
    # Both workers did part of the work.
    assert sum(first) > 0 and sum(second) > 0
    assert sum(first) + sum(second) == SUBSCRIBERS
    assert Delivery.objects.filter(status=DeliveryStatus.SENT).count() == SUBSCRIBERS
    issue.refresh_from_db()
    assert (issue.status, issue.sent_count) == (IssueStatus.SENT, SUBSCRIBERS)

"""A newsletter issue to every member of the dataset (100,000 at 1m): queued, then a sample sent
by two workers at once.

Every member gets an active subscription and the newsletter consent (two ``INSERT … SELECT``
statements, committed: the workers need their own connections). Timed:
:func:`kaft.outreach.services.newsletter_sending.issue_queue` of one issue in chunks of
``KAFT_NEWSLETTER_QUEUE_CHUNK`` (10,000), and of a second issue in chunks of half that; the
statements per chunk follow from the two counts (the difference in statements over the
difference in chunks). Then two threads, each with its own connection, call
:func:`deliveries_send_batch` for the first issue until ``SAMPLE`` deliveries are claimed, through
Django's in-memory mail backend; every recipient must have got the issue exactly once. Everything
the measurement made is deleted afterwards.
"""

from __future__ import annotations

import datetime as dt
import threading
import time
from collections import Counter
from typing import Any

from django.conf import settings
from django.core import mail
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext, override_settings
from django.utils import timezone

from kaft.core import rawsql
from kaft.members.models import Member
from kaft.outreach.models import (
    Delivery,
    DeliveryStatus,
    IssueStatus,
    NewsletterIssue,
    Subscription,
    SubscriptionStatus,
    SubscriptionVia,
)
from kaft.outreach.services.newsletter_sending import deliveries_send_batch, issue_queue
from kaft.privacy.models import Consent, ConsentPurpose

SAMPLE = 2_000
BATCH = 50
SUBJECT = "Bench: nieuwsbrief"


def _subscribe_everyone(now: dt.datetime) -> int:
    """An active subscription and the newsletter consent for every member (two statements)."""
    stamp = connection.ops.adapt_datetimefield_value(now)
    member, sub, consent = rawsql.table(Member), rawsql.table(Subscription), rawsql.table(Consent)
    c = rawsql.column
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {consent} ({c(Consent, 'member')}, {c(Consent, 'purpose')}, "
            f"{c(Consent, 'given')}, {c(Consent, 'since')}, {c(Consent, 'by_guardian')}) "
            f"SELECT m.id, %s, %s, %s, %s FROM {member} m WHERE 1 = 1 ON CONFLICT DO NOTHING",
            [ConsentPurpose.NEWSLETTER.value, True, stamp, False],
        )
        cursor.execute(
            f"INSERT INTO {sub} ({c(Subscription, 'member')}, {c(Subscription, 'email')}, "
            f"{c(Subscription, 'status')}, {c(Subscription, 'via')}, "
            f"{c(Subscription, 'branch')}, {c(Subscription, 'language')}, "
            f"{c(Subscription, 'confirm_token_hash')}, {c(Subscription, 'requested_at')}, "
            f"{c(Subscription, 'confirmed_at')}) "
            f"SELECT m.id, '', %s, %s, m.home_branch_id, 'nl', '', %s, %s FROM {member} m "
            "WHERE 1 = 1 ON CONFLICT DO NOTHING",
            [SubscriptionStatus.ACTIVE.value, SubscriptionVia.DESK.value, stamp, stamp],
        )
    # A library's tables grow over years and the database keeps their statistics (autovacuum);
    # 100,000 rows written in one go are not known to the planner until it is told.
    with connection.cursor() as cursor:
        for table in (sub, consent):
            cursor.execute(f"ANALYZE {table}")
    return Subscription.objects.filter(status=SubscriptionStatus.ACTIVE).count()


def _issue(now: dt.datetime) -> NewsletterIssue:
    return NewsletterIssue.objects.create(
        subject=SUBJECT,
        body="# Nieuws\n\nKom **zaterdag** naar de bibliotheek.",
        status=IssueStatus.SCHEDULED,
        scheduled_for=now - dt.timedelta(minutes=1),
        created_at=now,
    )


def _queue(issue: NewsletterIssue, chunk: int) -> tuple[int, float, int]:
    with CaptureQueriesContext(connection) as queries:
        started = time.perf_counter()
        made = issue_queue(issue_id=issue.pk, chunk=chunk)
        seconds = time.perf_counter() - started
    return made, seconds, len(queries.captured_queries)


def _send_sample(issue_id: int) -> dict[str, Any]:
    claimed = [0, 0]
    errors: list[str] = []
    barrier = threading.Barrier(2)

    def work(index: int) -> None:
        try:
            barrier.wait(timeout=30)
            while sum(claimed) < SAMPLE:
                result = deliveries_send_batch(issue_id=issue_id, batch=BATCH)
                done = result.sent + result.skipped + result.failed
                if not done:
                    break
                claimed[index] += done
        except Exception as error:  # reported in the figures
            errors.append(repr(error))
        finally:
            connection.close()

    mail.outbox = []
    threads = [threading.Thread(target=work, args=(n,)) for n in range(2)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=600)
    seconds = time.perf_counter() - started
    received = Counter(address for message in mail.outbox for address in message.to)
    sent_rows = Delivery.objects.filter(issue_id=issue_id, status=DeliveryStatus.SENT).count()
    return {
        "workers": 2,
        "claimed_per_worker": claimed,
        "mails": len(mail.outbox),
        "recipients": len(received),
        "sent_twice": sum(1 for n in received.values() if n > 1),
        "delivery_rows_sent": sent_rows,
        "seconds": round(seconds, 2),
        "errors": errors,
    }


def _clean_up(since: dt.datetime) -> None:
    """Delete what the measurement made (deliveries go with their issues)."""
    c = rawsql.column
    stamp = connection.ops.adapt_datetimefield_value(since)
    with transaction.atomic(), connection.cursor() as cursor:
        issue_ids = list(
            NewsletterIssue.objects.filter(subject=SUBJECT).values_list("pk", flat=True)
        )
        if issue_ids:
            marks = rawsql.placeholders(len(issue_ids))
            cursor.execute(
                f"DELETE FROM {rawsql.table(Delivery)} WHERE {c(Delivery, 'issue')} IN ({marks})",
                issue_ids,
            )
            NewsletterIssue.objects.filter(pk__in=issue_ids).delete()
        cursor.execute(
            f"DELETE FROM {rawsql.table(Subscription)} WHERE {c(Subscription, 'requested_at')} = %s",
            [stamp],
        )
        cursor.execute(
            f"DELETE FROM {rawsql.table(Consent)} WHERE {c(Consent, 'since')} = %s "
            f"AND {c(Consent, 'purpose')} = %s",
            [stamp, ConsentPurpose.NEWSLETTER.value],
        )


def measure_newsletter() -> dict[str, Any]:
    now = timezone.now().replace(microsecond=0)
    _clean_up(now)
    try:
        subscribers = _subscribe_everyone(now)
        chunk = int(settings.KAFT_NEWSLETTER_QUEUE_CHUNK)
        first = _issue(now)
        made, seconds, statements = _queue(first, chunk)
        second = _issue(now)
        made_half, seconds_half, statements_half = _queue(second, chunk // 2)
        chunks = made // chunk + 1  # the last look finds the rest (or nothing) and stops
        chunks_half = made_half // (chunk // 2) + 1
        per_chunk = (statements_half - statements) / max(chunks_half - chunks, 1)
        with override_settings(
            EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend",
            KAFT_NEWSLETTER_RATE=1_000_000,
        ):
            sample = _send_sample(first.pk)
        return {
            "subscribers": subscribers,
            "queued": made,
            "chunk": chunk,
            "queue_seconds": round(seconds, 2),
            "statements": statements,
            "chunks": chunks,
            "queued_half_chunk": made_half,
            "queue_seconds_half_chunk": round(seconds_half, 2),
            "statements_half_chunk": statements_half,
            "chunks_half_chunk": chunks_half,
            "statements_per_chunk": per_chunk,
            "send_sample": sample,
        }
    finally:
        _clean_up(now)

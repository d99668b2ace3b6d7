"""Queueing and sending a newsletter issue: one delivery per subscription, sent once, at a rate.

**Queueing** (:func:`issue_queue`) makes a :class:`Delivery` for every subscription in the audience
at that moment (kaft/outreach/selectors/newsletter_audience.py), in chunks of
``KAFT_NEWSLETTER_QUEUE_CHUNK`` subscriptions, each chunk two statements whatever its size: the key
that ends the chunk, then ``INSERT … SELECT`` of the chunk's deliveries with ``ON CONFLICT DO
NOTHING`` on the unique (issue, subscription). Queueing again adds nothing; the whole queueing is
one transaction, so a crash leaves the issue scheduled, to be queued again whole.

**Sending** (:func:`deliveries_send_batch`, run by any number of Celery workers) claims a batch of
queued deliveries: under a lock of the issues being sent, so that the rate holds across workers,
it counts the deliveries claimed in the last minute (``KAFT_NEWSLETTER_RATE`` per minute is the
most), takes at most what is left of that with ``select_for_update(skip_locked=True)`` and marks
them ``sending`` before the transaction ends. A claimed delivery is never claimed again, so no
subscriber gets an issue twice, even when a worker dies mid-batch (its claimed deliveries stay
``sending`` and are given up after an hour: "may or may not have gone out", never retried).
SQLite has no row locks, but Kaft's SQLite transactions take the one write lock at BEGIN
(``transaction_mode=IMMEDIATE``), so claims take turns there too; one worker is enough there.

Right before the batch goes out, each delivery is checked again: the subscription still active and
deliverable, and for a member the newsletter consent still given (the exact rule, with a
guardian's yes lapsing at 16: :func:`member_ids_with_consent`); for an issue "by interest" also the
interests consent (the same rule) and the interest still chosen. Otherwise it is ``skipped``.
A batch is a fixed number of statements whatever its size (two more for an issue by interest).
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass

from django.conf import settings
from django.core.mail import get_connection
from django.db import connection, transaction
from django.db.models import F, Max
from django.utils import timezone

from kaft.core import rawsql
from kaft.core.errors import DomainError
from kaft.outreach.models import (
    Delivery,
    DeliveryStatus,
    IssueAudience,
    IssueStatus,
    NewsletterIssue,
    Subscription,
    SubscriptionStatus,
)
from kaft.outreach.selectors.newsletter_audience import (
    issue_audience_for_queue,
    members_still_in_interest_audience,
)
from kaft.outreach.services.newsletter_issues import (
    IssueAction,
    issue_move,
    issue_preview,
    newsletter_message,
)
from kaft.outreach.services.newsletter_links import (
    newsletter_bounce_address,
    newsletter_list_headers,
    newsletter_unsubscribe_url,
)
from kaft.privacy.models import ConsentPurpose
from kaft.privacy.services.consent import member_ids_with_consent

logger = logging.getLogger(__name__)

# A worker that claimed a batch and never finished it: after this its deliveries are given up.
STALE_CLAIM = dt.timedelta(hours=1)
# How often a failed delivery (the mail server refused or was away) is tried.
MAX_ATTEMPTS = 3


def issue_queue(*, issue_id: int, now: dt.datetime | None = None, chunk: int | None = None) -> int:
    """Queue a scheduled issue that is due: its deliveries, then status ``sending``. Returns the
    number of deliveries made (0 when the issue is not scheduled and due: a second call, or one
    cancelled meanwhile). An issue whose audience is refused now (an interest no longer offered)
    is not queued but put back to a draft (``IssueAction.HALT``), logged, and 0 returned."""
    now = now or timezone.now()
    chunk = chunk or int(settings.KAFT_NEWSLETTER_QUEUE_CHUNK)
    with transaction.atomic():
        issue = (
            NewsletterIssue.objects.select_for_update()
            .filter(pk=issue_id, status=IssueStatus.SCHEDULED, scheduled_for__lte=now)
            .first()
        )
        if issue is None:
            return 0
        try:
            audience, doubles = issue_audience_for_queue(issue)
            audience = audience.order_by()
        except DomainError as error:
            # The audience is refused now (the interest is no longer offered): this issue goes
            # back to a draft that the desk shows as not sent; nothing is queued.
            issue_move(issue, IssueAction.HALT)
            issue.save(update_fields=["status"])
            logger.warning("newsletter issue %s not sent: %s", issue_id, error.code)
            return 0
        delivery = rawsql.table(Delivery)
        insert_head = (
            f"INSERT INTO {delivery} ({rawsql.column(Delivery, 'issue')}, "
            f"{rawsql.column(Delivery, 'subscription')}, {rawsql.column(Delivery, 'status')}, "
            f"{rawsql.column(Delivery, 'queued_at')}, {rawsql.column(Delivery, 'attempts')}) "
            "SELECT %s, chunk.subscription_key, %s, %s, 0 FROM ("
        )
        # "WHERE 1 = 1" before ON CONFLICT: SQLite needs it to parse INSERT … SELECT … ON CONFLICT.
        insert_tail = ") chunk WHERE 1 = 1 ON CONFLICT DO NOTHING"
        queued_at = connection.ops.adapt_datetimefield_value(now)
        made = 0
        after = 0
        while True:
            # 1: the key that ends this chunk (None: the rest is the last chunk).
            end = (
                audience.filter(pk__gt=after)
                .order_by("pk")
                .values_list("pk", flat=True)[chunk - 1 : chunk]
                .first()
            )
            rows = audience.filter(pk__gt=after)
            if end is not None:
                rows = rows.filter(pk__lte=end)
            # One copy per address: the doubles found once above stay out.
            left_out = [pk for pk in doubles if pk > after and (end is None or pk <= end)]
            if left_out:
                rows = rows.exclude(pk__in=left_out)
            select_sql, select_params = (
                rows.annotate(subscription_key=F("pk"))
                .values_list("subscription_key")
                .query.sql_with_params()
            )
            # 2: the chunk's deliveries.
            with connection.cursor() as cursor:
                cursor.execute(
                    insert_head + select_sql + insert_tail,
                    [issue.pk, DeliveryStatus.QUEUED.value, queued_at, *select_params],
                )
                made += max(cursor.rowcount, 0)
            if end is None:
                break
            after = end
        issue_move(issue, IssueAction.QUEUE)
        issue.queued_at = now
        issue.save(update_fields=["status", "queued_at"])
    logger.info("newsletter issue %s queued: %s deliveries", issue_id, made)
    return made


def issues_due(*, now: dt.datetime | None = None) -> list[int]:
    """Keys of the scheduled issues whose time has come."""
    return list(
        NewsletterIssue.objects.filter(
            status=IssueStatus.SCHEDULED, scheduled_for__lte=now or timezone.now()
        )
        .order_by("scheduled_for", "pk")
        .values_list("pk", flat=True)
    )


@dataclass(frozen=True)
class BatchResult:
    sent: int = 0
    skipped: int = 0
    failed: int = 0
    # Deliveries of the issue still queued after this batch.
    remaining: int = 0
    # Seconds to wait before the next batch (the rate's minute is used up); 0: go on.
    wait: float = 0.0


def rate_budget(*, now: dt.datetime) -> int:
    """How many more deliveries may be claimed in this minute (all issues together)."""
    window = now - dt.timedelta(minutes=1)
    used = Delivery.objects.filter(claimed_at__gt=window).count()
    return int(settings.KAFT_NEWSLETTER_RATE) - used


def _claim(issue_id: int, *, batch: int, now: dt.datetime) -> tuple[list[int], float]:
    """Claim up to ``batch`` queued deliveries of the issue within the rate. Returns the claimed
    keys and, when the rate's minute is used up, how long to wait."""
    with transaction.atomic():
        # The issues being sent, locked in key order: claims take turns, so the count of the
        # last minute is exact when several workers claim at once.
        list(
            NewsletterIssue.objects.select_for_update()
            .filter(status=IssueStatus.SENDING)
            .order_by("pk")
            .values_list("pk", flat=True)
        )
        budget = min(batch, rate_budget(now=now))
        if budget <= 0:
            return [], 60.0 * batch / max(int(settings.KAFT_NEWSLETTER_RATE), 1)
        ids = list(
            Delivery.objects.select_for_update(skip_locked=True)
            .filter(issue_id=issue_id, status=DeliveryStatus.QUEUED)
            .order_by("pk")
            .values_list("pk", flat=True)[:budget]
        )
        if ids:
            Delivery.objects.filter(pk__in=ids, status=DeliveryStatus.QUEUED).update(
                status=DeliveryStatus.SENDING, claimed_at=now, attempts=F("attempts") + 1
            )
    return ids, 0.0


def _address(
    subscription: Subscription, consented: set[int], *, members_only: bool = False
) -> str | None:
    """Where this delivery goes right now, or None when it must not be sent any more.
    ``consented``: the members whose consents (all the issue needs) still count now;
    ``members_only``: the audience has members only (by interest)."""
    if subscription.status != SubscriptionStatus.ACTIVE or subscription.undeliverable_at:
        return None
    member = subscription.member
    if member is None:
        return None if members_only else (subscription.email or None)
    if member.erased_at is not None or member.pk not in consented:
        return None
    return member.email or None


def deliveries_send_batch(
    *, issue_id: int, now: dt.datetime | None = None, batch: int | None = None
) -> BatchResult:
    """Claim and send one batch of the issue's deliveries (see the module's docstring)."""
    now = now or timezone.now()
    batch = batch or int(settings.KAFT_NEWSLETTER_BATCH)
    issue = NewsletterIssue.objects.filter(pk=issue_id, status=IssueStatus.SENDING).first()
    if issue is None:
        return BatchResult()
    ids, wait = _claim(issue_id, batch=batch, now=now)
    if not ids:
        remaining = _queued(issue_id)
        if not remaining:
            issue_finish_if_done(issue_id=issue_id, now=now)
        return BatchResult(remaining=remaining, wait=wait)
    deliveries = list(
        Delivery.objects.filter(pk__in=ids)
        .select_related("subscription", "subscription__member")
        .order_by("pk")
    )
    # The consent, asked now for the whole batch (one query), right before sending.
    member_ids = [d.subscription.member_id for d in deliveries if d.subscription.member_id]
    consented = member_ids_with_consent(ConsentPurpose.NEWSLETTER, member_ids)
    by_interest = issue.audience == IssueAudience.INTEREST
    if by_interest:
        # "By interest": also the interests consent and the interest itself, asked now (two
        # queries): a member who withdrew it since the queueing gets nothing.
        consented &= members_still_in_interest_audience(issue, member_ids)
    rendered = issue_preview(issue)
    sent: list[int] = []
    skipped: list[int] = []
    retry: list[int] = []
    failed: list[int] = []
    mail = get_connection(fail_silently=False)
    try:
        for delivery in deliveries:
            address = _address(delivery.subscription, consented, members_only=by_interest)
            if address is None:
                skipped.append(delivery.pk)
                continue
            message = newsletter_message(
                issue=issue,
                rendered=rendered,
                to=address,
                unsubscribe_url=newsletter_unsubscribe_url(
                    delivery.subscription, issue_id=issue.pk
                ),
                headers=newsletter_list_headers(delivery.subscription, issue_id=issue.pk),
                envelope_sender=newsletter_bounce_address(delivery.pk),
            )
            message.connection = mail
            try:
                message.send(fail_silently=False)
            except Exception as exc:  # recorded and tried again later, never raised
                logger.warning("newsletter delivery %s failed: %s", delivery.pk, type(exc).__name__)
                (retry if delivery.attempts < MAX_ATTEMPTS else failed).append(delivery.pk)
                mail.close()
                continue
            sent.append(delivery.pk)
    finally:
        mail.close()
    with transaction.atomic():
        Delivery.objects.filter(pk__in=sent).update(status=DeliveryStatus.SENT, sent_at=now)
        Delivery.objects.filter(pk__in=skipped).update(status=DeliveryStatus.SKIPPED)
        Delivery.objects.filter(pk__in=failed).update(status=DeliveryStatus.FAILED)
        Delivery.objects.filter(pk__in=retry).update(status=DeliveryStatus.QUEUED)
        if sent:
            NewsletterIssue.objects.filter(pk=issue_id).update(
                sent_count=F("sent_count") + len(sent)
            )
    remaining = _queued(issue_id)
    if not remaining:
        issue_finish_if_done(issue_id=issue_id, now=now)
    return BatchResult(
        sent=len(sent), skipped=len(skipped), failed=len(failed), remaining=remaining
    )


def _queued(issue_id: int) -> int:
    return Delivery.objects.filter(issue_id=issue_id, status=DeliveryStatus.QUEUED).count()


def issue_finish_if_done(*, issue_id: int, now: dt.datetime | None = None) -> bool:
    """Mark a ``sending`` issue ``sent`` once none of its deliveries is queued or being sent."""
    now = now or timezone.now()
    with transaction.atomic():
        issue = (
            NewsletterIssue.objects.select_for_update()
            .filter(pk=issue_id, status=IssueStatus.SENDING)
            .first()
        )
        if issue is None:
            return False
        busy = Delivery.objects.filter(
            issue_id=issue_id, status__in=[DeliveryStatus.QUEUED, DeliveryStatus.SENDING]
        ).exists()
        if busy:
            return False
        issue_move(issue, IssueAction.FINISH)
        issue.sent_at = now
        issue.save(update_fields=["status", "sent_at"])
    return True


def issues_sending_stalled(*, now: dt.datetime | None = None) -> list[int]:
    """The safety net of the beat job: give up deliveries a dead worker left ``sending`` for an
    hour, finish issues with nothing left, and return the issues that still have queued
    deliveries but saw no claim in the last two minutes (their sending chain was lost)."""
    now = now or timezone.now()
    Delivery.objects.filter(status=DeliveryStatus.SENDING, claimed_at__lt=now - STALE_CLAIM).update(
        status=DeliveryStatus.FAILED
    )
    stalled: list[int] = []
    for issue_id in NewsletterIssue.objects.filter(status=IssueStatus.SENDING).values_list(
        "pk", flat=True
    ):
        if not _queued(issue_id):
            issue_finish_if_done(issue_id=issue_id, now=now)
            continue
        last = Delivery.objects.filter(issue_id=issue_id).aggregate(last=Max("claimed_at"))["last"]
        if last is None or last < now - dt.timedelta(minutes=2):
            stalled.append(issue_id)
    return stalled

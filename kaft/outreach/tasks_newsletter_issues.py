"""Celery tasks of newsletter issues: queue an issue, send its deliveries batch by batch at the
configured rate, and the beat job that picks up scheduled issues and lost sending chains. Each
only calls services and is safe to run twice (a delivery is claimed once, an issue queued once)."""

from __future__ import annotations

import logging

from celery import current_app, shared_task
from django.conf import settings

logger = logging.getLogger(__name__)


@shared_task(name="kaft.outreach.tasks_newsletter_issues.newsletter_queue_issue")
def newsletter_queue_issue(issue_id: int) -> int:
    """Queue one issue (when it is scheduled and due), then start its sending."""
    from kaft.outreach.services.newsletter_sending import issue_queue

    made = issue_queue(issue_id=issue_id)
    if made:
        newsletter_sending_start(issue_id)
    return made


def newsletter_sending_start(issue_id: int) -> None:
    """Start ``KAFT_NEWSLETTER_PARALLEL`` sending chains for the issue: any number of workers
    share them, and the rate holds whatever their number (the claim counts the last minute)."""
    for _chain in range(max(int(settings.KAFT_NEWSLETTER_PARALLEL), 1)):
        newsletter_send_batch.delay(issue_id)


@shared_task(name="kaft.outreach.tasks_newsletter_issues.newsletter_send_batch")
def newsletter_send_batch(issue_id: int) -> int:
    """Send one batch of the issue; while deliveries are left, schedule the next batch (after the
    wait the rate asks for). Run eagerly (tests, KAFT_TASKS_EAGER) it loops until the minute's
    rate is used up and leaves the rest to the beat job."""
    from kaft.outreach.services.newsletter_sending import deliveries_send_batch

    sent = 0
    while True:
        result = deliveries_send_batch(issue_id=issue_id)
        sent += result.sent
        if not result.remaining:
            return sent
        if current_app.conf.task_always_eager:
            if result.wait:
                return sent
            continue
        newsletter_send_batch.apply_async((issue_id,), countdown=result.wait)
        return sent


@shared_task(name="kaft.outreach.tasks_newsletter_issues.newsletter_run")
def newsletter_run() -> int:
    """Beat job (every minute): queue the scheduled issues whose time has come, and restart the
    sending of issues whose chain was lost (a worker restarted). Returns the issues queued."""
    from kaft.outreach.services.newsletter_sending import issues_due, issues_sending_stalled

    queued = 0
    # Each due issue on its own: one that cannot be queued never holds back the others, nor
    # the restart of stalled sending below. (A refused audience is handled by the queueing
    # itself: the issue becomes a draft again.) Anything else is logged, and raised at the end.
    failure: Exception | None = None
    for issue_id in issues_due():
        try:
            queued += 1 if newsletter_queue_issue(issue_id) else 0
        except Exception as exc:
            logger.exception("newsletter issue %s could not be queued", issue_id)
            failure = failure or exc
    for issue_id in issues_sending_stalled():
        newsletter_send_batch.delay(issue_id)
    if failure is not None:
        raise failure
    return queued

"""Reads of newsletter issues: the desk's list with each issue's results, and the public
archive (sent issues only, nothing about who received them)."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Count, Q, QuerySet

from kaft.outreach.models import DeliveryStatus, IssueStatus, NewsletterIssue


@dataclass(frozen=True)
class IssueResults:
    """What an issue did: sent, bounced and unsubscribed through its link. No opens, no clicks:
    Kaft does not track them."""

    queued: int
    sent: int
    skipped: int
    failed: int
    bounced: int
    unsubscribed: int


def issues_for_desk() -> QuerySet[NewsletterIssue]:
    """Every issue, newest first, with the counters kept on the issue (no count over the
    deliveries: an issue to 100,000 subscribers has 100,000 of them)."""
    return NewsletterIssue.objects.select_related("created_by", "audience_branch").defer("body")


def issue_results(issue: NewsletterIssue) -> IssueResults:
    """The results of ``issue``. Sent and unsubscribed are counters on the issue (kept when the
    deliveries are gone); bounced is the larger of its counter and the bounced deliveries."""
    counts = issue.deliveries.aggregate(
        queued=Count("pk", filter=Q(status__in=[DeliveryStatus.QUEUED, DeliveryStatus.SENDING])),
        skipped=Count("pk", filter=Q(status=DeliveryStatus.SKIPPED)),
        failed=Count("pk", filter=Q(status=DeliveryStatus.FAILED)),
        bounced=Count("pk", filter=Q(status=DeliveryStatus.BOUNCED)),
    )
    return IssueResults(
        queued=counts["queued"],
        sent=issue.sent_count,
        skipped=counts["skipped"],
        failed=counts["failed"],
        bounced=max(issue.bounced_count, counts["bounced"]),
        unsubscribed=issue.unsubscribed_count,
    )


def archive_issues() -> QuerySet[NewsletterIssue]:
    """The public archive: sent issues, newest first; only subject, text and date are read."""
    return (
        NewsletterIssue.objects.filter(status=IssueStatus.SENT)
        .only("pk", "subject", "body", "sent_at")
        .order_by("-sent_at", "-pk")
    )


def archive_issue(issue_id: int) -> NewsletterIssue | None:
    """One sent issue for the archive; None for anything not sent (drafts stay unseen)."""
    return archive_issues().filter(pk=issue_id).first()

"""Newsletter issues for the URL walks: a sent issue with an image (public archive), its image's
public name."""

from __future__ import annotations

from django.utils import timezone

from kaft.outreach.models import IssueStatus, NewsletterImage, NewsletterIssue
from kaft.outreach.services.newsletter_issues import image_url

# A 1×1 transparent GIF.
GIF = (
    b"GIF89a\x01\x00\x01\x00\x80\x00\x00\x00\x00\x00\xff\xff\xff!\xf9\x04\x01\x00\x00\x00\x00"
    b",\x00\x00\x00\x00\x01\x00\x01\x00\x00\x02\x02D\x01\x00;"
)


def a_newsletter_image() -> NewsletterImage:
    """An image of a sent issue (made once; the same each call)."""
    issue = NewsletterIssue.objects.filter(subject="Nieuwsbrief december").first()
    if issue is None:
        now = timezone.now()
        issue = NewsletterIssue.objects.create(
            subject="Nieuwsbrief december",
            body="Fijne feestdagen!",
            status=IssueStatus.SENT,
            created_at=now,
            sent_at=now,
        )
    image = issue.images.first()
    if image is None:
        image = NewsletterImage.objects.create(
            issue=issue,
            name="kerst.gif",
            content_type="image/gif",
            data=GIF,
            size=len(GIF),
            uploaded_at=timezone.now(),
        )
    return image


def a_newsletter_issue_id() -> int:
    return a_newsletter_image().issue_id


def a_newsletter_image_id() -> int:
    return a_newsletter_image().pk


def a_newsletter_image_name() -> str:
    return image_url(a_newsletter_image()).rsplit("/", 1)[-1]

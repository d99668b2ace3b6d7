"""Newsletter issues at the desk: write a draft, add images, preview, try it out on yourself,
choose the audience, schedule or send now, cancel a scheduled one.

An issue's lifecycle is :data:`TRANSITIONS`; :func:`issue_move` applies it. Only a draft can be
changed: what is scheduled is what goes out (cancel it to change it again). Queueing and sending
are in :mod:`kaft.outreach.services.newsletter_sending`. Services that change an issue lock its
row first (``select_for_update``) so that a beat job queueing it and a member of staff cancelling
it at the same moment cannot both win.
"""

from __future__ import annotations

import datetime as dt
import io
from email.utils import formataddr

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.db.models import TextChoices
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext as _
from PIL import Image, UnidentifiedImageError

from kaft.catalog.models import Branch
from kaft.core.library import library
from kaft.core.lifecycle import TransitionNotAllowed, next_state
from kaft.core.params import id_from
from kaft.members.models import User
from kaft.outreach.errors import OutreachError
from kaft.outreach.errors.newsletter_issues import IssueErrorCode
from kaft.outreach.models import IssueAudience, IssueStatus, NewsletterImage, NewsletterIssue
from kaft.outreach.selectors.newsletter_audience import audience_check
from kaft.outreach.services.newsletter_render import Rendered, markdown_render


class IssueAction(TextChoices):
    SCHEDULE = "schedule", _("scheduled")
    CANCEL = "cancel", _("cancelled")
    DISCARD = "discard", _("discarded")
    QUEUE = "queue", _("queued")
    FINISH = "finish", _("finished")
    # The beat job could not queue a due issue (its audience was refused): back to a draft.
    HALT = "halt", _("stopped")


TRANSITIONS: dict[tuple[str, str], str] = {
    (IssueStatus.DRAFT, IssueAction.SCHEDULE): IssueStatus.SCHEDULED,
    (IssueStatus.DRAFT, IssueAction.DISCARD): IssueStatus.CANCELLED,
    # Cancelling a scheduled issue takes it back to a draft: nothing was sent yet.
    (IssueStatus.SCHEDULED, IssueAction.CANCEL): IssueStatus.DRAFT,
    (IssueStatus.SCHEDULED, IssueAction.QUEUE): IssueStatus.SENDING,
    # A due issue whose audience is refused when it is queued (the interest is no longer
    # offered): a draft again, nothing sent; ``scheduled_for`` is kept, so the desk shows it as
    # "not sent" until it is scheduled again.
    (IssueStatus.SCHEDULED, IssueAction.HALT): IssueStatus.DRAFT,
    (IssueStatus.SENDING, IssueAction.FINISH): IssueStatus.SENT,
}

# What an uploaded image may be (Pillow's format name → media type, file extension). Never SVG:
# it can carry script.
IMAGE_FORMATS = {
    "PNG": ("image/png", "png"),
    "JPEG": ("image/jpeg", "jpg"),
    "GIF": ("image/gif", "gif"),
}


def issue_move(issue: NewsletterIssue, action: IssueAction) -> None:
    """Set ``issue``'s status by the table (the caller saves); refuse a move it does not allow."""
    try:
        issue.status = next_state(TRANSITIONS, issue.status, action)
    except TransitionNotAllowed:
        raise OutreachError(
            IssueErrorCode.MOVE_NOT_ALLOWED,
            status=IssueStatus(issue.status).label,
            action=action.label,
        ) from None


def _locked(issue: NewsletterIssue) -> NewsletterIssue:
    return NewsletterIssue.objects.select_for_update().get(pk=issue.pk)


def _draft_locked(issue: NewsletterIssue) -> NewsletterIssue:
    locked = _locked(issue)
    if locked.status != IssueStatus.DRAFT:
        raise OutreachError(IssueErrorCode.NOT_EDITABLE, status=IssueStatus(locked.status).label)
    return locked


def issue_create(
    *,
    staff: User,
    subject: str,
    body: str = "",
    audience: str = IssueAudience.ALL,
    audience_branch: Branch | None = None,
    audience_interest: str = "",
    now: dt.datetime | None = None,
) -> NewsletterIssue:
    """A new draft written by ``staff`` with its audience (all subscribers unless chosen).

    Everything is checked before the one write: a refused subject or audience (as
    :func:`issue_update` refuses it) leaves no draft behind."""
    subject = subject.strip()
    if not subject:
        raise OutreachError(IssueErrorCode.SUBJECT_MISSING)
    audience = IssueAudience(audience)
    branch_id = audience_branch.pk if audience_branch is not None else None
    audience_check(audience=audience, branch_id=branch_id, interest=audience_interest)
    return NewsletterIssue.objects.create(
        subject=subject,
        body=body,
        audience=audience,
        audience_branch=audience_branch if audience == IssueAudience.BRANCH else None,
        audience_interest=audience_interest if audience == IssueAudience.INTEREST else "",
        created_at=now or timezone.now(),
        created_by=staff,
    )


@transaction.atomic
def issue_update(
    *,
    issue: NewsletterIssue,
    subject: str,
    body: str,
    audience: str = IssueAudience.ALL,
    audience_branch: Branch | None = None,
    audience_interest: str = "",
) -> NewsletterIssue:
    """Change a draft's subject, text and audience. The audience is checked now (a branch for
    "by branch"; "by interest" only once members can choose interests)."""
    locked = _draft_locked(issue)
    subject = subject.strip()
    if not subject:
        raise OutreachError(IssueErrorCode.SUBJECT_MISSING)
    audience = IssueAudience(audience)
    branch_id = audience_branch.pk if audience_branch is not None else None
    audience_check(audience=audience, branch_id=branch_id, interest=audience_interest)
    locked.subject = subject
    locked.body = body
    locked.audience = audience
    locked.audience_branch = audience_branch if audience == IssueAudience.BRANCH else None
    locked.audience_interest = audience_interest if audience == IssueAudience.INTEREST else ""
    locked.save(
        update_fields=["subject", "body", "audience", "audience_branch", "audience_interest"]
    )
    return locked


def image_url(image: NewsletterImage) -> str:
    """The public path of ``image`` (served by Kaft). It carries a key made with the site's
    secret, so the images of drafts cannot be found by counting."""
    key = salted_hmac("kaft.outreach.newsletter_image", str(image.pk)).hexdigest()[:16]
    extension = {media: ext for media, ext in IMAGE_FORMATS.values()}.get(image.content_type, "png")
    return reverse(
        "portal:newsletter_image", kwargs={"image_name": f"{image.pk}-{key}.{extension}"}
    )


def image_by_name(name: str) -> NewsletterImage | None:
    """The image a public path names, when its key is right; None otherwise."""
    stem, _dot, _extension = name.partition(".")
    pk_text, _dash, _key = stem.partition("-")
    image_id = id_from(pk_text)
    if image_id is None:
        return None
    image = NewsletterImage.objects.filter(pk=image_id).first()
    if image is None or image_url(image).rsplit("/", 1)[-1] != name:
        return None
    return image


def image_size_check(*, size: int) -> None:
    """Refuse an image of ``size`` bytes over ``KAFT_NEWSLETTER_IMAGE_KB``. A door calls this
    with the size an upload declares before it reads the file, so that a huge upload is never
    read into memory; :func:`issue_image_add` checks the bytes it is given again."""
    limit_kb = int(settings.KAFT_NEWSLETTER_IMAGE_KB)
    if size > limit_kb * 1024:
        raise OutreachError(IssueErrorCode.IMAGE_TOO_LARGE, limit=limit_kb)


@transaction.atomic
def issue_image_add(
    *, issue: NewsletterIssue, name: str, data: bytes, alt: str = "", now: dt.datetime | None = None
) -> NewsletterImage:
    """Add an image to a draft. Only PNG, JPEG or GIF (read from the file, not its name) up to
    ``KAFT_NEWSLETTER_IMAGE_KB``; the file is kept in the database and served by Kaft.

    A small file whose header claims an enormous picture (a decompression bomb: Pillow refuses
    it with ``DecompressionBombError``, which is not an ``OSError``) is refused as not an image."""
    locked = _draft_locked(issue)
    image_size_check(size=len(data))
    try:
        with Image.open(io.BytesIO(data)) as picture:
            kind = picture.format or ""
            picture.verify()
    except (
        UnidentifiedImageError,
        Image.DecompressionBombError,
        OSError,
        SyntaxError,
        ValueError,
    ):
        raise OutreachError(IssueErrorCode.IMAGE_TYPE) from None
    if kind not in IMAGE_FORMATS:
        raise OutreachError(IssueErrorCode.IMAGE_TYPE)
    return NewsletterImage.objects.create(
        issue=locked,
        name=name[-100:] or "afbeelding",
        content_type=IMAGE_FORMATS[kind][0],
        data=data,
        size=len(data),
        alt=alt.strip()[:200],
        uploaded_at=now or timezone.now(),
    )


@transaction.atomic
def issue_image_remove(*, image: NewsletterImage) -> None:
    """Take an image out of a draft."""
    _draft_locked(image.issue)
    image.delete()


def issue_preview(issue: NewsletterIssue) -> Rendered:
    """The issue as subscribers will read it (HTML and plain text)."""
    return markdown_render(issue.body)


def _from_header() -> str:
    return formataddr((library().name, settings.DEFAULT_FROM_EMAIL))


def newsletter_message(
    *,
    issue: NewsletterIssue,
    rendered: Rendered,
    to: str,
    unsubscribe_url: str,
    headers: dict[str, str],
    envelope_sender: str,
    test: bool = False,
) -> EmailMultiAlternatives:
    """One newsletter mail: plain text with an HTML alternative, the visible unsubscribe link in
    both, no tracking (nothing but Kaft's own images, links as written). ``envelope_sender`` is
    the SMTP MAIL FROM (the Return-Path a bounce goes to); the From header is the library's."""
    context = {
        "issue": issue,
        "body_html": rendered.html,
        "body_text": rendered.text,
        "unsubscribe_url": unsubscribe_url,
        "archive_url": settings.KAFT_SITE_URL + reverse("portal:newsletter_archive"),
        "library_name": library().name,
        "test": test,
    }
    subject = issue.subject
    if test:
        subject = _("[Test] %(subject)s") % {"subject": subject}
    message = EmailMultiAlternatives(
        subject=subject,
        body=render_to_string("outreach/newsletter_issue_mail.txt", context),
        from_email=envelope_sender,
        to=[to],
        headers={
            "From": _from_header(),
            "Auto-Submitted": "auto-generated",
            "Precedence": "bulk",
            **headers,
        },
    )
    message.attach_alternative(
        render_to_string("outreach/newsletter_issue_mail.html", context), "text/html"
    )
    return message


def issue_send_test(*, issue: NewsletterIssue, staff: User) -> str:
    """Send the issue to ``staff``'s own address, marked as a test. It is not counted and makes no
    delivery; its unsubscribe link leads to the archive (the tester has no subscription)."""
    address = (staff.email or "").strip()
    if not address:
        raise OutreachError(IssueErrorCode.NO_OWN_ADDRESS)
    message = newsletter_message(
        issue=issue,
        rendered=issue_preview(issue),
        to=address,
        unsubscribe_url=settings.KAFT_SITE_URL + reverse("portal:newsletter_archive"),
        headers={},
        envelope_sender=settings.DEFAULT_FROM_EMAIL,
        test=True,
    )
    try:
        message.send(fail_silently=False)
    except Exception:  # the mail server's refusal is shown to staff, never a 500
        raise OutreachError(IssueErrorCode.TEST_SEND_FAILED) from None
    return address


def _ready_to_send(issue: NewsletterIssue) -> None:
    if not issue.subject.strip():
        raise OutreachError(IssueErrorCode.SUBJECT_MISSING)
    if not issue.body.strip():
        raise OutreachError(IssueErrorCode.BODY_MISSING)
    audience_check(
        audience=issue.audience,
        branch_id=issue.audience_branch_id,
        interest=issue.audience_interest,
    )


@transaction.atomic
def issue_schedule(
    *, issue: NewsletterIssue, send_at: dt.datetime, now: dt.datetime | None = None
) -> NewsletterIssue:
    """Send the issue at ``send_at`` (the beat job ``newsletter-due`` queues it then)."""
    now = now or timezone.now()
    if send_at <= now:
        raise OutreachError(IssueErrorCode.SCHEDULE_IN_PAST)
    locked = _locked(issue)
    _ready_to_send(locked)
    issue_move(locked, IssueAction.SCHEDULE)
    locked.scheduled_for = send_at
    locked.save(update_fields=["status", "scheduled_for"])
    return locked


@transaction.atomic
def issue_send_now(*, issue: NewsletterIssue, now: dt.datetime | None = None) -> NewsletterIssue:
    """Schedule the issue for this moment and queue it right after commit (a worker does it:
    queueing 100,000 deliveries takes seconds, not a request's time)."""
    locked = _locked(issue)
    _ready_to_send(locked)
    issue_move(locked, IssueAction.SCHEDULE)
    locked.scheduled_for = now or timezone.now()
    locked.save(update_fields=["status", "scheduled_for"])
    from kaft.outreach.tasks_newsletter_issues import newsletter_queue_issue

    issue_id = locked.pk
    transaction.on_commit(lambda: newsletter_queue_issue.delay(issue_id))
    return locked


@transaction.atomic
def issue_cancel(*, issue: NewsletterIssue) -> NewsletterIssue:
    """Stop a scheduled issue before it is queued: it is a draft again."""
    locked = _locked(issue)
    issue_move(locked, IssueAction.CANCEL)
    locked.scheduled_for = None
    locked.save(update_fields=["status", "scheduled_for"])
    return locked


@transaction.atomic
def issue_discard(*, issue: NewsletterIssue) -> NewsletterIssue:
    """Put a draft aside for good (it stays in the list as cancelled, never in the archive)."""
    locked = _locked(issue)
    issue_move(locked, IssueAction.DISCARD)
    locked.save(update_fields=["status"])
    return locked

"""Versions of the privacy statement: drafts, publishing, who saw a new one, and responses.

Publishing a version (a) puts a notice on the portal for ``BANNER_DAYS`` days, (b) shows it to
every member at their next login (once, recorded in :class:`StatementSeen`) and (c) e-mails the
members who subscribed to the newsletter, by a task queued after commit.
"""

from __future__ import annotations

import datetime as dt

from django.db import IntegrityError, transaction
from django.utils import timezone

from kaft.members.models import Member, User
from kaft.privacy.errors import PrivacyError, PrivacyErrorCode
from kaft.privacy.models import StatementResponse, StatementSeen, StatementVersion

# How long the portal shows "our privacy statement changed" after a new version is published.
BANNER_DAYS = 30


def statement_current() -> StatementVersion | None:
    """The latest published version, or None when nothing was published yet."""
    return (
        StatementVersion.objects.filter(published_at__isnull=False)
        .order_by("-published_at", "-pk")
        .first()
    )


def statement_draft_save(
    *,
    version: str,
    text_nl: str,
    text_en: str,
    summary_nl: str = "",
    summary_en: str = "",
    staff: User | None = None,
    draft: StatementVersion | None = None,
) -> StatementVersion:
    """Write a new draft, or change ``draft`` (not yet published). Locks the draft it changes.

    Refuses a label another version has (STATEMENT_VERSION_TAKEN), a missing text
    (STATEMENT_TEXT_MISSING) and changing a published version (STATEMENT_ALREADY_PUBLISHED).
    """
    version = version.strip()
    if not version or not text_nl.strip() or not text_en.strip():
        raise PrivacyError(PrivacyErrorCode.STATEMENT_TEXT_MISSING)
    with transaction.atomic():
        taken = StatementVersion.objects.filter(version=version)
        if draft is not None:
            draft = StatementVersion.objects.select_for_update().get(pk=draft.pk)
            if draft.published_at is not None:
                raise PrivacyError(PrivacyErrorCode.STATEMENT_ALREADY_PUBLISHED)
            taken = taken.exclude(pk=draft.pk)
        if taken.exists():
            raise PrivacyError(PrivacyErrorCode.STATEMENT_VERSION_TAKEN)
        if draft is None:
            draft = StatementVersion(version=version)
        draft.version = version
        draft.text_nl, draft.text_en = text_nl.strip(), text_en.strip()
        draft.summary_nl, draft.summary_en = summary_nl.strip(), summary_en.strip()
        try:
            with transaction.atomic():
                draft.save()
        except IntegrityError as error:  # the same label saved at the same moment
            raise PrivacyError(PrivacyErrorCode.STATEMENT_VERSION_TAKEN) from error
        return draft


def statement_publish(*, version: StatementVersion, staff: User) -> StatementVersion:
    """Publish a draft. Locks it; refuses a version already published.

    Announcing it to members is the job of ``notices``, which sits above privacy: the desk calls
    :func:`kaft.notices.services.statement.statement_publish_and_announce`, which calls this."""
    with transaction.atomic():
        locked = StatementVersion.objects.select_for_update().get(pk=version.pk)
        if locked.published_at is not None:
            raise PrivacyError(PrivacyErrorCode.STATEMENT_ALREADY_PUBLISHED)
        locked.published_at = timezone.now()
        locked.published_by = staff
        locked.save(update_fields=["published_at", "published_by"])
    version.published_at, version.published_by = locked.published_at, staff
    return locked


def statement_is_news(version: StatementVersion | None, *, now: dt.datetime | None = None) -> bool:
    """Whether the portal announces ``version``: published less than ``BANNER_DAYS`` ago and not
    the library's first statement (that one changed nothing)."""
    if version is None or version.published_at is None:
        return False
    now = now or timezone.now()
    if version.published_at < now - dt.timedelta(days=BANNER_DAYS):
        return False
    return StatementVersion.objects.filter(published_at__lt=version.published_at).exists()


def statement_unseen(member: Member) -> StatementVersion | None:
    """The current version if ``member`` must still be shown it at login, else None.

    Shown once to members who joined before it was published; the library's first statement
    is not shown this way (nothing changed for anyone).
    """
    current = statement_current()
    if current is None or current.published_at is None:
        return None
    if member.created_at >= current.published_at:
        return None
    if not StatementVersion.objects.filter(published_at__lt=current.published_at).exists():
        return None
    if StatementSeen.objects.filter(member=member, version=current).exists():
        return None
    return current


def statement_mark_seen(*, member: Member, version: StatementVersion) -> StatementSeen:
    """Record that ``member`` was shown ``version``; a second call changes nothing. No lock: the
    unique constraint keeps it to one row."""
    with transaction.atomic():
        seen, _created = StatementSeen.objects.get_or_create(
            member=member, version=version, defaults={"at": timezone.now()}
        )
    return seen


def statement_respond(
    *, member: Member, version: StatementVersion, message: str
) -> StatementResponse:
    """A member's response to a published version; it lands in the privacy officer's inbox."""
    message = message.strip()
    if version.published_at is None:
        raise PrivacyError(PrivacyErrorCode.STATEMENT_NOT_PUBLISHED)
    if not message:
        raise PrivacyError(PrivacyErrorCode.STATEMENT_RESPONSE_EMPTY)
    with transaction.atomic():
        return StatementResponse.objects.create(
            member=member, version=version, message=message[:4000], at=timezone.now()
        )


def statement_response_handle(*, response: StatementResponse, staff: User) -> StatementResponse:
    """Mark a response as handled. Locks it; refuses one already handled."""
    with transaction.atomic():
        locked = StatementResponse.objects.select_for_update().get(pk=response.pk)
        if locked.handled_at is not None:
            raise PrivacyError(PrivacyErrorCode.STATEMENT_RESPONSE_HANDLED)
        locked.handled_at = timezone.now()
        locked.handled_by = staff
        locked.save(update_fields=["handled_at", "handled_by"])
    return locked

"""Announcing a new version of the privacy statement by e-mail, to newsletter subscribers only.

Who gets it is decided by the consent service (``members_with_consent``) for the purpose
declared in :mod:`kaft.notices.purposes` (the newsletter): a member without that consent is never
written to, and one who withdraws it before the message is sent does not get it (checked again
when sending). The message says what changed and links to the
statement and to the response form; it holds no personal data.
"""

from __future__ import annotations

import datetime as dt
from functools import partial

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from kaft.members.models import Channel, Member, MessageType, User
from kaft.notices.models import Notice
from kaft.notices.purposes import consent_needed
from kaft.notices.services.outbox import _draft, _outbox_insert
from kaft.privacy.models import StatementVersion
from kaft.privacy.services.consent import members_with_consent
from kaft.privacy.services.statement import statement_publish

STATEMENT_CHUNK = 500


def _statement_draft(member: Member, version: StatementVersion, now: dt.datetime) -> Notice:
    site = settings.KAFT_SITE_URL
    return _draft(
        member=member,
        message_type=MessageType.STATEMENT_CHANGED,
        channel=Channel.EMAIL,
        dedup_key=f"statement_changed:{version.pk}:{member.pk}",
        context={
            "version": version.version,
            "summary": version.summary_en
            if member.preferred_language == "en"
            else version.summary_nl,
            "statement_url": site + reverse("portal:statement"),
            "respond_url": site + reverse("portal:statement_respond"),
        },
        now=now,
    )


def notice_statement_changed(
    *, member: Member, version: StatementVersion, now: dt.datetime | None = None
) -> Notice:
    """Queue (once) the "our privacy statement changed" message for one member."""
    now = now or timezone.now()
    draft = _statement_draft(member, version, now)
    with transaction.atomic():
        _outbox_insert([draft])
        return Notice.objects.get(dedup_key=draft.dedup_key)


def notices_statement_changed(
    *, version: StatementVersion, chunk_size: int = STATEMENT_CHUNK, now: dt.datetime | None = None
) -> int:
    """Queue the message for every member who gave consent for the newsletter, in chunks.

    Per chunk a constant number of queries (find, check keys, insert, read back); a second run
    queues nothing new (the dedup key). Returns how many notices were queued.
    """
    now = now or timezone.now()
    queued = 0
    after = 0
    purpose = consent_needed(MessageType.STATEMENT_CHANGED)
    assert purpose is not None  # declared in kaft.notices.purposes
    recipients = members_with_consent(purpose).order_by("pk")
    while True:
        members = list(recipients.filter(pk__gt=after)[:chunk_size])
        if not members:
            return queued
        drafts = [_statement_draft(member, version, now) for member in members]
        with transaction.atomic():
            queued += len(_outbox_insert(drafts))
        after = members[-1].pk


def statement_publish_and_announce(*, version: StatementVersion, staff: User) -> StatementVersion:
    """Publish ``version`` (:func:`kaft.privacy.services.statement.statement_publish`: locks it,
    refuses a version already published) and, after commit, e-mail the members who gave consent
    for the newsletter, and only them. Privacy knows nothing of messages: this is the one way
    the desk publishes."""
    from kaft.notices.tasks_statement import notify_statement_changed

    with transaction.atomic():
        published = statement_publish(version=version, staff=staff)
        transaction.on_commit(partial(notify_statement_changed.delay, published.pk))
    return published

"""Staff notes on a member. Every note has an expiry date; expired notes are never shown and
are deleted by the retention job.

The expiry defaults to ``settings.KAFT_NOTE_DEFAULT_DAYS`` from today and may not be later than
``settings.KAFT_NOTE_MAX_DAYS`` from today, nor in the past.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from kaft.members.errors import MemberError, MemberErrorCode
from kaft.members.locks import member_for_update
from kaft.members.models import Member, MemberNote, User


def note_expiry_default(today: dt.date | None = None) -> dt.date:
    today = today or timezone.localdate()
    return today + dt.timedelta(days=settings.KAFT_NOTE_DEFAULT_DAYS)


def note_expiry_latest(today: dt.date | None = None) -> dt.date:
    today = today or timezone.localdate()
    return today + dt.timedelta(days=settings.KAFT_NOTE_MAX_DAYS)


@transaction.atomic
def note_add(
    *,
    member: Member,
    text: str,
    expires_on: dt.date | None,
    staff: User | None,
    now: dt.datetime | None = None,
) -> MemberNote:
    """Add a note on ``member``; ``expires_on`` None: the default number of days from today.

    Refuses an empty text, a date in the past and a date beyond the maximum. Locks the member.
    """
    now = now or timezone.now()
    today = timezone.localdate(now)
    text = text.strip()
    if not text:
        raise MemberError(MemberErrorCode.NOTE_EMPTY)
    expires_on = expires_on or note_expiry_default(today)
    if expires_on < today:
        raise MemberError(MemberErrorCode.NOTE_IN_PAST)
    if expires_on > note_expiry_latest(today):
        raise MemberError(MemberErrorCode.NOTE_TOO_LONG, days=settings.KAFT_NOTE_MAX_DAYS)
    member = member_for_update(member.pk)
    return MemberNote.objects.create(
        member=member, text=text, created_by=staff, created_at=now, expires_on=expires_on
    )


@transaction.atomic
def note_delete(*, note: MemberNote, staff: User | None) -> None:
    """Delete a note before it expires. Locks the member; deleting twice is harmless."""
    member_for_update(note.member_id)
    MemberNote.objects.filter(pk=note.pk).delete()

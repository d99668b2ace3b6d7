"""The member is told about a book asked of another library, by the channel they chose for "ready
for pickup" messages: it has arrived and is lent to them (once per request), and its lender
recalled it or gave more time (once per request and new due date). Called by interlibrary loan
(``kaft.interlibrary.services.requesting``) with plain values: notices does not read
interlibrary's tables."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone

from kaft.members.models import Member, MessageType
from kaft.notices.models import Notice
from kaft.notices.selectors.outbox import member_channel
from kaft.notices.services.outbox import _draft, _outbox_insert


def notice_queue_ill_arrived(
    *,
    member: Member,
    request_id: int,
    title: str,
    partner_name: str,
    branch_name: str,
    due_date: dt.date | None,
    now: dt.datetime | None = None,
) -> Notice:
    """Queue "the book from ``partner_name`` is here and lent to you, back by ``due_date``"."""
    now = now or timezone.now()
    draft = _draft(
        member=member,
        message_type=MessageType.ILL_ARRIVED,
        channel=member_channel(member, MessageType.HOLD_READY),
        dedup_key=f"ill_arrived:{request_id}",
        context={
            "title": title,
            "partner_name": partner_name,
            "branch_name": branch_name,
            "due_date": due_date,
        },
        now=now,
    )
    with transaction.atomic():
        _outbox_insert([draft])
        return Notice.objects.get(dedup_key=draft.dedup_key)


def notice_queue_ill_due_changed(
    *,
    member: Member,
    request_id: int,
    title: str,
    partner_name: str,
    due_date: dt.date,
    previous_due_date: dt.date,
    recalled: bool,
    now: dt.datetime | None = None,
) -> Notice:
    """Queue "``partner_name`` wants ``title`` back by ``due_date``" (``recalled``) or "you may
    keep it until ``due_date``"."""
    now = now or timezone.now()
    draft = _draft(
        member=member,
        message_type=MessageType.ILL_DUE_CHANGED,
        channel=member_channel(member, MessageType.HOLD_READY),
        dedup_key=f"ill_due:{request_id}:{due_date.isoformat()}",
        context={
            "title": title,
            "partner_name": partner_name,
            "due_date": due_date,
            "previous_due_date": previous_due_date,
            "recalled": recalled,
        },
        now=now,
    )
    with transaction.atomic():
        _outbox_insert([draft])
        return Notice.objects.get(dedup_key=draft.dedup_key)

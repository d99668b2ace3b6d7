"""Members are told before their membership ends, by the channel they chose for it.

Members who pay by direct debit are renewed automatically (``kaft.billing.services.fees``): they
get the announcement of the debit instead, not this message. Everyone else whose membership ends
within ``KAFT_MEMBERSHIP_ENDING_DAYS`` days (from tomorrow) gets one message per end date, never
twice (the dedup key); a day the job did not run is caught up the next time. The message says the
end date and how to renew (at the desk); it holds nothing else about the member.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from kaft.billing.models import Mandate, MandateStatus
from kaft.members.models import Member, MemberStatus, MessageType
from kaft.notices.models import Notice
from kaft.notices.selectors.outbox import member_channel
from kaft.notices.services.outbox import _draft, _outbox_insert

CHUNK = 500


def _key(member_id: int, end: dt.date) -> str:
    return f"membership_ending:{member_id}:{end.isoformat()}"


def notices_queue_membership_ending(
    *, today: dt.date | None = None, days: int | None = None, now: dt.datetime | None = None
) -> int:
    """Queue the "your membership ends on …" message for every member it is due for; returns
    how many were queued. Locks nothing; safe to run twice or at once (the dedup key)."""
    now = now or timezone.now()
    today = today or timezone.localdate(now)
    days = settings.KAFT_MEMBERSHIP_ENDING_DAYS if days is None else days
    with_mandate = Mandate.objects.filter(status=MandateStatus.ACTIVE).values("member_id")
    ending = (
        Member.objects.filter(
            status__in=(MemberStatus.ACTIVE, MemberStatus.BLOCKED),
            membership_end__gt=today,
            membership_end__lte=today + dt.timedelta(days=days),
        )
        .exclude(pk__in=with_mandate)
        .order_by("pk")
    )
    queued = 0
    after = 0
    while True:
        members = list(ending.filter(pk__gt=after)[:CHUNK])
        if not members:
            return queued
        after = members[-1].pk
        keys = {
            _key(member.pk, member.membership_end) for member in members if member.membership_end
        }
        told = set(Notice.objects.filter(dedup_key__in=keys).values_list("dedup_key", flat=True))
        drafts = [
            _draft(
                member=member,
                message_type=MessageType.MEMBERSHIP_ENDING,
                channel=member_channel(member, MessageType.MEMBERSHIP_ENDING),
                dedup_key=_key(member.pk, member.membership_end),
                context={
                    "membership_end": member.membership_end,
                    "days": (member.membership_end - today).days,
                },
                now=now,
            )
            for member in members
            if member.membership_end and _key(member.pk, member.membership_end) not in told
        ]
        with transaction.atomic():
            queued += len(_outbox_insert(drafts))

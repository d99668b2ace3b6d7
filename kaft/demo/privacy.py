"""What the demo library keeps that its retention rules will clear: an expired staff note, old
messages and an old access-log entry (old returned loans come with the loan history).

So `kaft retention-proof` has rows to show on a fresh demo, and the daily job has work to do.
"""

from __future__ import annotations

import datetime as dt

from kaft.demo.people import DemoMembers
from kaft.members.models import MemberNote, MessageType, User
from kaft.notices.models import DeliveryAttempt, Notice, NoticeStatus
from kaft.privacy.models import AccessLogEntry, DataPart


def retention_examples_ensure(*, members: DemoMembers, staff: User, now: dt.datetime) -> None:
    demo = members.demo
    today = now.date()
    # One note that expired last week, and one that is still current.
    MemberNote.objects.create(
        member=demo,
        text="Vroeg naar de leesclub op dinsdag; teruggebeld.",
        created_by=staff,
        created_at=now - dt.timedelta(days=40),
        expires_on=today - dt.timedelta(days=7),
    )
    MemberNote.objects.create(
        member=members.blocked,
        text="Komt volgende week langs om de boeken terug te brengen.",
        created_by=staff,
        created_at=now - dt.timedelta(days=2),
        expires_on=today + dt.timedelta(days=28),
    )
    # Messages sent half a year ago (past the 90 days), each with its delivery attempt.
    for n, days_ago in enumerate((200, 150)):
        sent_at = now - dt.timedelta(days=days_ago)
        notice = Notice.objects.create(
            member=demo,
            message_type=MessageType.DUE_SOON,
            dedup_key=f"demo:due_soon:{demo.pk}:{n}",
            recipient=demo.email,
            subject="Uw boeken moeten bijna terug",
            body="Beste lezer, over drie dagen moeten uw boeken terug in de bibliotheek.",
            status=NoticeStatus.SENT,
            attempts=1,
            sent_at=sent_at,
        )
        Notice.objects.filter(pk=notice.pk).update(created_at=sent_at)
        DeliveryAttempt.objects.create(notice=notice, at=sent_at, ok=True)
    # A look at the desk more than two years ago.
    AccessLogEntry.objects.create(
        member=demo,
        staff=staff,
        branch=demo.home_branch,
        staff_role="desk",
        staff_name="Demo balie",
        part=DataPart.LOANS,
        at=now - dt.timedelta(days=800),
    )

"""Reads for the outbox. Each returns what a service needs in a constant number of queries."""

from __future__ import annotations

import datetime as dt

from django.db.models import OuterRef, QuerySet, Subquery

from kaft.circulation.models import Hold, Loan, LoanStatus
from kaft.members.models import Channel, Member, MessagePreference, MessageType
from kaft.notices.models import Notice, NoticeStatus


def hold_for_notice(hold_id: int) -> Hold | None:
    return (
        Hold.objects.select_related("member", "record", "pickup_branch").filter(pk=hold_id).first()
    )


def member_channel(member: Member, message_type: MessageType) -> Channel:
    """The channel the member chose for this type of message; e-mail when they chose none."""
    channel = (
        MessagePreference.objects.filter(member=member, message_type=message_type)
        .values_list("channel", flat=True)
        .first()
    )
    return Channel(channel) if channel else Channel.EMAIL


def loans_due_on(due_date: dt.date) -> QuerySet[Loan]:
    """Open loans due on ``due_date`` that still belong to a member."""
    return Loan.objects.filter(status=LoanStatus.OPEN, due_date=due_date, member__isnull=False)


def loans_due_between(first: dt.date, last: dt.date) -> QuerySet[Loan]:
    """Open loans due from ``first`` to ``last`` (inclusive) that still belong to a member."""
    return Loan.objects.filter(
        status=LoanStatus.OPEN, due_date__range=(first, last), member__isnull=False
    )


def due_soon_chunk(*, first: dt.date, last: dt.date, after_member_id: int, size: int) -> list[Loan]:
    """All loans due from ``first`` to ``last`` of the next ``size`` members (by id) after
    ``after_member_id``, ordered by member, due date and id.

    ONE query: the members are chosen in a subquery, each loan comes with its member, its record
    and the member's chosen channel for due-soon messages (``due_soon_channel``, None = e-mail).
    """
    members = (
        loans_due_between(first, last)
        .filter(member_id__gt=after_member_id)
        .order_by("member_id")
        .values("member_id")
        .distinct()[:size]
    )
    channel = MessagePreference.objects.filter(
        member=OuterRef("member_id"), message_type=MessageType.DUE_SOON
    ).values("channel")[:1]
    return list(
        loans_due_between(first, last)
        .filter(member_id__in=Subquery(members))
        .select_related("member", "record")
        .annotate(due_soon_channel=Subquery(channel))
        .order_by("member_id", "due_date", "id")
    )


def notices_to_send(*, now: dt.datetime, limit: int) -> list[int]:
    """Ids of pending notices whose (next) attempt is due, oldest first."""
    return list(
        Notice.objects.filter(status=NoticeStatus.PENDING, next_attempt_at__lte=now)
        .order_by("next_attempt_at", "id")
        .values_list("id", flat=True)[:limit]
    )


def notices_stuck_sending(*, claimed_before: dt.datetime) -> list[Notice]:
    """Notices a worker claimed before ``claimed_before`` and never finished."""
    return list(Notice.objects.filter(status=NoticeStatus.SENDING, claimed_at__lt=claimed_before))

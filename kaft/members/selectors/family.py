"""Reads for family access, parents and guardians, and staff notes."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Q, QuerySet
from django.utils import timezone

from kaft.members.models import (
    FamilyAccess,
    FamilyAccessEvent,
    FamilyAccessStatus,
    GuardianLink,
    Member,
    MemberNote,
)

EVENTS_SHOWN = 100


def access_owner_ids(grantee_id: int) -> list[int]:
    """Ids of the members who granted ``grantee_id`` active access to their account."""
    return list(
        FamilyAccess.objects.filter(grantee_id=grantee_id, status=FamilyAccessStatus.ACTIVE)
        .order_by("owner__first_name", "owner_id")
        .values_list("owner_id", flat=True)
    )


@dataclass(frozen=True)
class FamilyOverview:
    """What the member's "Family / Access" page shows."""

    incoming: list[FamilyAccess]  # requests to the member, waiting for their answer
    outgoing: list[FamilyAccess]  # the member's own requests, waiting for an answer
    given: list[FamilyAccess]  # who may see the member's account
    received: list[FamilyAccess]  # whose account the member may see
    events: list[FamilyAccessEvent]  # what others did on the member's account
    guardians: list[GuardianLink]  # the member's parents or guardians
    wards: list[GuardianLink]  # the children the member is parent or guardian of


def family_overview(member: Member, *, now: dt.datetime | None = None) -> FamilyOverview:
    now = now or timezone.now()
    accesses = list(
        FamilyAccess.objects.filter(
            Q(owner=member) | Q(grantee=member),
            status__in=(FamilyAccessStatus.REQUESTED, FamilyAccessStatus.ACTIVE),
        )
        .select_related("owner", "grantee")
        .order_by("requested_at", "pk")
    )
    waiting = [
        a for a in accesses if a.status == FamilyAccessStatus.REQUESTED and a.answer_by >= now
    ]
    active = [a for a in accesses if a.status == FamilyAccessStatus.ACTIVE]
    # An open link always names both (erasing a guardian ends the link first).
    links = GuardianLink.objects.filter(ended_at__isnull=True, guardian__isnull=False)
    links = links.select_related("child", "guardian")
    return FamilyOverview(
        incoming=[a for a in waiting if a.owner_id == member.pk],
        outgoing=[a for a in waiting if a.grantee_id == member.pk],
        given=[a for a in active if a.owner_id == member.pk],
        received=[a for a in active if a.grantee_id == member.pk],
        events=list(
            FamilyAccessEvent.objects.filter(owner=member)
            .select_related("actor")
            .order_by("-at", "-pk")[:EVENTS_SHOWN]
        ),
        guardians=list(links.filter(child=member).order_by("recorded_at")),
        wards=list(links.filter(guardian=member).order_by("recorded_at")),
    )


def member_family_access(member: Member, access_id: int) -> FamilyAccess | None:
    """The access ``access_id`` if ``member`` is one of its two sides, else None."""
    return (
        FamilyAccess.objects.filter(Q(owner=member) | Q(grantee=member), pk=access_id)
        .select_related("owner", "grantee")
        .first()
    )


def member_guardian_links(member: Member) -> tuple[list[GuardianLink], list[GuardianLink]]:
    """Open links: (the member's parents or guardians, the member's children)."""
    # An open link always names both (erasing a guardian ends the link first).
    links = GuardianLink.objects.filter(ended_at__isnull=True, guardian__isnull=False)
    links = links.select_related("child", "guardian")
    return (
        list(links.filter(child=member).order_by("recorded_at")),
        list(links.filter(guardian=member).order_by("recorded_at")),
    )


def member_notes(member: Member, *, today: dt.date | None = None) -> QuerySet[MemberNote]:
    """The member's notes that have not expired, newest first (with their author)."""
    today = today or timezone.localdate()
    return (
        MemberNote.objects.filter(member=member, expires_on__gte=today)
        .select_related("created_by", "created_by__staff_profile")
        .order_by("-created_at", "-pk")
    )

"""Reads of contests: the desk's lists and counts, the public pages, a member's own entries."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from kaft.members.models import Member, MemberStatus
from kaft.outreach.models import (
    Campaign,
    CampaignStatus,
    ContestDailyCount,
    Entry,
    EntryChannel,
    WinnersShown,
)


def campaigns_all() -> QuerySet[Campaign]:
    """Every campaign for the desk, newest first, with its number of entries held now."""
    return Campaign.objects.annotate(entries_held=Count("entries")).order_by("-starts_on", "-pk")


def campaigns_public(*, today: dt.date | None = None) -> QuerySet[Campaign]:
    """What the public page lists: campaigns open for entries today, and drawn ones whose
    winners are shown (while their entries, and so the names, are kept)."""
    day = today or timezone.localdate()
    running = Q(status=CampaignStatus.OPEN, starts_on__lte=day, ends_on__gte=day)
    drawn = Q(status=CampaignStatus.DRAWN, winners_shown=WinnersShown.FIRST_NAME_INITIAL)
    return Campaign.objects.filter(running | drawn).order_by("-starts_on", "-pk")


def campaign_public(campaign_id: int) -> Campaign | None:
    """A campaign anyone may look at: every one but a draft."""
    return Campaign.objects.exclude(status=CampaignStatus.DRAFT).filter(pk=campaign_id).first()


def campaigns_running_for(member: Member, *, today: dt.date | None = None) -> list[Campaign]:
    """Open campaigns the member has not entered yet (MijnBibliotheek)."""
    day = today or timezone.localdate()
    return list(
        Campaign.objects.filter(status=CampaignStatus.OPEN, starts_on__lte=day, ends_on__gte=day)
        .exclude(entries__member=member)
        .order_by("ends_on", "pk")
    )


def member_entries(member: Member) -> QuerySet[Entry]:
    """The member's own entries (those sent from MijnBibliotheek), newest first."""
    return Entry.objects.filter(member=member).select_related("campaign").order_by("-created_at")


def campaign_entries(campaign: Campaign) -> QuerySet[Entry]:
    """The entries a campaign holds now, oldest first (the desk's list)."""
    return (
        Entry.objects.filter(campaign=campaign)
        .select_related("member")
        .order_by("created_at", "pk")
    )


def campaign_winners(campaign: Campaign) -> QuerySet[Entry]:
    """The winners (the desk's list, with what is needed to reach them)."""
    return campaign_entries(campaign).filter(winner=True)


def entries_members(entries: list[Entry]) -> list[Member]:
    """The members whose data ``entries`` show: an entry's member, and for an entry without one
    the member whose card number it gave (one query for those, none when there are none)."""
    found = {entry.member_id: entry.member for entry in entries if entry.member is not None}
    cards = {entry.card_number for entry in entries if entry.member is None and entry.card_number}
    if cards:
        holders = Member.objects.filter(card_number__in=cards).exclude(status=MemberStatus.ERASED)
        for member in holders:
            found.setdefault(member.pk, member)
    return [member for member in found.values() if member is not None]


def winners_shown_publicly(campaign: Campaign) -> list[str]:
    """First name and initial of each winner who said yes to being shown, for a campaign drawn
    to show its winners so; nothing otherwise. Alphabetical, so the order says nothing."""
    if (
        campaign.status != CampaignStatus.DRAWN
        or campaign.winners_shown != WinnersShown.FIRST_NAME_INITIAL
    ):
        return []
    winners = Entry.objects.filter(campaign=campaign, winner=True, name_shown=True)
    return sorted(entry.shown_name for entry in winners.only("first_name", "last_name"))


@dataclass(frozen=True)
class DayCounts:
    day: dt.date
    public: int
    portal: int

    @property
    def total(self) -> int:
        return self.public + self.portal


def campaign_counts(campaign: Campaign) -> list[DayCounts]:
    """Entries received per day and channel (the anonymous counts, kept after the entries)."""
    per_day: dict[dt.date, dict[str, int]] = {}
    for row in ContestDailyCount.objects.filter(campaign=campaign).order_by("day"):
        per_day.setdefault(row.day, {})[row.channel] = row.count
    return [
        DayCounts(
            day=day,
            public=counts.get(EntryChannel.PUBLIC, 0),
            portal=counts.get(EntryChannel.PORTAL, 0),
        )
        for day, counts in sorted(per_day.items())
    ]

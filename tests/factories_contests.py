"""Contests for tests (kaft/outreach contests): a campaign open today, a member's entry in it,
and closing and drawing it. Made through the services, as the desk and the portal would."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone

from kaft.members.models import Member
from kaft.outreach.models import (
    Campaign,
    CampaignAction,
    CampaignStatus,
    ContestField,
    Entry,
    EntryChannel,
    WinnersShown,
)
from kaft.outreach.services.contests import campaign_move, campaign_save
from kaft.outreach.services.contests_draw import campaign_draw
from kaft.outreach.services.contests_entries import entry_create


def a_campaign(
    *,
    title: str = "Boekenweekquiz",
    fields: tuple[str, ...] = (ContestField.NAME, ContestField.EMAIL, ContestField.ANSWER),
    winners: int = 1,
    shown: str = WinnersShown.FIRST_NAME_INITIAL,
    keep_days: int = 30,
    opened: bool = True,
    today: dt.date | None = None,
) -> Campaign:
    """A campaign running from a week ago to a week from now (open unless ``opened`` is False)."""
    day = today or timezone.localdate()
    campaign = campaign_save(
        campaign=None,
        title=title,
        question="Welk boek is het Boekenweekgeschenk?",
        description="",
        starts_on=day - dt.timedelta(days=7),
        ends_on=day + dt.timedelta(days=7),
        fields=list(fields),
        prize="Een boekenbon",
        winners_count=winners,
        winners_shown=shown,
        keep_days=keep_days,
        staff=None,
    )
    if opened:
        campaign = campaign_move(campaign=campaign, action=CampaignAction.OPEN, staff=None)
    return campaign


def an_entry(campaign: Campaign, member: Member, **fields: Any) -> Entry:
    """``member``'s entry from MijnBibliotheek, with the member's own name and address."""
    values: dict[str, Any] = {
        "first_name": member.first_name,
        "last_name": member.last_name,
        "email": member.email or f"lid-{member.pk}@example.org",
        "card_number": member.card_number,
        "answer": "De Tweeling",
        "name_shown": True,
    }
    values.update(fields)
    return entry_create(campaign=campaign, channel=EntryChannel.PORTAL, member=member, **values)


def a_campaign_with_entry_id(member: Member) -> int:
    """The id of an open campaign the member entered (from MijnBibliotheek)."""
    campaign = a_campaign()
    an_entry(campaign, member)
    return campaign.pk


def an_entry_id(member: Member) -> int:
    """The id of the member's entry in an open campaign of its own."""
    return an_entry(a_campaign(title=f"Quiz {member.pk}"), member).pk


def campaign_drawn(campaign: Campaign) -> Campaign:
    """Close ``campaign`` and draw its winners."""
    if campaign.status == CampaignStatus.OPEN:
        campaign = campaign_move(campaign=campaign, action=CampaignAction.CLOSE, staff=None)
    campaign_draw(campaign=campaign, staff=None)
    campaign.refresh_from_db()
    return campaign


def the_campaign_drawn() -> None:
    """Close and draw the one campaign there is (for the desk walks' winners screen)."""
    campaign_drawn(Campaign.objects.get())


def drawn_first(then: Any) -> Any:
    """A desk walk's request ``then``, after the one campaign there is was closed and drawn."""

    def send(scene: Any, url: str) -> Any:
        the_campaign_drawn()
        return then(scene, url)

    return send

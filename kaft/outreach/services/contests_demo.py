"""Contests for the demo library: one running, one closed and drawn. Made through the services
(:mod:`.contests`, :mod:`.contests_entries`, :mod:`.contests_draw`) so the demo shows what a
library would see. Called by the demo loader (``kaft/demo``)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.utils import timezone

from kaft.members.models import Member, User
from kaft.outreach.models import (
    Campaign,
    CampaignAction,
    CampaignStatus,
    ContestField,
    Draw,
    EntryChannel,
    WinnersShown,
)
from kaft.outreach.services.contests import campaign_move, campaign_save, keep_days_default
from kaft.outreach.services.contests_draw import campaign_draw
from kaft.outreach.services.contests_entries import entry_create

# People who entered from the public page (no members): invented, with example.org addresses.
_PUBLIC_ENTRANTS = (
    ("Noor", "Jansen", "noor.jansen@example.org", "De Tweeling"),
    ("Daan", "Smit", "daan.smit@example.org", "Het Diner"),
    ("Lotte", "Bos", "lotte.bos@example.org", "De Tweeling"),
    ("Sem", "Mulder", "sem.mulder@example.org", "Max Havelaar"),
)


@dataclass(frozen=True)
class DemoContests:
    running: Campaign
    drawn: Campaign
    draw: Draw


def contests_demo_create(
    *, staff: User | None, members: list[Member], today: dt.date | None = None
) -> DemoContests:
    """A running contest (entries from the public page and from ``members`` in
    MijnBibliotheek) and a closed one with its draw. Idempotent: a second call returns the
    contests made by the first (found by title)."""
    day = today or timezone.localdate()
    running = _running(staff, members, day)
    drawn = _drawn(staff, members, day)
    draw = Draw.objects.get(campaign=drawn)
    return DemoContests(running=running, drawn=drawn, draw=draw)


RUNNING_TITLE = "Boekenweek-prijsvraag"
DRAWN_TITLE = "Zomerleesquiz"


def _running(staff: User | None, members: list[Member], day: dt.date) -> Campaign:
    found = Campaign.objects.filter(title=RUNNING_TITLE).first()
    if found is not None:
        return found
    campaign = campaign_save(
        campaign=None,
        title=RUNNING_TITLE,
        question="Welk boek is het Boekenweekgeschenk van dit jaar?",
        description="Win twee kaartjes voor de schrijversavond in de Centrale Bibliotheek.",
        starts_on=day - dt.timedelta(days=5),
        ends_on=day + dt.timedelta(days=14),
        fields=[ContestField.NAME, ContestField.EMAIL, ContestField.ANSWER],
        prize="Twee kaartjes voor de schrijversavond",
        winners_count=2,
        winners_shown=WinnersShown.FIRST_NAME_INITIAL,
        keep_days=keep_days_default(),
        staff=staff,
    )
    campaign = campaign_move(campaign=campaign, action=CampaignAction.OPEN, staff=staff)
    _enter(campaign, members[:2])
    return campaign


def _drawn(staff: User | None, members: list[Member], day: dt.date) -> Campaign:
    found = Campaign.objects.filter(title=DRAWN_TITLE).first()
    if found is not None:
        return found
    # Entered while it ran (its days are today, so entering is allowed), then closed and drawn.
    campaign = campaign_save(
        campaign=None,
        title=DRAWN_TITLE,
        question="Wat was uw mooiste zomerboek?",
        description="Vertel ons over uw zomerboek en win een boekenbon.",
        starts_on=day - dt.timedelta(days=1),
        ends_on=day,
        fields=[ContestField.NAME, ContestField.EMAIL, ContestField.ANSWER],
        prize="Een boekenbon van € 25",
        winners_count=1,
        winners_shown=WinnersShown.FIRST_NAME_INITIAL,
        keep_days=keep_days_default(),
        staff=staff,
    )
    campaign = campaign_move(campaign=campaign, action=CampaignAction.OPEN, staff=staff)
    _enter(campaign, members[2:4])
    campaign = campaign_move(campaign=campaign, action=CampaignAction.CLOSE, staff=staff)
    campaign_draw(campaign=campaign, staff=staff)
    campaign.refresh_from_db()
    assert campaign.status == CampaignStatus.DRAWN
    return campaign


def _enter(campaign: Campaign, members: list[Member]) -> None:
    for first, last, email, answer in _PUBLIC_ENTRANTS:
        entry_create(
            campaign=campaign,
            channel=EntryChannel.PUBLIC,
            member=None,
            first_name=first,
            last_name=last,
            email=email,
            answer=answer,
            name_shown=True,
        )
    for member in members:
        if not member.email:
            continue
        entry_create(
            campaign=campaign,
            channel=EntryChannel.PORTAL,
            member=member,
            first_name=member.first_name,
            last_name=member.last_name,
            email=member.email,
            answer="De Tweeling",
            name_shown=False,
            language=member.preferred_language,
        )

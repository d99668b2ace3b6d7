"""Entering a contest, and withdrawing an entry.

An entry is the entrant's own choice for this one contest, so entering asks no consent of its
own: the CONTESTS consent purpose ("contests and promotions") is not needed to enter, and an
entry gives none. Nothing from an entry is used for anything but this contest — no mailing, no
marketing, no profile: only the draw, telling the winners and (with their yes) a winners list of
first names and initials. The member sees their entries in MijnBibliotheek and may withdraw
(delete) one while its contest is open; every entry is deleted the contest's own number of days
after its last day (retention rule ``contest_entries``).

Only the fields the campaign asks are stored, whatever the door sent: the service empties the
rest. A card number is never taken as typed: anyone can type someone else's (only its check
digit can be checked), and a winner is told at the card's member, so a stranger could enter for
a member or block them. A campaign that asks for the card number therefore takes entries only
from a logged-in member (MijnBibliotheek), with the card number of that member's account; the
public page refuses it (``CARD_NEEDS_LOGIN``) and asks the visitor to log in. One entry per e-mail address, card number and member per campaign (also as database
constraints). Each entry adds one to the anonymous count of its day and channel, which stays.
"""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from kaft.core.limits import CONTEST_ENTRY, limit_count, limit_reached
from kaft.members.cards import card_number_is_valid, card_number_typed
from kaft.members.models import Member
from kaft.outreach.errors import OutreachError
from kaft.outreach.errors.contests import ContestErrorCode
from kaft.outreach.models import (
    Campaign,
    CampaignStatus,
    ContestDailyCount,
    ContestField,
    Entry,
    EntryChannel,
    WinnersShown,
)

MAX_ANSWER = 1000
LANGUAGES = ("nl", "en")


def campaign_is_running(campaign: Campaign, *, today: dt.date | None = None) -> bool:
    """Whether people may enter now: the campaign is open and today is within its days."""
    day = today or timezone.localdate()
    return campaign.status == CampaignStatus.OPEN and campaign.starts_on <= day <= campaign.ends_on


def _asked_values(
    campaign: Campaign,
    *,
    first_name: str,
    last_name: str,
    email: str,
    card_number: str,
    answer: str,
) -> dict[str, str]:
    """The values of the asked fields, checked; every field not asked is empty."""
    values = {"first_name": "", "last_name": "", "email": "", "card_number": "", "answer": ""}
    if campaign.asks(ContestField.NAME):
        values["first_name"] = first_name.strip()[:80]
        values["last_name"] = last_name.strip()[:120]
        if not values["first_name"] or not values["last_name"]:
            raise OutreachError(ContestErrorCode.FIELD_MISSING, field=ContestField.NAME.label)
    if campaign.asks(ContestField.EMAIL):
        address = email.strip().lower()
        if not address:
            raise OutreachError(ContestErrorCode.FIELD_MISSING, field=ContestField.EMAIL.label)
        try:
            validate_email(address)
        except ValidationError:
            raise OutreachError(ContestErrorCode.EMAIL_INVALID) from None
        values["email"] = address
    if campaign.asks(ContestField.CARD_NUMBER):
        card = card_number_typed(card_number)
        if not card:
            raise OutreachError(
                ContestErrorCode.FIELD_MISSING, field=ContestField.CARD_NUMBER.label
            )
        if not card_number_is_valid(card):
            raise OutreachError(ContestErrorCode.CARD_INVALID)
        values["card_number"] = card
    if campaign.asks(ContestField.ANSWER):
        text = answer.strip()
        if not text:
            raise OutreachError(ContestErrorCode.FIELD_MISSING, field=ContestField.ANSWER.label)
        if len(text) > MAX_ANSWER:
            raise OutreachError(ContestErrorCode.ANSWER_TOO_LONG, max_length=MAX_ANSWER)
        values["answer"] = text
    return values


def entry_create(
    *,
    campaign: Campaign,
    channel: EntryChannel,
    member: Member | None,
    first_name: str = "",
    last_name: str = "",
    email: str = "",
    card_number: str = "",
    answer: str = "",
    name_shown: bool = False,
    language: str = "nl",
    client: str | None = None,
) -> Entry:
    """Enter ``campaign``: store only what it asks, count the entry for its day and channel.

    ``member``: the logged-in member (MijnBibliotheek), None on the public page. ``client``: the
    public page's client address, counted against :data:`~kaft.core.limits.CONTEST_ENTRY`
    before the transaction (a refusal inside it does not undo the count). Refused, nothing
    written: too many entries from the client, a campaign not running, an asked field empty or
    invalid, the address, card or member already in.
    A campaign that asks for the card number takes only a ``member`` (``CARD_NEEDS_LOGIN``
    without one), and the card number stored is that member's, whatever ``card_number`` says.
    """
    if campaign.asks(ContestField.CARD_NUMBER):
        if member is None:
            raise OutreachError(ContestErrorCode.CARD_NEEDS_LOGIN)
        card_number = member.card_number
    if client is not None:
        if limit_reached(CONTEST_ENTRY, client):
            raise OutreachError(ContestErrorCode.TOO_MANY_ENTRIES)
        limit_count(CONTEST_ENTRY, client)
    values = _asked_values(
        campaign,
        first_name=first_name,
        last_name=last_name,
        email=email,
        card_number=card_number,
        answer=answer,
    )
    shows = (
        bool(name_shown)
        and campaign.winners_shown == WinnersShown.FIRST_NAME_INITIAL
        and campaign.asks(ContestField.NAME)
    )
    try:
        with transaction.atomic():
            locked = Campaign.objects.select_for_update().get(pk=campaign.pk)
            if not campaign_is_running(locked):
                raise OutreachError(ContestErrorCode.NOT_RUNNING)
            if _already_in(locked, member, values):
                raise OutreachError(ContestErrorCode.ALREADY_ENTERED)
            now = timezone.now()
            entry = Entry.objects.create(
                campaign=locked,
                member=member,
                channel=channel,
                language=language if language in LANGUAGES else "nl",
                name_shown=shows,
                created_at=now,
                **values,
            )
            _count(locked, timezone.localdate(now), channel)
    except IntegrityError:  # the same address or card at the same moment
        raise OutreachError(ContestErrorCode.ALREADY_ENTERED) from None
    return entry


def _already_in(campaign: Campaign, member: Member | None, values: dict[str, str]) -> bool:
    entries = Entry.objects.filter(campaign=campaign)
    if member is not None and entries.filter(member=member).exists():
        return True
    if values["email"] and entries.filter(email=values["email"]).exists():
        return True
    return bool(
        values["card_number"] and entries.filter(card_number=values["card_number"]).exists()
    )


def _count(campaign: Campaign, day: dt.date, channel: EntryChannel) -> None:
    row, _ = ContestDailyCount.objects.get_or_create(
        campaign=campaign, day=day, channel=channel, defaults={"count": 0}
    )
    ContestDailyCount.objects.filter(pk=row.pk).update(count=F("count") + 1)


@transaction.atomic
def entry_withdraw(*, entry: Entry, member: Member) -> None:
    """Delete the member's own entry while its contest is open (before the draw). Locks the
    campaign, so a draw cannot pick the entry meanwhile. The day's count stays: it counts
    entries received. Refused (nothing deleted) once the contest is closed."""
    campaign = Campaign.objects.select_for_update().get(pk=entry.campaign_id)
    found = Entry.objects.filter(pk=entry.pk, member=member).first()
    if found is None:
        return  # already gone: withdrawing twice is withdrawing once
    if campaign.status != CampaignStatus.OPEN:
        raise OutreachError(ContestErrorCode.WITHDRAW_CLOSED)
    found.delete()

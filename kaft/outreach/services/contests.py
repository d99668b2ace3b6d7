"""Contests set up at the desk: saving a campaign and moving it through its life.

The life of a campaign is one table (:data:`CAMPAIGN_TRANSITIONS`)::

    (create) --> draft --open--> open --close--> closed --draw--> drawn

Only a draft can be changed: once people can enter, what they were asked and until when stays
as it was. Nothing else assigns ``Campaign.status``: :func:`_campaign_apply` does, after
:func:`kaft.core.lifecycle.next_state` said yes. Entering is in :mod:`.contests_entries`, the
draw in :mod:`.contests_draw`.

What a campaign may ask is :class:`~kaft.outreach.models.ContestField` and nothing else; it must
ask a way to reach a winner (e-mail address or card number), and showing winners by first name
and initial needs the name. The days its entries are kept after the last day are bounded by the
retention rule ``contest_entries`` (its period is the default for a new campaign).
"""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone

from kaft.core.lifecycle import TransitionNotAllowed, next_state
from kaft.members.models import User
from kaft.outreach.errors import OutreachError
from kaft.outreach.errors.contests import ContestErrorCode
from kaft.outreach.models import (
    Campaign,
    CampaignAction,
    CampaignStatus,
    ContestField,
    WinnersShown,
)
from kaft.outreach.models.contests import REACH_FIELDS

CAMPAIGN_TRANSITIONS: dict[tuple[CampaignStatus, CampaignAction], CampaignStatus] = {
    (CampaignStatus.DRAFT, CampaignAction.OPEN): CampaignStatus.OPEN,
    (CampaignStatus.OPEN, CampaignAction.CLOSE): CampaignStatus.CLOSED,
    (CampaignStatus.CLOSED, CampaignAction.DRAW): CampaignStatus.DRAWN,
}

MAX_WINNERS = 100
RULE = "contest_entries"


def keep_days_bounds() -> tuple[int, int]:
    """The fewest and most days a campaign may keep its entries after its last day."""
    from kaft.privacy.registry import RULES

    rule = RULES[RULE]
    assert rule.min_days is not None and rule.max_days is not None
    return rule.min_days, rule.max_days


def keep_days_default() -> int:
    """The days a new campaign keeps its entries: the library's period of the rule (the
    privacy officer's setting, else ``KAFT_CONTEST_ENTRY_DAYS``), within the bounds."""
    from kaft.privacy.services.retention import retention_periods

    low, high = keep_days_bounds()
    days = retention_periods().get(RULE) or low
    return min(max(days, low), high)


def _checked_fields(fields: list[str]) -> list[str]:
    known = set(ContestField.values)
    for field in fields:
        if field not in known:
            raise OutreachError(ContestErrorCode.FIELD_UNKNOWN, field=str(field)[:40])
    if not any(field in fields for field in REACH_FIELDS):
        raise OutreachError(ContestErrorCode.NO_WAY_TO_REACH)
    # In the list's own order, each once.
    return [field for field in ContestField.values if field in fields]


@transaction.atomic
def campaign_save(
    *,
    campaign: Campaign | None,
    title: str,
    question: str,
    description: str,
    starts_on: dt.date,
    ends_on: dt.date,
    fields: list[str],
    prize: str,
    winners_count: int,
    winners_shown: WinnersShown | str,
    keep_days: int,
    staff: User | None,
) -> Campaign:
    """Create a campaign (``campaign`` None) as a draft, or change a draft. Locks the campaign.

    Refused (nothing written): a campaign that is no longer a draft, a field outside the list,
    no way to reach a winner, shown winners without the name asked, the last day before the
    first, winners or days kept out of bounds, no title, question or prize.
    """
    if campaign is not None:
        campaign = Campaign.objects.select_for_update().get(pk=campaign.pk)
        if campaign.status != CampaignStatus.DRAFT:
            raise OutreachError(ContestErrorCode.NOT_EDITABLE)
    title, question, prize = title.strip(), question.strip(), prize.strip()
    if not (title and question and prize):
        raise OutreachError(ContestErrorCode.TEXT_MISSING)
    asked = _checked_fields(fields)
    shown = WinnersShown(winners_shown)
    if shown == WinnersShown.FIRST_NAME_INITIAL and ContestField.NAME not in asked:
        raise OutreachError(ContestErrorCode.SHOWN_NEEDS_NAME)
    if ends_on < starts_on:
        raise OutreachError(ContestErrorCode.DATES_ORDER)
    if not 1 <= winners_count <= MAX_WINNERS:
        raise OutreachError(ContestErrorCode.WINNERS_OUT_OF_BOUNDS, max_winners=MAX_WINNERS)
    low, high = keep_days_bounds()
    if not low <= keep_days <= high:
        raise OutreachError(ContestErrorCode.KEEP_DAYS_OUT_OF_BOUNDS, min_days=low, max_days=high)
    if campaign is None:
        campaign = Campaign(created_at=timezone.now(), created_by=staff)
    campaign.title = title
    campaign.question = question
    campaign.description = description.strip()
    campaign.starts_on = starts_on
    campaign.ends_on = ends_on
    campaign.fields = asked
    campaign.prize = prize
    campaign.winners_count = winners_count
    campaign.winners_shown = shown
    campaign.keep_days = keep_days
    campaign.entries_kept_until = ends_on + dt.timedelta(days=keep_days)
    campaign.save()
    return campaign


def _campaign_apply(campaign: Campaign, action: CampaignAction) -> None:
    """Move a locked campaign by ``action``; OutreachError MOVE_NOT_ALLOWED when the table has
    no such move from its state."""
    try:
        campaign.status = next_state(CAMPAIGN_TRANSITIONS, CampaignStatus(campaign.status), action)
    except TransitionNotAllowed:
        raise OutreachError(
            ContestErrorCode.MOVE_NOT_ALLOWED,
            status=CampaignStatus(campaign.status).label,
            action=action.label,
        ) from None


@transaction.atomic
def campaign_move(*, campaign: Campaign, action: CampaignAction, staff: User | None) -> Campaign:
    """Open or close a campaign (the draw is :func:`.contests_draw.campaign_draw`). Locks the
    campaign. Closing ends entering at once, also before the last day."""
    if action == CampaignAction.DRAW:
        raise OutreachError(
            ContestErrorCode.MOVE_NOT_ALLOWED,
            status=CampaignStatus(campaign.status).label,
            action=action.label,
        )
    locked = Campaign.objects.select_for_update().get(pk=campaign.pk)
    _campaign_apply(locked, action)
    locked.stamp_move(opened=action == CampaignAction.OPEN)
    return locked


def campaigns_close_ended(*, today: dt.date | None = None) -> int:
    """Close every open campaign whose last day has passed (the nightly task). Idempotent."""
    day = today or timezone.localdate()
    closed = 0
    for campaign in Campaign.objects.filter(status=CampaignStatus.OPEN, ends_on__lt=day):
        try:
            campaign_move(campaign=campaign, action=CampaignAction.CLOSE, staff=None)
        except OutreachError:
            continue  # closed meanwhile by staff
        closed += 1
    return closed

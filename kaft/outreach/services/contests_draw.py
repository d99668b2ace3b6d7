"""The draw of a contest's winners at the desk, and telling the winners.

The draw picks ``winners_count`` entries (or all, when fewer entered) uniformly at random with
:mod:`secrets` (the operating system's random source, not a seeded generator), among every entry
the closed campaign still holds. It is recorded as a :class:`~kaft.outreach.models.Draw`: who
drew, when, among how many entries, how many winners — no names. A campaign is drawn once: a
second draw is refused before anything is written (the state table, and the one-to-one draw).

Each winner is told by e-mail after the commit (:mod:`kaft.outreach.tasks_contests`), in the
entrant's language, at the address of the entry, else at the address of the entry's member
(an entry from MijnBibliotheek). A card number in an entry is never looked up to find someone
to mail: it could have been typed by anyone (:mod:`.contests_entries`). A winner with no address, or whose mail
failed, is shown at the desk as "not told" (the desk may try again, or reach them another way).
"""

from __future__ import annotations

import datetime as dt
import logging
import secrets
from email.utils import formataddr

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from kaft.core.library import library
from kaft.members.models import User
from kaft.outreach.errors import OutreachError
from kaft.outreach.errors.contests import ContestErrorCode
from kaft.outreach.models import Campaign, CampaignAction, CampaignStatus, Draw, Entry
from kaft.outreach.services.contests import _campaign_apply

logger = logging.getLogger(__name__)


@transaction.atomic
def campaign_draw(*, campaign: Campaign, staff: User | None) -> Draw:
    """Draw the winners of a closed campaign and record the draw. Locks the campaign.

    Refused, nothing written: drawn already (``ALREADY_DRAWN``), not closed
    (``MOVE_NOT_ALLOWED``), no entries (``NO_ENTRIES``). The winners are told after the commit.
    """
    locked = Campaign.objects.select_for_update().get(pk=campaign.pk)
    if locked.status == CampaignStatus.DRAWN or Draw.objects.filter(campaign=locked).exists():
        raise OutreachError(ContestErrorCode.ALREADY_DRAWN)
    entry_ids = list(
        Entry.objects.filter(campaign=locked).order_by("pk").values_list("pk", flat=True)
    )
    _campaign_apply(locked, CampaignAction.DRAW)  # refuses a campaign that is not closed
    if not entry_ids:
        raise OutreachError(ContestErrorCode.NO_ENTRIES)
    picker = secrets.SystemRandom()
    chosen = picker.sample(entry_ids, k=min(locked.winners_count, len(entry_ids)))
    Entry.objects.filter(pk__in=chosen).update(winner=True)
    locked.save(update_fields=["status"])
    draw = Draw.objects.create(
        campaign=locked,
        staff=staff,
        at=timezone.now(),
        entries_count=len(entry_ids),
        winners_count=len(chosen),
    )
    transaction.on_commit(lambda: _tell_later(chosen))
    return draw


def _tell_later(entry_ids: list[int]) -> None:
    from kaft.outreach.tasks_contests import tell_contest_winner

    for entry_id in sorted(entry_ids):
        tell_contest_winner.delay(entry_id)


def winner_address(entry: Entry) -> str:
    """Where a winner is told: the entry's address, else its member's. "" when there is none
    (never the address of whoever has the card number the entry gave)."""
    if entry.email:
        return entry.email
    if entry.member is not None and entry.member.email:
        return entry.member.email
    return ""


def winner_tell(*, entry_id: int) -> bool:
    """Tell one winner by e-mail (once: ``told_at`` is set after sending, and a told winner is
    not told again). Returns whether a mail went out."""
    entry = (
        Entry.objects.select_related("campaign", "member")
        .filter(pk=entry_id, winner=True, told_at__isnull=True)
        .first()
    )
    if entry is None:
        return False
    address = winner_address(entry)
    if not address:
        return False
    name = library().name
    campaign = entry.campaign
    with translation.override(entry.language or "nl"):
        subject = _("You have won: %(title)s") % {"title": campaign.title}
        body = _(
            "Hello,\n\n"
            "Congratulations: you are a winner of the contest “%(title)s” of %(library)s. "
            "Your prize: %(prize)s.\n\n"
            "Show this e-mail at the desk of any of our branches to collect your prize.\n\n"
            "We keep your entry only until %(until)s and use it for nothing else.\n\n"
            "%(library)s"
        ) % {
            "title": campaign.title,
            "library": name,
            "prize": campaign.prize,
            "until": _long_date(campaign.entries_kept_until),
        }
    message = EmailMessage(
        subject=subject,
        body=body,
        from_email=formataddr((name, settings.DEFAULT_FROM_EMAIL)),
        to=[address],
        headers={"Auto-Submitted": "auto-generated", "Content-Language": entry.language or "nl"},
    )
    try:
        message.send(fail_silently=False)
    except Exception as exc:  # the desk may tell again (winners_tell_again); no address logged
        logger.warning("contest winner mail for entry %s failed: %s", entry.pk, type(exc).__name__)
        return False
    Entry.objects.filter(pk=entry.pk).update(told_at=timezone.now())
    return True


def winners_tell_again(*, campaign: Campaign) -> int:
    """Queue the mail again for the campaign's winners not told yet (a mail server that was
    down). Returns how many were queued."""
    pending = list(
        Entry.objects.filter(campaign=campaign, winner=True, told_at__isnull=True).values_list(
            "pk", flat=True
        )
    )
    transaction.on_commit(lambda: _tell_later(pending))
    return len(pending)


def _long_date(day: dt.date) -> str:
    from django.utils.formats import date_format

    return str(date_format(day, "j F Y"))

"""Contests (*prijsvragen*): a campaign staff set up, the entries people send, the draw, and the
anonymous count of entries per day and channel.

A **campaign** asks the fewest fields possible, chosen from a fixed list (:class:`ContestField`):
at least one way to reach a winner (an e-mail address or a card number), nothing outside the
list. Its life is a table (``kaft/outreach/services/contests.py``): draft → open → closed →
drawn. Its entries are kept ``keep_days`` days after ``ends_on``; the last day is stored as
``entries_kept_until`` so the retention job reads one date (rule ``contest_entries``).

An **entry** holds only the fields its campaign asked (the service empties the rest), the member
when sent from MijnBibliotheek, and the entrant's yes to having their first name and initial
shown if they win. Nothing in an entry is used for anything but this contest.

A **draw** records who drew, when, among how many entries and how many winners: no names.
The **daily counts** (:class:`ContestDailyCount`) are kept after the entries are gone: that is
how the library measures response without keeping who responded.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from kaft.outreach.models.staff_made import OpenedByStaff

__all__ = [
    "ContestField",
    "CampaignStatus",
    "CampaignAction",
    "WinnersShown",
    "EntryChannel",
    "Campaign",
    "Entry",
    "Draw",
    "ContestDailyCount",
]


class ContestField(models.TextChoices):
    """What a campaign may ask: this list and nothing else."""

    NAME = "name", _("Name")
    EMAIL = "email", _("E-mail address")
    CARD_NUMBER = "card_number", _("Card number")
    ANSWER = "answer", _("Answer to the question")


# The fields by which a winner can be told: a campaign asks at least one of them.
REACH_FIELDS = (ContestField.EMAIL, ContestField.CARD_NUMBER)


class CampaignStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    OPEN = "open", _("Open")
    CLOSED = "closed", _("Closed")
    DRAWN = "drawn", _("Drawn")


class CampaignAction(models.TextChoices):
    OPEN = "open", _("Open")
    CLOSE = "close", _("Close")
    DRAW = "draw", _("Draw the winners")


class WinnersShown(models.TextChoices):
    NOT_SHOWN = "not_shown", _("Not shown")
    FIRST_NAME_INITIAL = (
        "first_name_initial",
        _("First name and initial, only with the winner's consent"),
    )


class EntryChannel(models.TextChoices):
    PUBLIC = "public", _("Public page")
    PORTAL = "portal", _("MijnBibliotheek")


class Campaign(OpenedByStaff):
    """A contest (see the module's docstring)."""

    title = models.CharField(_("title"), max_length=200)
    question = models.CharField(_("question"), max_length=500)
    description = models.TextField(_("description"), blank=True)
    starts_on = models.DateField(_("first day"))
    ends_on = models.DateField(_("last day"))
    # Codes of :class:`ContestField`; checked by the service.
    fields = models.JSONField(_("fields asked"), default=list)
    prize = models.CharField(_("prize"), max_length=300)
    winners_count = models.PositiveSmallIntegerField(_("number of winners"), default=1)
    winners_shown = models.CharField(
        _("winners shown"),
        max_length=20,
        choices=WinnersShown.choices,
        default=WinnersShown.NOT_SHOWN,
    )
    keep_days = models.PositiveSmallIntegerField(_("entries kept after the last day (days)"))
    # ``ends_on`` + ``keep_days``: the entries go the day after (retention rule contest_entries).
    entries_kept_until = models.DateField(_("entries kept until"))
    status = models.CharField(
        _("status"), max_length=10, choices=CampaignStatus.choices, default=CampaignStatus.DRAFT
    )

    class Meta(OpenedByStaff.Meta):
        verbose_name = _("contest")
        verbose_name_plural = _("contests")
        ordering = ["-starts_on", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__gte=models.F("starts_on")),
                name="outreach_campaign_ends_after_start",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def asks(self, field: str) -> bool:
        return field in (self.fields or [])


class Entry(models.Model):
    """One person's entry in a campaign: only the fields the campaign asked."""

    campaign = models.ForeignKey(
        Campaign, on_delete=models.CASCADE, related_name="entries", verbose_name=_("contest")
    )
    member = models.ForeignKey(
        "members.Member",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="contest_entries",
        verbose_name=_("member"),
    )
    channel = models.CharField(_("entered via"), max_length=10, choices=EntryChannel.choices)
    first_name = models.CharField(_("first name"), max_length=80, blank=True)
    last_name = models.CharField(_("last name"), max_length=120, blank=True)
    email = models.EmailField(_("e-mail address"), blank=True)
    card_number = models.CharField(_("card number"), max_length=32, blank=True)
    answer = models.TextField(_("answer"), blank=True)
    language = models.CharField(_("language"), max_length=5, default="nl")
    name_shown = models.BooleanField(_("first name and initial may be shown if a winner"))
    created_at = models.DateTimeField(_("entered"))
    winner = models.BooleanField(_("winner"), default=False)
    told_at = models.DateTimeField(_("winner told"), null=True, blank=True)

    class Meta:
        verbose_name = _("contest entry")
        verbose_name_plural = _("contest entries")
        ordering = ["created_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["campaign", "member"],
                condition=Q(member__isnull=False),
                name="outreach_entry_once_per_member",
            ),
            models.UniqueConstraint(
                fields=["campaign", "email"],
                condition=~Q(email=""),
                name="outreach_entry_once_per_address",
            ),
            models.UniqueConstraint(
                fields=["campaign", "card_number"],
                condition=~Q(card_number=""),
                name="outreach_entry_once_per_card",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.campaign_id}/{self.pk}"

    @property
    def shown_name(self) -> str:
        """First name and the last name's initial ("Sanne V."), as a winners list shows it."""
        initial = self.last_name.strip()[:1].upper()
        return f"{self.first_name.strip()} {initial}." if initial else self.first_name.strip()


class Draw(models.Model):
    """The draw of a campaign's winners: who drew, when, among how many. One per campaign."""

    campaign = models.OneToOneField(
        Campaign, on_delete=models.CASCADE, related_name="draw", verbose_name=_("contest")
    )
    staff = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("drawn by"),
    )
    at = models.DateTimeField(_("drawn"))
    entries_count = models.PositiveIntegerField(_("entries"))
    winners_count = models.PositiveSmallIntegerField(_("winners"))

    class Meta:
        verbose_name = _("contest draw")
        verbose_name_plural = _("contest draws")

    def __str__(self) -> str:
        return f"{self.campaign_id} {self.at:%Y-%m-%d}"


class ContestDailyCount(models.Model):
    """How many entries a campaign received on a day through a channel: nobody's data."""

    campaign = models.ForeignKey(
        Campaign, on_delete=models.CASCADE, related_name="daily_counts", verbose_name=_("contest")
    )
    day = models.DateField(_("day"))
    channel = models.CharField(_("entered via"), max_length=10, choices=EntryChannel.choices)
    count = models.PositiveIntegerField(_("entries"), default=0)

    class Meta:
        verbose_name = _("contest entries per day")
        verbose_name_plural = _("contest entries per day")
        ordering = ["day", "channel"]
        constraints = [
            models.UniqueConstraint(
                fields=["campaign", "day", "channel"], name="outreach_contest_count_once"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.campaign_id} {self.day} {self.channel}: {self.count}"

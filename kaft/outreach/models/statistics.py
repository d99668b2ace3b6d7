"""Outreach: statistics. Anonymous daily counts the staff statistics page reads.

Two things are not kept anywhere else, so they are counted here, one row per day and key, raised
by one ``INSERT … ON CONFLICT DO UPDATE`` per event (``kaft/outreach/services/statistics.py``),
never a row per event:

- :class:`SearchTermDay`: how often a normalised search term was looked for in the public
  catalogue that day. No session, member, address or time of day; the page shows a term only when
  it occurred at least ``KAFT_STATS_MIN_TERM_COUNT`` times in the chosen period. A term used fewer
  times than that in its calendar month (a name, an address) does not stay: the retention job
  deletes its rows ``KAFT_STATS_RARE_TERM_DAYS`` after their day, once the month is over (rule
  ``rare_search_terms``, ``kaft/privacy/services/retention/targets.py``).
- :class:`PageViewDay`: page views per day and page group (``catalogus``, ``titel``, ``mijn`` …),
  Kaft's only page-view count (``kaft/portal/page_views.py``): a logged-in member counts only with
  a standing yes to ``site_statistics``, a visitor who is not logged in only after accepting in
  the cookie banner. Who viewed, and which title or page, is not stored.

One more is a monthly snapshot, because its source does not survive retention:

- :class:`MembersMonth`: new members and active members (who borrowed) per month, member category
  and age band. *Active* needs to tell members apart, which the loans can only do while they are
  still linked to their member; *new* needs the age band at joining, from a date of birth that
  erasure clears. A nightly job (``kaft/outreach/tasks_statistics.py``) counts the current and
  the previous month before the retention job runs and keeps the highest count seen, so the
  numbers stay when the links are gone.
"""

from __future__ import annotations

from django.db import models
from django.db.models import Value
from django.db.models.functions import Coalesce
from django.utils.translation import gettext_lazy as _

__all__ = ["TERM_MAX_LENGTH", "MembersKind", "MembersMonth", "PageViewDay", "SearchTermDay"]

TERM_MAX_LENGTH = 100


class SearchTermDay(models.Model):
    """How many times a search term was used in the public catalogue on one day: nobody's data."""

    day = models.DateField(_("day"))
    term = models.CharField(_("search term"), max_length=TERM_MAX_LENGTH)
    count = models.PositiveIntegerField(_("searches"), default=0)

    class Meta:
        verbose_name = _("search term per day")
        verbose_name_plural = _("search terms per day")
        constraints = [
            models.UniqueConstraint(fields=["day", "term"], name="outreach_search_term_once"),
        ]

    def __str__(self) -> str:
        return f"{self.day} {self.term}: {self.count}"


class PageViewDay(models.Model):
    """How many pages of one group were viewed on one day with the visitor's yes: nobody's data."""

    day = models.DateField(_("day"))
    group = models.CharField(_("page group"), max_length=20)
    count = models.PositiveIntegerField(_("views"), default=0)

    class Meta:
        verbose_name = _("page views per day")
        verbose_name_plural = _("page views per day")
        constraints = [
            models.UniqueConstraint(fields=["day", "group"], name="outreach_page_view_once"),
        ]

    def __str__(self) -> str:
        return f"{self.day} {self.group}: {self.count}"


class MembersKind(models.TextChoices):
    NEW = "new", _("New members")
    ACTIVE = "active", _("Active members")


class MembersMonth(models.Model):
    """How many members joined, or borrowed, in one month, per category and age band: a count.

    ``category`` is empty when unknown; ``age_band`` is "" when unknown (an erased member)."""

    month = models.DateField(_("month"))  # its first day
    kind = models.CharField(_("kind"), max_length=10, choices=MembersKind.choices)
    category = models.ForeignKey(
        "members.MemberCategory",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("category"),
    )
    age_band = models.CharField(_("age band"), max_length=5, blank=True)
    count = models.PositiveIntegerField(_("members"), default=0)

    class Meta:
        verbose_name = _("members per month")
        verbose_name_plural = _("members per month")
        constraints = [
            # "Unknown category" (NULL) included: an index on expressions, as LoanRule does.
            models.UniqueConstraint(
                "month",
                "kind",
                Coalesce("category", Value(0)),
                "age_band",
                name="outreach_members_month_once",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.month} {self.kind} {self.category_id} {self.age_band}: {self.count}"

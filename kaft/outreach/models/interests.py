"""Interests (*interesses*): a list the library keeps, and the ones a member chose.

An **interest** is a genre, a subject, an age group or an activity of a branch, named in Dutch
and English. ``subjects`` names the catalogue's subjects and genres it stands for (one per line,
as in :attr:`kaft.catalog.models.Record.subjects`): that is how a tip is found for it; an
activity without subjects gives no tips, only newsletters "by interest". The list is the
library's: administrators keep it at the desk (``desk:interests``) and in the admin;
:func:`kaft.outreach.services.interests.interests_seed_defaults` adds a sensible Dutch
public-library list.

A **member's interest** exists only while the member consents to their interests being kept
(purpose ``interests``): the service refuses one without the consent, and withdrawing the
consent, wherever it is done, deletes all of them at once (``OutreachConfig.ready``).
"""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from kaft.catalog.models import Audience, Branch
from kaft.members.models import Member

__all__ = ["InterestKind", "Interest", "MemberInterest"]


class InterestKind(models.TextChoices):
    GENRE = "genre", _("Genre")
    SUBJECT = "subject", _("Subject")
    AGE_GROUP = "age_group", _("Age group")
    ACTIVITY = "activity", _("Activity in a branch")


class Interest(models.Model):
    """One interest members can choose. Only ``active`` ones are offered."""

    code = models.SlugField(_("code"), max_length=50, unique=True)
    name_nl = models.CharField(_("name (Dutch)"), max_length=80)
    name_en = models.CharField(_("name (English)"), max_length=80)
    kind = models.CharField(_("kind"), max_length=10, choices=InterestKind.choices)
    # Only for an activity: the branch where it takes place (empty: in every branch).
    branch = models.ForeignKey(
        Branch,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("branch"),
    )
    subjects = models.TextField(
        _("catalogue subjects"),
        blank=True,
        help_text=_("Subjects and genres of the catalogue this interest stands for, one per line."),
    )
    audience = models.CharField(
        _("audience"),
        max_length=8,
        choices=Audience.choices,
        blank=True,
        help_text=_("Tips only from titles for this audience (empty: any)."),
    )
    active = models.BooleanField(_("active"), default=True)
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("interest")
        verbose_name_plural = _("interests")
        ordering = ["order", "name_nl"]
        constraints = [
            models.CheckConstraint(
                condition=Q(branch__isnull=True) | Q(kind="activity"),
                name="outreach_interest_branch_activity",
            )
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        """The name in the language of the page (Dutch unless English is asked)."""
        return self.name_en if (get_language() or "nl").startswith("en") else self.name_nl

    @property
    def subject_list(self) -> list[str]:
        return [line.strip() for line in self.subjects.splitlines() if line.strip()]


class MemberInterest(models.Model):
    """An interest a member chose (only with the ``interests`` consent)."""

    member = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="chosen_interests")
    interest = models.ForeignKey(
        Interest, on_delete=models.CASCADE, related_name="chosen_by", verbose_name=_("interest")
    )
    chosen_at = models.DateTimeField(_("chosen"))

    class Meta:
        verbose_name = _("member's interest")
        verbose_name_plural = _("members' interests")
        constraints = [
            models.UniqueConstraint(
                fields=["member", "interest"], name="outreach_memberinterest_once"
            )
        ]
        indexes = [models.Index(fields=["interest", "member"], name="outreach_memberinterest_int")]

    def __str__(self) -> str:
        return str(self.interest)

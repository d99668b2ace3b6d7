"""Consents: what a member agreed to, when, how and under which version of the statement."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from kaft.members.models import Member


class ConsentPurpose(models.TextChoices):
    """Every purpose that needs the member's own yes. Later issues use some of them."""

    NEWSLETTER = "newsletter", _("Newsletter by e-mail")
    RESEARCH_PANEL = "research_panel", _("Research panel (Biebpanel)")
    INTERESTS = "interests", _("Interests and recommendations")
    LOAN_HISTORY = "loan_history", _("Keeping my loan history")
    SITE_STATISTICS = "site_statistics", _("Usage statistics on the website")
    PARTNER_SERVICES = "partner_services", _("Partner services such as e-books")
    CONTESTS = "contests", _("Contests and promotions")
    DIRECT_DEBIT = "direct_debit", _("Paying by direct debit")


class ConsentVia(models.TextChoices):
    PORTAL = "portal", _("MijnBibliotheek")
    DESK = "desk", _("At the desk")
    PAPER = "paper", _("On paper")
    GUARDIAN = "guardian", _("By a parent or guardian")
    EMAIL_LINK = "email_link", _("Through a link in an e-mail")


class Consent(models.Model):
    """The current answer of one member for one purpose. History: :class:`ConsentEvent`."""

    member = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="consents")
    purpose = models.CharField(_("purpose"), max_length=20, choices=ConsentPurpose.choices)
    given = models.BooleanField(_("given"))
    since = models.DateTimeField(_("since"))
    # A yes a parent or guardian gave while the member was under 16: it no longer counts from
    # the 16th birthday on, until the member confirms it (kaft.privacy.services.consent).
    by_guardian = models.BooleanField(_("given by a parent or guardian"), default=False)

    class Meta:
        verbose_name = _("consent")
        verbose_name_plural = _("consents")
        constraints = [
            models.UniqueConstraint(fields=["member", "purpose"], name="consent_one_per_purpose")
        ]
        indexes = [models.Index(fields=["purpose", "given"], name="consent_purpose_given")]


class ConsentEvent(models.Model):
    """One giving or withdrawing of a consent: kept as the member's consent history."""

    member = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="consent_events")
    purpose = models.CharField(_("purpose"), max_length=20, choices=ConsentPurpose.choices)
    given = models.BooleanField(_("given"))
    at = models.DateTimeField(_("at"))
    via = models.CharField(_("how"), max_length=10, choices=ConsentVia.choices)
    statement_version = models.ForeignKey(
        "privacy.StatementVersion",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("privacy statement version"),
    )
    staff = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    # A parent or guardian who answered for a child under 16.
    guardian = models.ForeignKey(
        Member, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("consent event")
        verbose_name_plural = _("consent history")
        indexes = [models.Index(fields=["member", "at"], name="consentevent_member_at")]

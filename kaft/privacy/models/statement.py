"""Versions of the library's privacy statement, who saw a new one, and what members answered."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from kaft.members.models import Member


class StatementVersion(models.Model):
    """One version of the privacy statement. Drafts have no ``published_at``."""

    version = models.CharField(_("version"), max_length=20, unique=True)
    text_nl = models.TextField(_("text (Dutch)"))
    text_en = models.TextField(_("text (English)"))
    summary_nl = models.TextField(_("what changed (Dutch)"), blank=True)
    summary_en = models.TextField(_("what changed (English)"), blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    published_at = models.DateTimeField(_("published"), null=True, blank=True, db_index=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("privacy statement version")
        verbose_name_plural = _("privacy statement versions")
        ordering = ["-published_at", "-pk"]

    def __str__(self) -> str:
        return self.version


class StatementSeen(models.Model):
    """A member was shown a published version (at login), so it is not shown again."""

    member = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="statements_seen")
    version = models.ForeignKey(StatementVersion, on_delete=models.CASCADE, related_name="+")
    at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["member", "version"], name="statementseen_once")
        ]


class StatementResponse(models.Model):
    """A member's reaction to a version; it lands in the privacy officer's inbox at the desk."""

    member = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="statement_responses")
    version = models.ForeignKey(StatementVersion, on_delete=models.PROTECT, related_name="+")
    message = models.TextField(_("message"), max_length=4000)
    at = models.DateTimeField(_("sent"))
    handled_at = models.DateTimeField(_("handled"), null=True, blank=True)
    handled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("response to the privacy statement")
        verbose_name_plural = _("responses to the privacy statement")

"""Erasure requests and the library's retention settings and runs."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from kaft.members.models import Member


class ErasureStatus(models.TextChoices):
    WAITING = "waiting", _("Waiting until nothing is on loan or owed")
    DONE = "done", _("Erased")
    CANCELLED = "cancelled", _("Cancelled")


class ErasureRequest(models.Model):
    """A member asked to be deleted. Done at once when nothing stands in the way, otherwise by
    the daily job as soon as it is settled. The row outlives the member's data: it holds no
    personal data once done (``member`` then points at the anonymised row)."""

    member = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="erasure_requests")
    requested_at = models.DateTimeField(_("requested"))
    status = models.CharField(
        _("status"), max_length=10, choices=ErasureStatus.choices, default=ErasureStatus.WAITING
    )
    done_at = models.DateTimeField(_("erased"), null=True, blank=True)
    staff = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("erasure request")
        verbose_name_plural = _("erasure requests")
        constraints = [
            models.UniqueConstraint(
                fields=["member"],
                condition=models.Q(status="waiting"),
                name="erasurerequest_one_waiting",
            )
        ]


class RetentionSetting(models.Model):
    """The library's own period for one retention rule, within the rule's bounds."""

    rule = models.CharField(_("rule"), max_length=40, unique=True)
    days = models.PositiveIntegerField(_("days"))
    changed_at = models.DateTimeField(_("changed"), auto_now=True)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("retention setting")
        verbose_name_plural = _("retention settings")


class RetentionRun(models.Model):
    """One run of the retention job: when, and how many rows each rule touched.

    The nightly job starts itself (``requested_by`` empty); a privacy officer may ask for a run
    now (``requested_by``; ``started_at`` is then the moment asked). While it works ``running``
    is set, on one run at a time (a database rule), and ``steps_done`` of ``steps_total`` (a step: one table under a rule) says
    how far it is; ``counts`` fills in rule by rule.
    """

    started_at = models.DateTimeField()
    finished_at = models.DateTimeField(null=True, blank=True)
    counts = models.JSONField(default=dict)
    running = models.BooleanField(default=False)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    steps_done = models.PositiveSmallIntegerField(default=0)
    steps_total = models.PositiveSmallIntegerField(default=0)

    class Meta:
        verbose_name = _("retention run")
        verbose_name_plural = _("retention runs")
        ordering = ["-started_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["running"],
                condition=models.Q(running=True),
                name="retention_one_run_at_a_time",
            )
        ]

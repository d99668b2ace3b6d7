"""The outbox: every message to a member is a row here first, then sent by a task after commit.

A notice is born ``pending`` (or ``failed`` when it cannot be delivered at all, with a
``problem`` saying why). Every later change of status goes through
:func:`kaft.notices.lifecycle.notice_apply`.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from kaft.members.models import Channel, Member, MessageType


class NoticeStatus(models.TextChoices):
    PENDING = "pending", _("Waiting to be sent")
    SENDING = "sending", _("Being sent")
    SENT = "sent", _("Sent")
    FAILED = "failed", _("Failed")


class NoticeProblem(models.TextChoices):
    """Why a notice was not (or not yet) delivered."""

    NO_EMAIL = "no_email", _("The member has no e-mail address")
    NO_PHONE = "no_phone", _("The member has no mobile phone number for text messages")
    NO_ADDRESS = "no_address", _("The member has no postal address for a letter")
    CHANNEL_UNAVAILABLE = "channel_unavailable", _("No SMS provider is set up")
    TOO_MANY_ATTEMPTS = "too_many_attempts", _("Sending failed too many times")
    NO_CONSENT = (
        "no_consent",
        _("Not sent: the member no longer gives the consent this message needs"),
    )
    DELIVERY_UNCERTAIN = (
        "delivery_uncertain",
        _("The worker stopped while sending: check whether it arrived before sending it again"),
    )


class Notice(models.Model):
    member = models.ForeignKey(
        Member, on_delete=models.SET_NULL, null=True, blank=True, related_name="notices"
    )
    message_type = models.CharField(_("message"), max_length=20, choices=MessageType.choices)
    channel = models.CharField(
        _("channel"), max_length=10, choices=Channel.choices, default=Channel.EMAIL
    )
    # What makes this message unique (e.g. "hold_ready:42:1764000000"): never queued twice.
    dedup_key = models.CharField(max_length=100, unique=True)
    language = models.CharField(_("language"), max_length=2, default="nl")
    recipient = models.CharField(_("recipient"), max_length=254, blank=True)
    subject = models.CharField(_("subject"), max_length=200)
    body = models.TextField(_("text"))
    status = models.CharField(
        _("status"), max_length=10, choices=NoticeStatus.choices, default=NoticeStatus.PENDING
    )
    problem = models.CharField(
        _("problem"), max_length=20, choices=NoticeProblem.choices, blank=True
    )
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    # The safety net (send_pending_notices) picks up pending notices from this moment on.
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    # Set when a worker claims the notice; also the token that worker's later update must match.
    claimed_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)
    # A letter: the print run that last gathered it (it counts as sent when that run is confirmed).
    print_run = models.ForeignKey(
        "PrintRun", on_delete=models.SET_NULL, null=True, blank=True, related_name="letters"
    )

    class Meta:
        verbose_name = _("message")
        verbose_name_plural = _("messages")
        indexes = [
            models.Index(fields=["status", "next_attempt_at"], name="notice_status_next_attempt"),
        ]

    def __str__(self) -> str:
        return f"{self.get_message_type_display()} #{self.pk}"


class DeliveryAttempt(models.Model):
    notice = models.ForeignKey(Notice, on_delete=models.CASCADE, related_name="delivery_attempts")
    at = models.DateTimeField(_("at"))
    ok = models.BooleanField(_("delivered"))
    error = models.CharField(_("error"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("delivery attempt")
        verbose_name_plural = _("delivery attempts")
        ordering = ["at", "pk"]


class PrintRunStatus(models.TextChoices):
    BUILDING = "building", _("Being made")
    READY = "ready", _("Ready to print")
    CONFIRMED = "confirmed", _("Printed")
    FAILED = "failed", _("Could not be made")


class PrintRun(models.Model):
    """One day's letters gathered into one PDF at the desk (:mod:`kaft.notices.services.letters`).

    The row keeps counts and the file's name in ``storages["files"]``; the file holds the members'
    names and addresses and is deleted by the retention job (the ``print_runs`` rule, 7 days)."""

    created_at = models.DateTimeField(_("made"))
    created_by = models.ForeignKey(
        "members.User", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    status = models.CharField(
        _("status"), max_length=10, choices=PrintRunStatus.choices, default=PrintRunStatus.BUILDING
    )
    total = models.PositiveIntegerField(_("letters"), default=0)
    done = models.PositiveIntegerField(_("letters done"), default=0)
    file = models.CharField(max_length=200, blank=True)
    confirmed_at = models.DateTimeField(_("printed"), null=True, blank=True)
    confirmed_by = models.ForeignKey(
        "members.User", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("print run")
        verbose_name_plural = _("print runs")
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.get_status_display()} #{self.pk}"

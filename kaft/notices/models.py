"""The outbox: every message to a member is a row here first, then sent by a task after commit.

A notice is born ``pending`` (or ``failed`` when it cannot be delivered at all, with a
``problem`` saying why). Every later change of status goes through
:func:`kaft.notices.lifecycle.notice_apply`.
"""

from __future__ import annotations

from decimal import Decimal

from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q, Value
from django.db.models.functions import Coalesce
from django.utils.translation import gettext_lazy as _

from kaft.members.models import Channel, Member, MemberCategory, MessageType


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


# --- the reminder schedule (Koha's overdue rules) ---------------------------------------------


class ReminderMessage(models.TextChoices):
    """What a step of the schedule tells the member."""

    REMINDER = "reminder", _("Reminder (herinnering)")
    INVOICE = "invoice", _("Invoice (aanmaning)")
    NONE = "none", _("No message")


class ReminderChannel(models.TextChoices):
    """The channel of a step: the member's own choice, or one the library forces."""

    PREFERRED = "", _("The member's choice")
    EMAIL = "email", _("Always by e-mail")
    SMS = "sms", _("Always by SMS")
    LETTER = "letter", _("Always by letter")


class ReminderSchedule(models.Model):
    """The steps a member category's overdue loans go through. The schedule without a category
    is the default, for every category without one of its own."""

    category = models.OneToOneField(
        MemberCategory,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="reminder_schedule",
        verbose_name=_("member category"),
        help_text=_("Empty: the default schedule, for every category without one of its own."),
    )

    class Meta:
        verbose_name = _("reminder schedule")
        verbose_name_plural = _("reminder schedules")
        constraints = [
            # One default schedule: NULLs are distinct in a unique column, so the default is
            # made unique by mapping the empty category to 0.
            models.UniqueConstraint(
                Coalesce("category", Value(0)),
                name="reminderschedule_one_per_category",
                violation_error_message=_("There is already a schedule for this category."),
            ),
        ]

    def __str__(self) -> str:
        if self.category_id is None:
            return str(_("Default schedule"))
        return str(_("Schedule for %(category)s") % {"category": self.category})


class ReminderStep(models.Model):
    """One step: so many days after the due date, this message by this channel, these charges,
    an invoice, and at the end the loan counted as lost."""

    schedule = models.ForeignKey(ReminderSchedule, on_delete=models.CASCADE, related_name="steps")
    days_after_due = models.PositiveSmallIntegerField(
        _("days after the due date"), validators=[MinValueValidator(1)]
    )
    message = models.CharField(
        _("message"), max_length=10, choices=ReminderMessage.choices, default="reminder"
    )
    channel = models.CharField(
        _("channel"), max_length=10, choices=ReminderChannel.choices, blank=True, default=""
    )
    administration_fee = models.DecimalField(
        _("administration fee"),
        max_digits=7,
        decimal_places=2,
        default=Decimal("0.00"),
        validators=[MinValueValidator(Decimal("0.00"))],
        help_text=_("Charged once per message; 0: none."),
    )
    charge_replacement = models.BooleanField(
        _("charge the replacement price"),
        default=False,
        help_text=_("Each copy's replacement price, once per loan."),
    )
    make_invoice = models.BooleanField(
        _("put the charges on an invoice"),
        default=False,
        help_text=_("The loans' open charges go on one invoice per message."),
    )
    declare_lost = models.BooleanField(
        _("count the loan as lost"),
        default=False,
        help_text=_("The loan ends as lost and the copy is marked lost."),
    )

    class Meta:
        verbose_name = _("reminder step")
        verbose_name_plural = _("reminder steps")
        ordering = ["schedule", "days_after_due"]
        constraints = [
            models.UniqueConstraint(
                fields=["schedule", "days_after_due"],
                name="reminderstep_one_per_day",
                violation_error_message=_("Two steps of a schedule cannot fall on the same day."),
            ),
            models.CheckConstraint(
                condition=Q(days_after_due__gte=1), name="reminderstep_after_due_date"
            ),
            models.CheckConstraint(
                condition=Q(administration_fee__gte=0), name="reminderstep_fee_not_negative"
            ),
        ]

    def __str__(self) -> str:
        return f"+{self.days_after_due}: {self.get_message_display()}"


class ReminderOutcome(models.TextChoices):
    SENT = "sent", _("Sent")
    SKIPPED = "skipped", _("Passed over (a later step was due)")
    DONE = "done", _("Done (no message)")


class LoanReminder(models.Model):
    """A step of the schedule done for one loan: never twice (the unique constraint)."""

    loan = models.ForeignKey("circulation.Loan", on_delete=models.CASCADE, related_name="reminders")
    step = models.ForeignKey(
        ReminderStep, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    # The step's day when it was done: a step moved or deleted later does not make the loan go
    # through the same part of the schedule again.
    days_after_due = models.PositiveSmallIntegerField(_("days after the due date"))
    message = models.CharField(_("message"), max_length=10, choices=ReminderMessage.choices)
    outcome = models.CharField(_("outcome"), max_length=10, choices=ReminderOutcome.choices)
    done_on = models.DateField(_("on"))
    notice = models.ForeignKey(
        Notice, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    invoice = models.ForeignKey(
        "billing.Invoice", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("reminder of a loan")
        verbose_name_plural = _("reminders of loans")
        constraints = [
            models.UniqueConstraint(fields=["loan", "step"], name="loanreminder_once_per_step"),
        ]
        indexes = [models.Index(fields=["done_on"], name="loanreminder_done_on")]


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


class MessageText(models.Model):
    """A message text an administrator wrote (*Berichtteksten* at the desk), used instead of
    Kaft's own text for one message, channel and language (:mod:`kaft.notices.texts`). The
    texts hold placeholders such as ``{{ title }}``; never a member's data."""

    template = models.CharField(_("message"), max_length=40)  # the notices/<template>_*.txt name
    channel = models.CharField(_("channel"), max_length=10, choices=Channel.choices)
    language = models.CharField(_("language"), max_length=2)
    subject = models.CharField(_("subject"), max_length=200)
    body = models.TextField(_("text"))
    changed_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("message text")
        verbose_name_plural = _("message texts")
        constraints = [
            models.UniqueConstraint(
                fields=["template", "channel", "language"], name="messagetext_one_per_kind"
            )
        ]

    def __str__(self) -> str:
        return f"{self.template} {self.channel} {self.language}"

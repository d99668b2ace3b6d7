"""Newsletters: who asked for them (double opt-in), the issues staff write, and which issue went
to which subscription.

A **subscription** belongs to a member (the address is the member's e-mail address at the moment
of sending) or, for someone who is no member, to an e-mail address alone. It starts ``pending``:
nothing is sent but the confirmation link (only its hash is kept). Following the link makes it
``active`` and records the consent with the privacy statement's version: for a member as the
member's newsletter consent (``privacy.Consent``, purpose ``newsletter``), for anyone else on the
subscription itself (``statement_version``, ``confirmed_at``). Unsubscribing ends it at once
(``ended``); a member who withdraws the newsletter consent anywhere ends it too. A hard bounce
marks it ``undeliverable_at``: nothing more is sent until the address changes.

An **issue** is written at the desk (Markdown), previewed, tried out, given an audience and
sent (or scheduled). Sending makes one **delivery** per subscription in the audience at that
moment, never two (a unique constraint), and each delivery is sent by a worker after checking
the consent again. Results are counts per issue (sent, bounced, unsubscribed through it): no
opens, no clicks.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

__all__ = [
    "SubscriptionStatus",
    "SubscriptionVia",
    "Subscription",
    "IssueStatus",
    "IssueAudience",
    "NewsletterIssue",
    "NewsletterImage",
    "DeliveryStatus",
    "Delivery",
]


class SubscriptionStatus(models.TextChoices):
    PENDING = "pending", _("Waiting for confirmation")
    ACTIVE = "active", _("Subscribed")
    ENDED = "ended", _("Unsubscribed")


class SubscriptionVia(models.TextChoices):
    PORTAL = "portal", _("MijnBibliotheek")
    DESK = "desk", _("At the desk")
    PUBLIC = "public", _("Public page")


class Subscription(models.Model):
    """One person's subscription to the library's newsletter (see the module's docstring)."""

    member = models.ForeignKey(
        "members.Member",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="newsletter_subscriptions",
        verbose_name=_("member"),
    )
    # Only for someone who is no member; a member's mail goes to the member's own address.
    email = models.EmailField(_("e-mail address"), blank=True)
    status = models.CharField(
        _("status"),
        max_length=10,
        choices=SubscriptionStatus.choices,
        default=SubscriptionStatus.PENDING,
    )
    via = models.CharField(_("signed up via"), max_length=10, choices=SubscriptionVia.choices)
    # The branch whose news the subscriber wants (a member: the home branch unless chosen).
    branch = models.ForeignKey(
        "catalog.Branch",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("branch"),
    )
    language = models.CharField(_("language"), max_length=5, default="nl")
    # SHA-256 of the confirmation link's token; emptied once confirmed.
    confirm_token_hash = models.CharField(max_length=64, blank=True, db_index=True)
    requested_at = models.DateTimeField(_("signed up"))
    confirmed_at = models.DateTimeField(_("confirmed"), null=True, blank=True)
    statement_version = models.ForeignKey(
        "privacy.StatementVersion",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("privacy statement version"),
    )
    ended_at = models.DateTimeField(_("unsubscribed"), null=True, blank=True)
    undeliverable_at = models.DateTimeField(
        _("address not deliverable since"), null=True, blank=True
    )

    class Meta:
        verbose_name = _("newsletter subscription")
        verbose_name_plural = _("newsletter subscriptions")
        ordering = ["-requested_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["member"],
                condition=Q(status__in=["pending", "active"], member__isnull=False),
                name="outreach_one_open_subscription_per_member",
            ),
            models.UniqueConstraint(
                fields=["email"],
                condition=Q(status__in=["pending", "active"], member__isnull=True),
                name="outreach_one_open_subscription_per_address",
            ),
            models.CheckConstraint(
                condition=Q(member__isnull=False) | ~Q(email=""),
                name="outreach_subscription_has_someone",
            ),
        ]
        indexes = [models.Index(fields=["status", "branch"], name="outreach_sub_status_branch")]

    def __str__(self) -> str:
        return f"{self.pk} {self.status}"


class IssueStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SCHEDULED = "scheduled", _("Scheduled")
    SENDING = "sending", _("Being sent")
    SENT = "sent", _("Sent")
    CANCELLED = "cancelled", _("Cancelled")


class IssueAudience(models.TextChoices):
    ALL = "all", _("All subscribers")
    BRANCH = "branch", _("Subscribers of one branch")
    INTEREST = "interest", _("Members interested in one subject")


class NewsletterIssue(models.Model):
    """One issue of the newsletter, written at the desk in Markdown. Once sent it is kept as the
    public archive's copy; the results are counts only."""

    subject = models.CharField(_("subject"), max_length=200)
    body = models.TextField(_("text (Markdown)"), blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=IssueStatus.choices, default=IssueStatus.DRAFT
    )
    audience = models.CharField(
        _("audience"), max_length=10, choices=IssueAudience.choices, default=IssueAudience.ALL
    )
    audience_branch = models.ForeignKey(
        "catalog.Branch",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("branch"),
    )
    # The interest (kaft/outreach/models/interests.py) for the INTEREST audience, by its code.
    audience_interest = models.CharField(_("interest"), max_length=50, blank=True)
    scheduled_for = models.DateTimeField(_("send at"), null=True, blank=True)
    created_at = models.DateTimeField(_("created"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("written by"),
    )
    queued_at = models.DateTimeField(_("queued"), null=True, blank=True)
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)
    # Results, kept as counts when the deliveries are gone (retention).
    sent_count = models.PositiveIntegerField(_("sent"), default=0)
    bounced_count = models.PositiveIntegerField(_("bounced"), default=0)
    unsubscribed_count = models.PositiveIntegerField(_("unsubscribed"), default=0)

    class Meta:
        verbose_name = _("newsletter issue")
        verbose_name_plural = _("newsletter issues")
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(fields=["status", "scheduled_for"], name="outreach_issue_due"),
        ]

    def __str__(self) -> str:
        return self.subject


class NewsletterImage(models.Model):
    """An image in an issue, uploaded at the desk and served by Kaft itself (no outside host)."""

    issue = models.ForeignKey(
        NewsletterIssue, on_delete=models.CASCADE, related_name="images", verbose_name=_("issue")
    )
    name = models.CharField(_("file name"), max_length=100)
    content_type = models.CharField(_("type"), max_length=20)
    data = models.BinaryField(_("image"))
    size = models.PositiveIntegerField(_("size in bytes"), default=0)
    alt = models.CharField(_("description for screen readers"), max_length=200, blank=True)
    uploaded_at = models.DateTimeField(_("uploaded"))

    class Meta:
        verbose_name = _("newsletter image")
        verbose_name_plural = _("newsletter images")
        ordering = ["pk"]

    def __str__(self) -> str:
        return self.name


class DeliveryStatus(models.TextChoices):
    QUEUED = "queued", _("Queued")
    # Claimed by a worker: never claimed again, so never sent twice. One that stays here (the
    # worker died mid-batch) may or may not have gone out; it is counted as not sent.
    SENDING = "sending", _("Being sent")
    SENT = "sent", _("Sent")
    SKIPPED = "skipped", _("Not sent (no longer subscribed)")
    FAILED = "failed", _("Could not be sent")
    BOUNCED = "bounced", _("Bounced")


class Delivery(models.Model):
    """One issue to one subscription: made when the issue is queued, sent by a worker."""

    issue = models.ForeignKey(
        NewsletterIssue,
        on_delete=models.CASCADE,
        related_name="deliveries",
        verbose_name=_("issue"),
    )
    subscription = models.ForeignKey(
        Subscription,
        on_delete=models.CASCADE,
        related_name="deliveries",
        verbose_name=_("subscription"),
    )
    status = models.CharField(
        _("status"), max_length=10, choices=DeliveryStatus.choices, default=DeliveryStatus.QUEUED
    )
    queued_at = models.DateTimeField(_("queued"))
    # When a worker claimed it: the sending rate (KAFT_NEWSLETTER_RATE) counts these per minute.
    claimed_at = models.DateTimeField(_("claimed"), null=True, blank=True)
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)
    bounced_at = models.DateTimeField(_("bounced"), null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)

    class Meta:
        verbose_name = _("newsletter delivery")
        verbose_name_plural = _("newsletter deliveries")
        constraints = [
            models.UniqueConstraint(
                fields=["issue", "subscription"], name="outreach_delivery_once"
            ),
        ]
        indexes = [
            models.Index(fields=["issue", "status"], name="outreach_delivery_status"),
            models.Index(fields=["claimed_at"], name="outreach_delivery_claimed"),
        ]

    def __str__(self) -> str:
        return f"{self.issue_id}/{self.subscription_id} {self.status}"

"""Lending rules, loans, reservations (holds) and transfers between branches.

Loans and holds keep statistics fields (record, branch, member category, age band) beside the
member link, so that the member link can later be removed while the statistics stay.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q, Value
from django.db.models.functions import Coalesce
from django.utils.translation import gettext_lazy as _

from kaft.catalog.models import Branch, Item, ItemType, Record
from kaft.members.models import Member, MemberCategory


class LoanRule(models.Model):
    """Lending rule for branch x member category x item type. Empty fields match anything.

    The most specific matching rule wins (see ``selectors.rule_for``).
    """

    branch = models.ForeignKey(Branch, on_delete=models.CASCADE, null=True, blank=True)
    category = models.ForeignKey(MemberCategory, on_delete=models.CASCADE, null=True, blank=True)
    item_type = models.CharField(
        _("item type"), max_length=16, choices=ItemType.choices, blank=True
    )
    loan_days = models.PositiveSmallIntegerField(_("loan period (days)"), default=21)
    renewals_allowed = models.PositiveSmallIntegerField(_("renewals allowed"), default=2)
    max_loans = models.PositiveSmallIntegerField(_("maximum loans"), default=20)
    max_holds = models.PositiveSmallIntegerField(_("maximum reservations"), default=10)
    hold_shelf_days = models.PositiveSmallIntegerField(_("days on the holds shelf"), default=7)
    fine_per_day = models.DecimalField(_("fine per day"), max_digits=5, decimal_places=2, default=0)
    # The first days after the due date cost nothing; from the day after them each open day does.
    fine_grace_days = models.PositiveSmallIntegerField(_("days without a fine"), default=0)
    # The most one loan's fine can reach; empty: no cap (the replacement price still is one).
    fine_cap = models.DecimalField(
        _("highest fine per item"), max_digits=7, decimal_places=2, null=True, blank=True
    )

    class Meta:
        verbose_name = _("loan rule")
        verbose_name_plural = _("loan rules")
        constraints = [
            # One rule per combination, "any" (NULL) included: an index on expressions, which
            # SQLite and PostgreSQL both enforce (NULLS NOT DISTINCT is PostgreSQL only).
            models.UniqueConstraint(
                Coalesce("branch", Value(0)),
                Coalesce("category", Value(0)),
                "item_type",
                name="loanrule_unique_combination",
            )
        ]

    def __str__(self) -> str:
        return f"{self.branch or '*'} / {self.category or '*'} / {self.item_type or '*'}"


class AgeBand(models.TextChoices):
    """Coarse age bands kept for statistics after the member link is gone."""

    UNDER_12 = "0-11", "0-11"
    TEEN = "12-17", "12-17"
    YOUNG_ADULT = "18-29", "18-29"
    ADULT = "30-64", "30-64"
    SENIOR = "65+", "65+"


class LoanStatus(models.TextChoices):
    OPEN = "open", _("On loan")
    RETURNED = "returned", _("Returned")
    LOST = "lost", _("Lost")


class Loan(models.Model):
    item = models.ForeignKey(Item, on_delete=models.PROTECT, related_name="loans")
    member = models.ForeignKey(
        Member, on_delete=models.SET_NULL, null=True, blank=True, related_name="loans"
    )
    status = models.CharField(max_length=10, choices=LoanStatus.choices, default=LoanStatus.OPEN)
    checked_out_at = models.DateTimeField(_("checked out"))
    due_date = models.DateField(_("due date"))
    renewals = models.PositiveSmallIntegerField(_("renewals"), default=0)
    returned_at = models.DateTimeField(_("returned"), null=True, blank=True)
    # Statistics that survive anonymisation.
    record = models.ForeignKey(Record, on_delete=models.PROTECT, related_name="+")
    branch = models.ForeignKey(Branch, on_delete=models.PROTECT, related_name="+")
    return_branch = models.ForeignKey(
        Branch, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    member_category = models.ForeignKey(
        MemberCategory, on_delete=models.PROTECT, null=True, related_name="+"
    )
    age_band = models.CharField(max_length=5, choices=AgeBand.choices, blank=True)

    class Meta:
        verbose_name = _("loan")
        verbose_name_plural = _("loans")
        constraints = [
            models.UniqueConstraint(
                fields=["item"], condition=Q(status="open"), name="loan_one_open_per_item"
            ),
        ]
        indexes = [
            models.Index(fields=["member", "status"], name="loan_member_status"),
            models.Index(fields=["status", "due_date"], name="loan_status_due"),
        ]

    def __str__(self) -> str:
        return f"{self.item} → {self.due_date}"


class LoanAction(models.TextChoices):
    CHECKOUT = "checkout", _("Checked out")
    RENEW = "renew", _("Renewed")
    RETURN = "return", _("Returned")
    DECLARE_LOST = "lost", _("Declared lost")
    # The due date moved without a renewal: the lending library of an interlibrary copy
    # recalled it or gave more time.
    DUE_DATE_SET = "due_set", _("Due date changed")


class LoanEvent(models.Model):
    loan = models.ForeignKey(Loan, on_delete=models.CASCADE, related_name="events")
    action = models.CharField(max_length=10, choices=LoanAction.choices)
    at = models.DateTimeField()
    branch = models.ForeignKey(Branch, on_delete=models.PROTECT, null=True, related_name="+")
    staff = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    via = models.CharField(max_length=10, blank=True)  # desk, portal, kiosk, api, system


class HoldStatus(models.TextChoices):
    WAITING = "waiting", _("Waiting in the queue")
    IN_TRANSIT = "in_transit", _("On its way to the pickup branch")
    READY = "ready", _("Ready for pickup")
    FULFILLED = "fulfilled", _("Picked up")
    CANCELLED = "cancelled", _("Cancelled")
    EXPIRED = "expired", _("Not picked up in time")


ACTIVE_HOLD_STATUSES = (HoldStatus.WAITING, HoldStatus.IN_TRANSIT, HoldStatus.READY)
TRAPPED_HOLD_STATUSES = (HoldStatus.IN_TRANSIT, HoldStatus.READY)


class Hold(models.Model):
    """A reservation on a title: any copy will do. Position is the order of ``placed_at``."""

    record = models.ForeignKey(Record, on_delete=models.PROTECT, related_name="holds")
    member = models.ForeignKey(
        Member, on_delete=models.SET_NULL, null=True, blank=True, related_name="holds"
    )
    pickup_branch = models.ForeignKey(Branch, on_delete=models.PROTECT, related_name="+")
    status = models.CharField(max_length=12, choices=HoldStatus.choices, default=HoldStatus.WAITING)
    placed_at = models.DateTimeField(_("placed"))
    item = models.ForeignKey(
        Item, on_delete=models.PROTECT, null=True, blank=True, related_name="holds"
    )
    ready_at = models.DateTimeField(null=True, blank=True)
    pickup_deadline = models.DateField(_("pick up by (last day)"), null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    member_category = models.ForeignKey(
        MemberCategory, on_delete=models.PROTECT, null=True, related_name="+"
    )
    age_band = models.CharField(max_length=5, choices=AgeBand.choices, blank=True)

    class Meta:
        verbose_name = _("reservation")
        verbose_name_plural = _("reservations")
        constraints = [
            models.UniqueConstraint(
                fields=["item"],
                condition=Q(status__in=["in_transit", "ready"]),
                name="hold_one_per_trapped_item",
            ),
            models.UniqueConstraint(
                fields=["record", "member"],
                condition=Q(status__in=["waiting", "in_transit", "ready"]),
                name="hold_one_active_per_member_record",
            ),
        ]
        indexes = [
            models.Index(fields=["record", "status", "placed_at"], name="hold_queue"),
            models.Index(fields=["member", "status"], name="hold_member_status"),
            models.Index(fields=["pickup_branch", "status"], name="hold_shelf"),
        ]

    def __str__(self) -> str:
        return f"{self.record} @ {self.pickup_branch}"


class HoldAction(models.TextChoices):
    PLACE = "place", _("Placed")
    TRAP = "trap", _("Copy set aside")
    SEND = "send", _("Sent to pickup branch")
    ARRIVE = "arrive", _("Arrived at pickup branch")
    FULFIL = "fulfil", _("Picked up")
    CANCEL = "cancel", _("Cancelled")
    EXPIRE = "expire", _("Expired")


class HoldEvent(models.Model):
    hold = models.ForeignKey(Hold, on_delete=models.CASCADE, related_name="events")
    action = models.CharField(max_length=10, choices=HoldAction.choices)
    at = models.DateTimeField()
    item = models.ForeignKey(Item, on_delete=models.SET_NULL, null=True, related_name="+")
    staff = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )


class TransferReason(models.TextChoices):
    HOLD = "hold", _("For a reservation")
    HOME = "home", _("Back to its home branch")


class TransferStatus(models.TextChoices):
    IN_TRANSIT = "in_transit", _("In transit")
    RECEIVED = "received", _("Received")


class Transfer(models.Model):
    item = models.ForeignKey(Item, on_delete=models.PROTECT, related_name="transfers")
    from_branch = models.ForeignKey(Branch, on_delete=models.PROTECT, related_name="+")
    to_branch = models.ForeignKey(Branch, on_delete=models.PROTECT, related_name="+")
    reason = models.CharField(max_length=10, choices=TransferReason.choices)
    hold = models.ForeignKey(
        Hold, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    status = models.CharField(
        max_length=12, choices=TransferStatus.choices, default=TransferStatus.IN_TRANSIT
    )
    sent_at = models.DateTimeField()
    received_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("transfer")
        verbose_name_plural = _("transfers")
        constraints = [
            models.UniqueConstraint(
                fields=["item"], condition=Q(status="in_transit"), name="transfer_one_open_per_item"
            )
        ]
        indexes = [models.Index(fields=["to_branch", "status"], name="transfer_to_status")]

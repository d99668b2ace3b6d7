"""The ledger: charges and the typed events on them. What a member owes is derived, never stored.

A :class:`Charge` says what a member is charged for (an overdue fine, a lost copy, a membership
fee, ...). Money moves only as :class:`ChargeEvent` rows: ``charged`` (the amount, or for a fine
that grows, each increase), ``paid``, ``waived``, ``cancelled`` and ``refunded``. Each event keeps
the amount (always positive) and its effect on what is owed (``owed_change``: + for charged and
refunded, - for the rest), so "what does this member owe" is one SUM.

A :class:`Payment` is one handing-over of money (cash or pin at the desk, a direct debit, a bank
transfer): its ``paid`` events say which charges it settled. An :class:`Invoice` gathers charges
that were invoiced (the reminder schedule's invoice step); an invoice is open while any of its
charges is owed.

Fiscal duty: charges, events, payments and invoices are kept for seven years and then
anonymised (the member link is removed; amounts and kinds stay for the books).
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from kaft.catalog.models import Branch, Item
from kaft.members.models import Member, MemberCategory

CENT = Decimal("0.01")


class ChargeKind(models.TextChoices):
    OVERDUE_FINE = "fine", _("Late fee")
    LOST = "lost", _("Replacement of a lost item")
    DAMAGE = "damage", _("Damage")
    ADMINISTRATION = "admin", _("Administration fee")
    MEMBERSHIP = "membership", _("Membership fee")
    HOLD = "hold", _("Reservation fee")
    INTERLIBRARY = "ill", _("Interlibrary loan fee")
    DEBIT_RETURN = "debit_return", _("Fee for a returned direct debit")


class Charge(models.Model):
    """One thing a member is charged for. The amounts live in its events."""

    member = models.ForeignKey(
        Member, on_delete=models.SET_NULL, null=True, blank=True, related_name="charges"
    )
    kind = models.CharField(_("kind"), max_length=16, choices=ChargeKind.choices)
    created_at = models.DateTimeField(_("charged on"))
    # What it is for, where it applies: the copy (fine, lost, damage), the loan (one fine and one
    # replacement charge per loan), the period of a membership fee, the branch that charged.
    item = models.ForeignKey(
        Item, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    loan = models.ForeignKey(
        "circulation.Loan", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    period_start = models.DateField(_("period from"), null=True, blank=True)
    period_end = models.DateField(_("period until"), null=True, blank=True)
    branch = models.ForeignKey(
        Branch, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    note = models.CharField(_("note"), max_length=200, blank=True)
    # A fine grows while the loan is overdue; at checkin it stops (False) and is what it is.
    accruing = models.BooleanField(_("still growing"), default=False)
    invoice = models.ForeignKey(
        "Invoice",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="charges",
        verbose_name=_("invoice"),
    )
    # Statistics that survive anonymisation (like loans).
    member_category = models.ForeignKey(
        MemberCategory, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("charge")
        verbose_name_plural = _("charges")
        permissions = [
            ("waive_charge", _("Can waive charges")),
            ("run_collections", _("Can run direct debit collections and import bank returns")),
            ("view_cash_report", _("Can see the cash report")),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["loan", "kind"],
                condition=Q(loan__isnull=False, kind__in=["fine", "lost"]),
                name="charge_one_fine_and_one_replacement_per_loan",
            ),
        ]
        indexes = [models.Index(fields=["member", "created_at"], name="charge_member_created")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} #{self.pk}"


class ChargeEventKind(models.TextChoices):
    CHARGED = "charged", _("Charged")
    PAID = "paid", _("Paid")
    WAIVED = "waived", _("Waived")
    CANCELLED = "cancelled", _("Cancelled")
    REFUNDED = "refunded", _("Refunded")


# The sign of each kind's effect on what the member owes.
OWED_SIGN: dict[str, int] = {
    ChargeEventKind.CHARGED: 1,
    ChargeEventKind.PAID: -1,
    ChargeEventKind.WAIVED: -1,
    ChargeEventKind.CANCELLED: -1,
    ChargeEventKind.REFUNDED: 1,
}


class PaymentMethod(models.TextChoices):
    CASH = "cash", _("Cash")
    PIN = "pin", _("Debit card (pin)")
    DIRECT_DEBIT = "direct_debit", _("Direct debit")
    TRANSFER = "transfer", _("Bank transfer")


class Payment(models.Model):
    """One handing-over of money; its ``paid`` events say what it settled."""

    member = models.ForeignKey(
        Member, on_delete=models.SET_NULL, null=True, blank=True, related_name="payments"
    )
    method = models.CharField(_("paid by"), max_length=16, choices=PaymentMethod.choices)
    amount = models.DecimalField(
        _("amount"), max_digits=9, decimal_places=2, validators=[MinValueValidator(CENT)]
    )
    at = models.DateTimeField(_("paid on"))
    branch = models.ForeignKey(
        Branch, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    staff = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("payment")
        verbose_name_plural = _("payments")
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="payment_amount_positive")
        ]
        indexes = [models.Index(fields=["branch", "at"], name="payment_branch_at")]

    def __str__(self) -> str:
        return self.receipt_number

    @property
    def receipt_number(self) -> str:
        return f"K{self.at:%Y}-{self.pk:07d}"


class ChargeEvent(models.Model):
    charge = models.ForeignKey(Charge, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(_("what happened"), max_length=10, choices=ChargeEventKind.choices)
    amount = models.DecimalField(_("amount"), max_digits=9, decimal_places=2)
    owed_change = models.DecimalField(_("change in what is owed"), max_digits=9, decimal_places=2)
    at = models.DateTimeField(_("on"))
    payment = models.ForeignKey(
        Payment, on_delete=models.PROTECT, null=True, blank=True, related_name="events"
    )
    method = models.CharField(
        _("paid by"), max_length=16, choices=PaymentMethod.choices, blank=True
    )
    reason = models.CharField(_("reason"), max_length=200, blank=True)
    branch = models.ForeignKey(
        Branch, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    staff = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("charge event")
        verbose_name_plural = _("charge events")
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="chargeevent_amount_positive"),
            models.CheckConstraint(
                condition=(
                    Q(kind__in=["charged", "refunded"], owed_change=models.F("amount"))
                    | Q(
                        kind__in=["paid", "waived", "cancelled"],
                        owed_change=-models.F("amount"),
                    )
                ),
                name="chargeevent_owed_change_follows_kind",
            ),
        ]
        indexes = [models.Index(fields=["at"], name="chargeevent_at")]


class Invoice(models.Model):
    """Charges put on one invoice (the reminder schedule's invoice step)."""

    member = models.ForeignKey(
        Member, on_delete=models.SET_NULL, null=True, blank=True, related_name="invoices"
    )
    issued_on = models.DateField(_("issued on"))
    due_on = models.DateField(_("pay by"))

    class Meta:
        verbose_name = _("invoice")
        verbose_name_plural = _("invoices")

    def __str__(self) -> str:
        return self.number

    @property
    def number(self) -> str:
        return f"F{self.issued_on:%Y}-{self.pk:07d}"

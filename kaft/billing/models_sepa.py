"""SEPA direct debit: mandates, the collections announced and collected, runs, bank returns.

A :class:`Mandate` is the member's permission for the library to collect by direct debit (with
the ``direct_debit`` consent, recorded through privacy's consent service). Its IBAN is encrypted
at rest (:class:`~kaft.core.crypto.EncryptedCharField`). Its states follow the table in
:mod:`kaft.billing.lifecycle`; at most one mandate per member is active or ending (a database
constraint).

A :class:`SepaCollection` is one debit from one member on one collection date: created when the
library announces it (the pre-notification), put in a :class:`SepaRun` (one pain.008 file) on
the date. The charges it pays are its :class:`SepaCollectionCharge` rows; a charge is in one
collection at most (a database constraint), so never in two runs. A bank's return
(:class:`SepaReturn`, read from a :class:`SepaReturnFile`) reopens the charges of a collection.

Kept: mandates 14 months after they ended (the refund window), runs and their collections 14
months after the collection date, returns 14 months after they were read; then deleted.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from kaft.core.crypto import EncryptedCharField
from kaft.members.models import Member

# The billing models this module points at are named as strings ("billing.Charge"), so that
# models.py can import this module at its end.


class MandateStatus(models.TextChoices):
    ACTIVE = "active", _("Active")
    ENDING = "ending", _("Ends after the announced collection")
    ENDED = "ended", _("Ended")
    LAPSED = "lapsed", _("Lapsed (unused for 36 months)")


class MandateAction(models.TextChoices):
    SIGN = "sign", _("Signed")
    WITHDRAW = "withdraw", _("Permission withdrawn")
    WITHDRAW_AFTER_COLLECTION = "withdraw_later", _("Permission withdrawn, one collection left")
    FINISH = "finish", _("Last announced collection made")
    BANK_END = "bank_end", _("Ended after the bank's answer")
    LAPSE = "lapse", _("Lapsed: unused for 36 months")


class MandateVia(models.TextChoices):
    PAPER = "paper", _("On paper at the desk")
    ONLINE = "online", _("Online in MijnBibliotheek")


# Mandates that still collect: at most one per member.
LIVE_MANDATE = (MandateStatus.ACTIVE, MandateStatus.ENDING)


class Mandate(models.Model):
    member = models.ForeignKey(
        Member, on_delete=models.SET_NULL, null=True, blank=True, related_name="mandates"
    )
    reference = models.CharField(_("mandate reference"), max_length=35, unique=True)
    signed_on = models.DateField(_("date of signature"))
    via = models.CharField(_("signed"), max_length=10, choices=MandateVia.choices)
    iban = EncryptedCharField(_("IBAN"))
    bic = models.CharField(_("BIC"), max_length=11, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=MandateStatus.choices, default=MandateStatus.ACTIVE
    )
    created_at = models.DateTimeField(_("recorded on"))
    ended_at = models.DateTimeField(_("ended on"), null=True, blank=True)
    last_collected_on = models.DateField(_("last collection"), null=True, blank=True)
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

    class Meta:
        verbose_name = _("direct debit mandate")
        verbose_name_plural = _("direct debit mandates")
        constraints = [
            models.UniqueConstraint(
                fields=["member"],
                condition=Q(status__in=["active", "ending"]),
                name="mandate_one_live_per_member",
            ),
        ]

    def __str__(self) -> str:
        return self.reference


class MandateEvent(models.Model):
    mandate = models.ForeignKey(Mandate, on_delete=models.CASCADE, related_name="events")
    action = models.CharField(_("what happened"), max_length=16, choices=MandateAction.choices)
    at = models.DateTimeField(_("on"))
    reason = models.CharField(_("reason"), max_length=200, blank=True)
    staff = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("mandate event")
        verbose_name_plural = _("mandate events")


class SepaFormat(models.TextChoices):
    PAIN_008_001_02 = "pain.008.001.02", "pain.008.001.02"
    PAIN_008_001_08 = "pain.008.001.08", "pain.008.001.08"


class SepaRun(models.Model):
    """One pain.008 file: the collections of one collection date."""

    collection_date = models.DateField(_("collection date"))
    format = models.CharField(_("format"), max_length=16, choices=SepaFormat.choices)
    message_id = models.CharField(_("message id"), max_length=35, unique=True)
    stored_as = models.CharField(_("file"), max_length=200)
    created_at = models.DateTimeField(_("made on"))
    count = models.PositiveIntegerField(_("debits"))
    total = models.DecimalField(_("total"), max_digits=12, decimal_places=2)
    staff = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("direct debit run")
        verbose_name_plural = _("direct debit runs")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.message_id


class SequenceType(models.TextChoices):
    FIRST = "FRST", _("First collection")
    RECURRING = "RCUR", _("Recurring collection")


class CollectionStatus(models.TextChoices):
    ANNOUNCED = "announced", _("Announced")
    COLLECTED = "collected", _("Collected")
    RETURNED = "returned", _("Returned by the bank")


class SepaCollection(models.Model):
    """One debit from one member on one date: announced first, then collected in a run."""

    member = models.ForeignKey(
        Member, on_delete=models.SET_NULL, null=True, blank=True, related_name="sepa_collections"
    )
    mandate = models.ForeignKey(
        Mandate, on_delete=models.SET_NULL, null=True, blank=True, related_name="collections"
    )
    collection_date = models.DateField(_("collection date"))
    amount = models.DecimalField(_("amount"), max_digits=9, decimal_places=2)
    end_to_end_id = models.CharField(_("end-to-end id"), max_length=35, unique=True)
    status = models.CharField(
        _("status"),
        max_length=10,
        choices=CollectionStatus.choices,
        default=CollectionStatus.ANNOUNCED,
    )
    announced_at = models.DateTimeField(_("announced on"))
    sequence_type = models.CharField(
        _("sequence"), max_length=4, choices=SequenceType.choices, blank=True
    )
    run = models.ForeignKey(
        SepaRun, on_delete=models.CASCADE, null=True, blank=True, related_name="collections"
    )

    class Meta:
        verbose_name = _("direct debit")
        verbose_name_plural = _("direct debits")
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="sepacollection_amount_positive")
        ]
        indexes = [
            models.Index(fields=["collection_date", "status"], name="sepacollection_date_status")
        ]


class SepaCollectionCharge(models.Model):
    """A charge paid by a collection: a charge is in one collection (so one run) at most."""

    collection = models.ForeignKey(SepaCollection, on_delete=models.CASCADE, related_name="lines")
    charge = models.OneToOneField(
        "billing.Charge", on_delete=models.CASCADE, related_name="sepa_line"
    )
    amount = models.DecimalField(_("amount"), max_digits=9, decimal_places=2)

    class Meta:
        verbose_name = _("charge in a direct debit")
        verbose_name_plural = _("charges in direct debits")


class ReturnFileKind(models.TextChoices):
    PAIN_002 = "pain.002", _("Payment status report (pain.002)")
    CAMT_054 = "camt.054", _("Debit notification (camt.054)")


class SepaReturnFile(models.Model):
    """A bank's file of returned debits, read once (its message id is unique)."""

    message_id = models.CharField(_("message id"), max_length=35, unique=True)
    kind = models.CharField(_("kind"), max_length=10, choices=ReturnFileKind.choices)
    source = models.CharField(_("file"), max_length=200, blank=True)
    imported_at = models.DateTimeField(_("read on"))
    returned = models.PositiveIntegerField(_("returned debits"), default=0)
    unknown = models.PositiveIntegerField(_("debits not found"), default=0)
    staff = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("file of returned debits")
        verbose_name_plural = _("files of returned debits")
        ordering = ["-imported_at"]


class SepaReturn(models.Model):
    """One returned debit (an R-transaction): the charges it paid are owed again."""

    file = models.ForeignKey(SepaReturnFile, on_delete=models.CASCADE, related_name="returns")
    collection = models.OneToOneField(
        SepaCollection, on_delete=models.CASCADE, related_name="bank_return"
    )
    member = models.ForeignKey(
        Member, on_delete=models.SET_NULL, null=True, blank=True, related_name="sepa_returns"
    )
    end_to_end_id = models.CharField(_("end-to-end id"), max_length=35, unique=True)
    reason_code = models.CharField(_("reason code"), max_length=4)
    amount = models.DecimalField(_("amount"), max_digits=9, decimal_places=2)
    at = models.DateTimeField(_("read on"))
    mandate_ended = models.BooleanField(_("mandate ended"), default=False)
    fee_charge = models.ForeignKey(
        "billing.Charge", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("returned direct debit")
        verbose_name_plural = _("returned direct debits")

"""Interlibrary loan (IBL) over ISO 18626: partner libraries, requests in both roles, their
events, and the outbox of messages to partners.

A partner library is a borrower of its own kind: when we supply, the copy is not lent through a
circulation ``Loan`` to a ``Member`` (a library has no category, loan limit, fines or messages by
e-mail); the supplying :class:`InterlibraryRequest` itself holds the copy (``item``), and the copy
is marked *on loan* through circulation's one status setter, so the desk, the catalogue and
checkout see it is out. When we request, the book that arrives is catalogued as a temporary
title and copy (``temporary`` set) and lent to our member by the ordinary checkout; after it is
shipped back the temporary copy is withdrawn and the title's description replaced by a neutral
text (see ``services/requesting.py``).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from kaft.core.crypto import EncryptedCharField
from kaft.privacy.models import DataCategory


class PatronField(models.TextChoices):
    """What of a member a partner may receive in the ``patronInfo`` of a request."""

    NAME = "name", _("Name")
    CARD_NUMBER = "card_number", _("Card number")
    EMAIL = "email", _("E-mail address")


# The privacy register's category of each patron field (what a disclosure records).
PATRON_FIELD_CATEGORY: dict[str, DataCategory] = {
    PatronField.NAME: DataCategory.IDENTITY,
    PatronField.CARD_NUMBER: DataCategory.MEMBERSHIP,
    PatronField.EMAIL: DataCategory.CONTACT,
}


class PartnerAuth(models.TextChoices):
    """How a partner library and Kaft prove who they are to each other (both directions)."""

    SECRET = "secret", _("Shared secret")
    CERTIFICATE = "certificate", _("Client certificate (mutual TLS)")


class LibraryPartner(models.Model):
    """A library we exchange ISO 18626 messages with. The agreement (purpose, legal basis, the
    data categories it may receive) is the privacy register's :class:`~kaft.privacy.models.Partner`
    linked in ``agreement``; it is needed only when the partner receives patron data."""

    name = models.CharField(_("name"), max_length=120)
    isil = models.CharField(_("ISIL code"), max_length=16, unique=True)
    endpoint_url = models.URLField(_("ISO 18626 address"), max_length=300)
    # Sent in the X-ISO18626-Secret header both ways; stored encrypted (kaft/core/crypto.py).
    secret = EncryptedCharField(_("shared secret"), null=True, blank=True)
    auth_method = models.CharField(
        _("authentication"), max_length=12, choices=PartnerAuth.choices, default=PartnerAuth.SECRET
    )
    # With a client certificate: the SHA-256 fingerprint of the partner's certificate (64 hex
    # digits, lowercase, no colons), pinned; the reverse proxy checks the TLS handshake and
    # hands the certificate over (kaft/interlibrary/services/incoming.py).
    cert_fingerprint = models.CharField(
        _("certificate fingerprint (SHA-256)"), max_length=64, blank=True
    )
    patron_fields = models.JSONField(_("patron data it requires"), default=list, blank=True)
    fee = models.DecimalField(_("fee per request"), max_digits=7, decimal_places=2, default=0)
    loan_days = models.PositiveSmallIntegerField(_("loan period when we supply (days)"), default=28)
    rota_order = models.PositiveSmallIntegerField(_("place in the rota"), default=10)
    agreement = models.ForeignKey(
        "privacy.Partner",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="interlibrary_partners",
        verbose_name=_("agreement (privacy register)"),
    )
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("partner library")
        verbose_name_plural = _("partner libraries")
        ordering = ["rota_order", "name"]

    def __str__(self) -> str:
        return f"{self.name} ({self.isil})"


class IllRole(models.TextChoices):
    REQUESTING = "requesting", _("We request")
    SUPPLYING = "supplying", _("We supply")


class IllStatus(models.TextChoices):
    """The ISO 18626 statuses (values as on the wire), plus ``New``: not yet confirmed by a
    supplier."""

    NEW = "New", _("Not sent yet")
    REQUEST_RECEIVED = "RequestReceived", _("Request received")
    EXPECT_TO_SUPPLY = "ExpectToSupply", _("Expected to supply")
    WILL_SUPPLY = "WillSupply", _("Will supply")
    LOANED = "Loaned", _("Lent")
    OVERDUE = "Overdue", _("Overdue")
    RECALLED = "Recalled", _("Recalled")
    RETRY_POSSIBLE = "RetryPossible", _("Retry possible")
    UNFILLED = "Unfilled", _("Cannot be supplied")
    COPY_COMPLETED = "CopyCompleted", _("Copy delivered")
    LOAN_COMPLETED = "LoanCompleted", _("Loan completed")
    COMPLETED_WITHOUT_RETURN = "CompletedWithoutReturn", _("Completed without return")
    CANCELLED = "Cancelled", _("Cancelled")


CLOSED_STATUSES = (
    IllStatus.UNFILLED,
    IllStatus.COPY_COMPLETED,
    IllStatus.LOAN_COMPLETED,
    IllStatus.COMPLETED_WITHOUT_RETURN,
    IllStatus.CANCELLED,
)


class IllAction(models.TextChoices):
    SEND = "send", _("Confirmed by the supplier")
    EXPECT = "expect", _("Expect to supply")
    WILL_SUPPLY = "will_supply", _("Will supply")
    SHIP = "ship", _("Shipped")
    RETRY = "retry", _("Retry possible")
    UNFILL = "unfill", _("Cannot supply")
    NEXT_PARTNER = "next_partner", _("Ask the next library")
    RECEIVE = "receive", _("Received at the desk")
    SHIP_RETURN = "ship_return", _("Shipped back")
    RENEW = "renew", _("Renewed")
    OVERDUE = "overdue", _("Overdue")
    RECALL = "recall", _("Recalled")
    CHECK_IN = "check_in", _("Received back")
    WRITE_OFF = "write_off", _("Completed without return")
    COPY_DONE = "copy_done", _("Copy delivered")
    CANCEL = "cancel", _("Cancelled")


class InterlibraryRequest(models.Model):
    """One ISO 18626 transaction, seen from our side (``role``). Its ``status`` is changed only
    by :func:`kaft.interlibrary.lifecycle.request_apply`."""

    role = models.CharField(_("role"), max_length=10, choices=IllRole.choices)
    status = models.CharField(
        _("status"), max_length=24, choices=IllStatus.choices, default=IllStatus.NEW
    )
    partner = models.ForeignKey(
        LibraryPartner,
        on_delete=models.PROTECT,
        related_name="requests",
        null=True,
        blank=True,
        verbose_name=_("partner library"),
    )
    branch = models.ForeignKey(
        "catalog.Branch", on_delete=models.PROTECT, related_name="+", verbose_name=_("branch")
    )
    requesting_id = models.CharField(_("requester's number"), max_length=64)
    supplying_id = models.CharField(_("supplier's number"), max_length=64, blank=True)
    # Requesting: our member (unlinked by the retention rule once the request is closed).
    member = models.ForeignKey(
        "members.Member",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="interlibrary_requests",
        verbose_name=_("member"),
    )
    title = models.CharField(_("title"), max_length=500, blank=True)
    author = models.CharField(_("author"), max_length=255, blank=True)
    isbn = models.CharField(_("ISBN"), max_length=20, blank=True)
    description = models.TextField(_("description"), blank=True)
    # Requesting: partner ids already asked (the rota goes on with the next one not in it).
    tried = models.JSONField(_("libraries asked"), default=list, blank=True)
    patron_fields_sent = models.JSONField(_("patron data sent"), default=list, blank=True)
    due_date = models.DateField(_("due date"), null=True, blank=True)
    # Supplying: our copy lent to the partner. Requesting: the temporary copy.
    item = models.ForeignKey(
        "catalog.Item",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("copy"),
    )
    charge = models.ForeignKey(
        "billing.Charge",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("fee charged"),
    )
    fee = models.DecimalField(_("fee"), max_digits=7, decimal_places=2, null=True, blank=True)
    received_at = models.DateTimeField(_("received at the desk"), null=True, blank=True)
    returned_at = models.DateTimeField(_("shipped back"), null=True, blank=True)
    partner_received_at = models.DateTimeField(_("received by the partner"), null=True, blank=True)
    partner_returned_at = models.DateTimeField(
        _("shipped back by the partner"), null=True, blank=True
    )
    note = models.CharField(_("note"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("created"))
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True, db_index=True)
    staff = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("staff"),
    )

    class Meta:
        verbose_name = _("interlibrary request")
        verbose_name_plural = _("interlibrary requests")
        ordering = ["-created_at", "-pk"]
        constraints = [
            # A requester numbers its own requests: two partners may both send a number 42.
            models.UniqueConstraint(
                fields=["role", "partner", "requesting_id"], name="interlibrary_request_id_once"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.requesting_id} {self.title}"[:80]


class InterlibraryEvent(models.Model):
    """A move of a request (written with the move, never alone)."""

    request = models.ForeignKey(
        InterlibraryRequest,
        on_delete=models.CASCADE,
        related_name="events",
        verbose_name=_("interlibrary request"),
    )
    action = models.CharField(_("action"), max_length=16, choices=IllAction.choices)
    status_before = models.CharField(_("status before"), max_length=24, choices=IllStatus.choices)
    status_after = models.CharField(_("status after"), max_length=24, choices=IllStatus.choices)
    at = models.DateTimeField(_("when"))
    staff = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("staff"),
    )
    note = models.CharField(_("note"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("interlibrary request event")
        verbose_name_plural = _("interlibrary request events")
        ordering = ["at", "pk"]


class OutboxStatus(models.TextChoices):
    PENDING = "pending", _("Waiting to be sent")
    SENT = "sent", _("Sent")
    FAILED = "failed", _("Not accepted by the partner")


class OutgoingMessage(models.Model):
    """An ISO 18626 message to a partner, kept until it is sent (a failed send is tried again
    by the task ``send_pending_messages``). The body may hold the patron data registered for the
    partner; it is emptied once the message is sent (see the privacy register)."""

    request = models.ForeignKey(
        InterlibraryRequest,
        on_delete=models.CASCADE,
        related_name="messages",
        verbose_name=_("interlibrary request"),
    )
    # The message and, for agency messages, its reason or action
    # ("supplyingAgencyMessage:StatusRequestResponse" is the longest: 44).
    kind = models.CharField(_("message"), max_length=64)
    body = models.TextField(_("text of the message"), blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=OutboxStatus.choices, default=OutboxStatus.PENDING
    )
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    last_error = models.CharField(_("last error"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("created"))
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)

    class Meta:
        verbose_name = _("message to a partner library")
        verbose_name_plural = _("messages to partner libraries")
        ordering = ["created_at", "pk"]
        indexes = [models.Index(fields=["status", "created_at"], name="ill_outbox_status")]

"""The access log: every look by staff at a member's data (shown to the member)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from kaft.catalog.models import Branch
from kaft.members.models import Member


class DataPart(models.TextChoices):
    """Which part of a member's data a member of staff looked at."""

    IDENTITY = "identity", _("Name and date of birth")
    STATUS = "status", _("Membership and blocks")
    CONTACT = "contact", _("Contact details")
    LOANS = "loans", _("Loans")
    HOLDS = "holds", _("Reservations")
    HISTORY = "history", _("Loan history")
    PAYMENTS = "payments", _("Payments")
    NOTES = "notes", _("Notes")
    SEARCH = "search", _("Appeared in a search")


class AccessPurpose(models.TextChoices):
    DESK = "desk", _("Helping at the desk")
    PHONE = "phone", _("Helping on the phone")
    EMAIL = "email", _("Answering an e-mail")
    REMINDER = "reminder", _("Handling a reminder")
    LETTERS = "letters", _("Printing letters for the post")
    REGISTRATION = "registration", _("Registering or updating membership")
    PRIVACY_REQUEST = "privacy_request", _("Handling a privacy request")
    LEGAL_REQUEST = "legal_request", _("Answering a request from police or justice")
    PRIVACY_REVIEW = "privacy_review", _("Review by the privacy officer")
    COLLECTIONS = "collections", _("Collecting payments by direct debit")
    SELF_SERVICE = "self_service", _("Self-service at a kiosk")
    APP = "app", _("Through an app or another system")


class MachineRole(models.TextChoices):
    """Who looked when it was not a person of staff: kept in ``staff_role`` of the entry, with
    the kiosk's or client's name in ``staff_name`` (always shown to the member, so a stolen card
    used at a kiosk is noticed)."""

    KIOSK = "kiosk", _("Self-service kiosk")
    APP = "app", _("App or system")


class AccessLogEntry(models.Model):
    staff = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    branch = models.ForeignKey(Branch, on_delete=models.SET_NULL, null=True, related_name="+")
    member = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="access_log_entries")
    # Snapshots, so the member still sees who looked after the staff account changes or goes.
    staff_role = models.CharField(max_length=20, blank=True)
    staff_name = models.CharField(max_length=80, blank=True)
    part = models.CharField(max_length=10, choices=DataPart.choices)
    purpose = models.CharField(
        max_length=20, choices=AccessPurpose.choices, default=AccessPurpose.DESK
    )
    at = models.DateTimeField(db_index=True)

    class Meta:
        verbose_name = _("access log entry")
        verbose_name_plural = _("access log")
        indexes = [models.Index(fields=["member", "at"], name="accesslog_member_at")]

"""Partner organisations, every disclosure of personal data to one, and requests from police or
justice, which become a disclosure only when a privacy officer approved them."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from kaft.members.models import Member


class LegalBasis(models.TextChoices):
    """AVG article 6(1): the ground on which personal data may be processed or passed on."""

    CONSENT = "consent", _("Consent (AVG art. 6(1)(a))")
    CONTRACT = "contract", _("Membership agreement (AVG art. 6(1)(b))")
    LEGAL_OBLIGATION = "legal_obligation", _("Legal obligation (AVG art. 6(1)(c))")
    VITAL_INTEREST = "vital_interest", _("Vital interest (AVG art. 6(1)(d))")
    PUBLIC_TASK = "public_task", _("Public task (AVG art. 6(1)(e))")
    LEGITIMATE_INTEREST = "legitimate_interest", _("Legitimate interest (AVG art. 6(1)(f))")


class AgreementKind(models.TextChoices):
    PROCESSOR = "processor", _("Processing agreement (processor)")
    JOINT_CONTROLLER = "joint_controller", _("Joint-controller arrangement")
    CONTROLLER = "controller", _("Independent controller")


class Partner(models.Model):
    """An organisation that may receive members' personal data."""

    name = models.CharField(_("name"), max_length=120, unique=True)
    purpose = models.CharField(_("purpose"), max_length=300)
    legal_basis = models.CharField(_("legal basis"), max_length=20, choices=LegalBasis.choices)
    agreement_kind = models.CharField(_("agreement"), max_length=20, choices=AgreementKind.choices)
    agreement_date = models.DateField(_("agreement signed"), null=True, blank=True)
    categories = models.JSONField(_("data categories"), default=list)  # DataCategory values
    privacy_statement_url = models.URLField(_("privacy statement"), blank=True)
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("partner organisation")
        verbose_name_plural = _("partner organisations")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Disclosure(models.Model):
    """Personal data of ``member`` left Kaft for another organisation. Written by
    :func:`kaft.privacy.services.disclosure_record` only."""

    member = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="disclosures")
    partner = models.ForeignKey(
        Partner, on_delete=models.PROTECT, null=True, blank=True, related_name="disclosures"
    )
    # The recipient as shown to the member (the partner's name, or the authority).
    recipient = models.CharField(_("recipient"), max_length=120)
    purpose = models.CharField(_("purpose"), max_length=300)
    legal_basis = models.CharField(_("legal basis"), max_length=120)
    categories = models.JSONField(_("data categories"), default=list)
    at = models.DateTimeField(_("when"), db_index=True)
    staff = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    legal_request = models.ForeignKey(
        "privacy.LegalRequest", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    # Under a non-disclosure order the member sees this only from this day on.
    hidden_until = models.DateField(_("not shown to the member until"), null=True, blank=True)

    class Meta:
        verbose_name = _("disclosure")
        verbose_name_plural = _("disclosures")
        indexes = [models.Index(fields=["member", "at"], name="disclosure_member_at")]


class LegalRequestStatus(models.TextChoices):
    REGISTERED = "registered", _("Waiting for a privacy officer")
    APPROVED = "approved", _("Approved, data produced")
    REFUSED = "refused", _("Refused")


class LegalRequest(models.Model):
    """A request from police or justice for a member's data. Approved or refused by a privacy
    officer who did not register it (also a database constraint)."""

    authority = models.CharField(_("authority"), max_length=120)
    reference = models.CharField(_("their reference"), max_length=80)
    legal_basis = models.CharField(_("legal basis (article)"), max_length=120)
    member = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="legal_requests")
    categories = models.JSONField(_("data categories"), default=list)
    period_start = models.DateField(_("period from"))
    period_end = models.DateField(_("period until"))
    non_disclosure_until = models.DateField(_("non-disclosure order until"), null=True, blank=True)
    registered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    registered_at = models.DateTimeField(_("registered"))
    status = models.CharField(
        _("status"),
        max_length=10,
        choices=LegalRequestStatus.choices,
        default=LegalRequestStatus.REGISTERED,
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)
    decision_reason = models.TextField(_("reason"), blank=True)
    # What was handed over (the exact scoped data, as JSON), kept with the request.
    produced = models.JSONField(_("data produced"), null=True, blank=True)

    class Meta:
        verbose_name = _("request from police or justice")
        verbose_name_plural = _("requests from police or justice")
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(decided_by=models.F("registered_by")),
                name="legalrequest_four_eyes",
            ),
            models.CheckConstraint(
                condition=models.Q(period_start__lte=models.F("period_end")),
                name="legalrequest_period_order",
            ),
        ]

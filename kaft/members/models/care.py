"""What Kaft keeps around a member for their privacy rights: staff notes that expire, family
access, parents and guardians, corrections that need an ID check, and lost-login checks."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from kaft.catalog.models import Branch
from kaft.core.crypto import EncryptedDateField
from kaft.members.models.people import IdentityDocument, Member, User

# --- Staff notes -------------------------------------------------------------------------------


class MemberNote(models.Model):
    """A note staff made on a member. It always has an expiry and is deleted when it passes."""

    member = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="notes")
    text = models.TextField(_("note"), max_length=1000)
    created_by = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, related_name="+", verbose_name=_("by")
    )
    created_at = models.DateTimeField(_("created"))
    expires_on = models.DateField(_("expires on"))

    class Meta:
        verbose_name = _("note")
        verbose_name_plural = _("notes")
        indexes = [models.Index(fields=["expires_on"], name="membernote_expires")]
        ordering = ["-created_at"]


# --- Access to another member's account (family) ----------------------------------------------


class FamilyAccessStatus(models.TextChoices):
    REQUESTED = "requested", _("Waiting for an answer")
    ACTIVE = "active", _("Access granted")
    DECLINED = "declined", _("Declined")
    LAPSED = "lapsed", _("Not answered in time")
    ENDED = "ended", _("Ended")


class FamilyAccess(models.Model):
    """``grantee`` asks to see and act on ``owner``'s loans and reservations; ``owner`` decides.

    Lifecycle in :mod:`kaft.members.services.family` (requested → active/declined/lapsed; active → ended).
    """

    owner = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="access_given")
    # The owner's record: erasing the grantee ends the access and empties this link, so the
    # owner keeps what happened on their account (the events) without the grantee being named.
    grantee = models.ForeignKey(
        Member, on_delete=models.SET_NULL, null=True, related_name="access_received"
    )
    status = models.CharField(
        _("status"),
        max_length=10,
        choices=FamilyAccessStatus.choices,
        default=FamilyAccessStatus.REQUESTED,
    )
    requested_at = models.DateTimeField(_("requested"))
    answer_by = models.DateTimeField(_("answer before"))
    decided_at = models.DateTimeField(_("answered"), null=True, blank=True)
    ended_at = models.DateTimeField(_("ended"), null=True, blank=True)
    ended_by = models.ForeignKey(
        Member, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("family access")
        verbose_name_plural = _("family access")
        constraints = [
            models.UniqueConstraint(
                fields=["owner", "grantee"],
                condition=models.Q(status__in=["requested", "active"]),
                name="familyaccess_one_open_per_pair",
            ),
            models.CheckConstraint(
                condition=~models.Q(owner=models.F("grantee")), name="familyaccess_not_self"
            ),
        ]


class FamilyAction(models.TextChoices):
    VIEWED = "viewed", _("Looked at loans and reservations")
    RENEWED = "renewed", _("Renewed a loan")
    RESERVED = "reserved", _("Placed a reservation")
    CANCELLED = "cancelled", _("Cancelled a reservation")


class FamilyAccessEvent(models.Model):
    """Something a grantee did on the owner's account: shown to the owner."""

    access = models.ForeignKey(FamilyAccess, on_delete=models.CASCADE, related_name="events")
    owner = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="+")
    actor = models.ForeignKey(Member, on_delete=models.SET_NULL, null=True, related_name="+")
    action = models.CharField(_("action"), max_length=10, choices=FamilyAction.choices)
    detail = models.CharField(_("detail"), max_length=200, blank=True)  # e.g. the title
    at = models.DateTimeField(_("at"))

    class Meta:
        verbose_name = _("family access event")
        verbose_name_plural = _("family access events")
        indexes = [models.Index(fields=["owner", "at"], name="familyevent_owner_at")]


class GuardianCheck(models.TextChoices):
    ID_DOCUMENT = "id_document", _("ID document of the parent or guardian")
    BIRTH_CERTIFICATE = "birth_certificate", _("Birth certificate or family register extract")
    COURT_ORDER = "court_order", _("Court decision on guardianship")
    OTHER = "other", _("Other (see note)")


class GuardianLink(models.Model):
    """A parent or guardian recorded for a child under 16 (UAVG art. 5), who consents for them."""

    child = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="guardians")
    # The child's record: erasing the guardian ends the link and empties this field (the consents
    # the guardian gave stay in the child's history, without the guardian named).
    guardian = models.ForeignKey(Member, on_delete=models.SET_NULL, null=True, related_name="wards")
    checked = models.CharField(_("what was checked"), max_length=20, choices=GuardianCheck.choices)
    check_note = models.CharField(_("note on the check"), max_length=200, blank=True)
    recorded_by = models.ForeignKey(User, on_delete=models.SET_NULL, null=True, related_name="+")
    recorded_at = models.DateTimeField(_("recorded"))
    ended_at = models.DateTimeField(_("ended"), null=True, blank=True)

    class Meta:
        verbose_name = _("parent or guardian link")
        verbose_name_plural = _("parent or guardian links")
        constraints = [
            models.UniqueConstraint(
                fields=["child", "guardian"],
                condition=models.Q(ended_at__isnull=True),
                name="guardianlink_one_open_per_pair",
            ),
            models.CheckConstraint(
                condition=~models.Q(child=models.F("guardian")), name="guardianlink_not_self"
            ),
        ]


# --- Corrections that need an ID check ---------------------------------------------------------


class RequestStatus(models.TextChoices):
    PENDING = "pending", _("Waiting")
    APPROVED = "approved", _("Approved")
    REFUSED = "refused", _("Refused")
    WITHDRAWN = "withdrawn", pgettext_lazy("request", "Withdrawn")


class IdentityChangeRequest(models.Model):
    """A member asks to correct name or date of birth; the desk approves after an ID check."""

    member = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="identity_requests")
    first_name = models.CharField(_("first name"), max_length=80)
    name_prefix = models.CharField(_("prefix"), max_length=20, blank=True)
    last_name = models.CharField(_("last name"), max_length=120)
    date_of_birth = EncryptedDateField(_("date of birth"))
    requested_at = models.DateTimeField(_("requested"))
    status = models.CharField(
        _("status"), max_length=10, choices=RequestStatus.choices, default=RequestStatus.PENDING
    )
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)
    decided_by = models.ForeignKey(User, on_delete=models.SET_NULL, null=True, related_name="+")
    # Which kind of document was seen (never its number), or why it was refused.
    document_seen = models.CharField(_("document seen"), max_length=20, blank=True)
    reason = models.CharField(_("reason"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("request to correct personal details")
        verbose_name_plural = _("requests to correct personal details")
        constraints = [
            models.UniqueConstraint(
                fields=["member"],
                condition=models.Q(status="pending"),
                name="identityrequest_one_pending",
            )
        ]


# --- Lost login ---------------------------------------------------------------------------------


class IdentityCheckMethod(models.TextChoices):
    DOCUMENT = "document", _("ID document seen")
    QUESTIONS = "questions", _("Control questions")


class IdentityCheck(models.Model):
    """The outcome of an identity check at the desk. Never the answers, never a document number."""

    member = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="identity_checks")
    staff = models.ForeignKey(User, on_delete=models.SET_NULL, null=True, related_name="+")
    branch = models.ForeignKey(Branch, on_delete=models.SET_NULL, null=True, related_name="+")
    method = models.CharField(_("method"), max_length=10, choices=IdentityCheckMethod.choices)
    document_type = models.CharField(
        _("document type"), max_length=20, choices=IdentityDocument.choices, blank=True
    )
    passed = models.BooleanField(_("passed"))
    at = models.DateTimeField(_("at"))

    class Meta:
        verbose_name = _("identity check")
        verbose_name_plural = _("identity checks")
        indexes = [models.Index(fields=["member", "at"], name="identitycheck_member_at")]


class ResetCode(models.Model):
    """A one-time password-reset code handed out at the desk; only its hash is kept."""

    member = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="reset_codes")
    code_hash = models.CharField(max_length=128)
    issued_by = models.ForeignKey(User, on_delete=models.SET_NULL, null=True, related_name="+")
    created_at = models.DateTimeField()
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("password reset code")
        verbose_name_plural = _("password reset codes")


class EmailChange(models.Model):
    """A new e-mail address the member asked for in MijnBibliotheek.

    It takes effect only when the link sent to it is followed (proof that the member controls
    it); until then login and password resets keep using the address on record. Of the link
    only a hash is kept; it works once, for a day, and a newer request or a new password voids it.
    """

    member = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="email_changes")
    new_email = models.EmailField(_("new e-mail address"))
    token_hash = models.CharField(max_length=64, unique=True)
    requested_at = models.DateTimeField(_("asked"))
    expires_at = models.DateTimeField(_("valid until"))
    confirmed_at = models.DateTimeField(_("confirmed"), null=True, blank=True)

    class Meta:
        verbose_name = _("change of e-mail address")
        verbose_name_plural = _("changes of e-mail address")

"""Members, their categories and addresses, and the login accounts of members and staff."""

from __future__ import annotations

import datetime as dt

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from kaft.catalog.models import Branch
from kaft.core.crypto import EncryptedDateField
from kaft.members.cards import CARD_NUMBER_MAX_LENGTH, validate_card_number


class User(AbstractUser):
    """A login. Staff users have a :class:`StaffProfile`; members a :class:`Member`.

    A member's account keeps no personal data of its own: the username is an opaque
    ``member-<id>`` and names and e-mail live on the member record only.

    ``session_version`` is part of the session hash: raising it (a block, an erasure, "log out
    everywhere") ends every session of this login at its next request.
    """

    session_version = models.PositiveIntegerField(default=0, editable=False)

    def get_session_auth_hash(self) -> str:
        from django.utils.crypto import salted_hmac

        return salted_hmac(
            "kaft.members.User.get_session_auth_hash",
            f"{self.password}:{self.session_version}",
            algorithm="sha256",
        ).hexdigest()

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")


def member_username(member_id: int) -> str:
    """The opaque username of a member's login (and the name django-axes logs successful logins
    under)."""
    return f"member-{member_id}"


class StaffRole(models.TextChoices):
    DESK = "desk", _("Desk staff")
    PRIVACY_OFFICER = "privacy_officer", _("Privacy officer")
    ADMINISTRATOR = "administrator", _("Administrator")
    FINANCE = "finance", _("Finance")


class StaffProfile(models.Model):
    user = models.OneToOneField(User, on_delete=models.CASCADE, related_name="staff_profile")
    role = models.CharField(_("role"), max_length=20, choices=StaffRole.choices)
    branch = models.ForeignKey(
        Branch, on_delete=models.PROTECT, related_name="staff", verbose_name=_("branch")
    )
    display_name = models.CharField(_("display name"), max_length=80, blank=True)

    class Meta:
        verbose_name = _("staff profile")
        verbose_name_plural = _("staff profiles")

    def __str__(self) -> str:
        return self.display_name or self.user.get_username()


class FeePeriod(models.TextChoices):
    """How a category's membership fee is charged: once a year, or a twelfth each month."""

    YEARLY = "yearly", _("Per year")
    MONTHLY = "monthly", _("Per month")


class MemberCategory(models.Model):
    code = models.SlugField(_("code"), max_length=20, unique=True)
    name = models.CharField(_("name"), max_length=80)  # Dutch, as the library names it
    # Shown on English pages; empty: the Dutch name is shown there too.
    name_en = models.CharField(_("name in English"), max_length=80, blank=True)
    annual_fee = models.DecimalField(_("membership fee per year"), max_digits=7, decimal_places=2)
    fee_period = models.CharField(
        _("fee charged"), max_length=10, choices=FeePeriod.choices, default=FeePeriod.YEARLY
    )
    # With ``max_age`` the category's age range, [min_age, max_age): members of at least
    # ``min_age`` and younger than ``max_age`` belong here (youth is free). Null: no limit on that
    # side. An online sign-up gets the category whose range holds the person's age
    # (:func:`kaft.members.services.signup.category_for_age`).
    min_age = models.PositiveSmallIntegerField(_("from age"), null=True, blank=True)
    max_age = models.PositiveSmallIntegerField(_("up to age (exclusive)"), null=True, blank=True)
    # Many libraries charge children no late fees: members of such a category never get one.
    charges_no_fines = models.BooleanField(_("no late fees"), default=False)

    class Meta:
        verbose_name = _("member category")
        verbose_name_plural = _("member categories")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.label

    @property
    def label(self) -> str:
        """The name in the language of the page: English when there is one, else Dutch."""
        english = (get_language() or "").startswith("en")
        return self.name_en if english and self.name_en else self.name


class IdentityDocument(models.TextChoices):
    """The kinds of ID document the desk may see; only the kind is ever kept, never a number."""

    PASSPORT = "passport", _("Passport")
    ID_CARD = "id_card", _("Identity card")
    DRIVING_LICENCE = "driving_licence", _("Driving licence")
    RESIDENCE_PERMIT = "residence_permit", _("Residence permit")


class MemberStatus(models.TextChoices):
    ACTIVE = "active", _("Active")
    BLOCKED = "blocked", _("Blocked")
    EXPIRED = "expired", _("Expired")
    ERASED = "erased", _("Erased")


class Language(models.TextChoices):
    DUTCH = "nl", _("Dutch")
    ENGLISH = "en", _("English")


class Member(models.Model):
    user = models.OneToOneField(
        User, on_delete=models.SET_NULL, null=True, blank=True, related_name="member"
    )
    card_number = models.CharField(
        _("card number"),
        max_length=CARD_NUMBER_MAX_LENGTH,
        unique=True,
        validators=[validate_card_number],
    )
    first_name = models.CharField(_("first name"), max_length=80)
    name_prefix = models.CharField(_("prefix"), max_length=20, blank=True)  # tussenvoegsel
    last_name = models.CharField(_("last name"), max_length=120)
    # Encrypted at rest (kaft/core/crypto.py). None only once the member is erased.
    date_of_birth = EncryptedDateField(_("date of birth"), null=True)
    email = models.EmailField(_("e-mail address"), blank=True, db_index=True)
    # E.164 (+31612345678), as kaft/members/phones.py keeps it.
    phone = models.CharField(_("phone number"), max_length=20, blank=True)
    # An SMS names the titles of loans and reservations only when the member chose that: a text
    # on a phone's lock screen is read by whoever holds the phone.
    sms_titles = models.BooleanField(_("titles in text messages"), default=False)
    category = models.ForeignKey(
        MemberCategory, on_delete=models.PROTECT, related_name="members", verbose_name=_("category")
    )
    home_branch = models.ForeignKey(
        Branch, on_delete=models.PROTECT, related_name="members", verbose_name=_("home branch")
    )
    membership_start = models.DateField(_("member since"), default=timezone.localdate)
    membership_end = models.DateField(_("member until"), null=True, blank=True)
    preferred_language = models.CharField(
        _("language"), max_length=2, choices=Language.choices, default=Language.DUTCH
    )
    # The receipt of a checkout at the desk by e-mail (a service message of the loan; no consent
    # needed). False: the receipt is printed, if the member wants one.
    email_receipt = models.BooleanField(_("receipt by e-mail"), default=False)
    status = models.CharField(
        _("status"), max_length=10, choices=MemberStatus.choices, default=MemberStatus.ACTIVE
    )
    block_reason = models.CharField(_("reason for block"), max_length=200, blank=True)
    # Who placed the block: a self-service kiosk (it kept the card), or staff. The library may let
    # kiosks lift their own blocks (KAFT_SIP2_KIOSK_MAY_UNBLOCK), never the ones staff placed.
    blocked_by_kiosk = models.BooleanField(_("blocked by a kiosk"), default=False)
    # Set when the member was anonymised (right to erasure or end of retention): the row stays
    # for the statistics that point at it, without anything that identifies a person.
    erased_at = models.DateTimeField(_("erased"), null=True, blank=True)
    # The kiosk PIN as a keyed hash (see kaft.members.services.kiosk_pin); "" when none is set.
    kiosk_pin = models.CharField(_("kiosk PIN"), max_length=128, blank=True, editable=False)
    # Joining online (kaft.members.services.signup): when the person signed up in MijnBibliotheek,
    # when they followed the link sent to their e-mail address (they may log in from then on),
    # and when the desk saw an ID document (lending starts then), with the kind of document only,
    # never its number. All None for members registered at the desk.
    signed_up_online_at = models.DateTimeField(_("joined online"), null=True, blank=True)
    email_verified_at = models.DateTimeField(_("e-mail address confirmed"), null=True, blank=True)
    identity_checked_at = models.DateTimeField(_("identity checked"), null=True, blank=True)
    identity_document = models.CharField(
        _("identity document seen"), max_length=20, choices=IdentityDocument.choices, blank=True
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("member")
        verbose_name_plural = _("members")
        indexes = [
            models.Index(fields=["last_name", "first_name"], name="member_name"),
            # The sign-ups waiting at the desk, and the daily retention job's lapsed sign-ups.
            models.Index(
                fields=["signed_up_online_at"],
                name="member_signup_waiting",
                condition=models.Q(identity_checked_at__isnull=True),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.full_name} ({self.card_number})"

    @property
    def block_reason_label(self) -> str:
        """The reason for a block in the page's language (a usual reason's code), or as typed."""
        from kaft.members.block_reasons import block_reason_label

        return block_reason_label(self.block_reason)

    @property
    def full_name(self) -> str:
        return " ".join(p for p in (self.first_name, self.name_prefix, self.last_name) if p)

    def age_on(self, day: dt.date) -> int:
        born = self.date_of_birth
        if born is None:
            return 0
        return day.year - born.year - ((day.month, day.day) < (born.month, born.day))

    @property
    def awaits_identity_check(self) -> bool:
        """Joined online and not yet completed at the desk: may not borrow until an ID check."""
        return self.signed_up_online_at is not None and self.identity_checked_at is None

    @property
    def awaits_email_verification(self) -> bool:
        """Joined online and has not yet followed the link: may not log in yet."""
        return self.signed_up_online_at is not None and self.email_verified_at is None

    def is_expired_on(self, day: dt.date | None = None) -> bool:
        day = day or timezone.localdate()
        return self.membership_end is not None and self.membership_end < day


class AddressKind(models.TextChoices):
    HOME = "home", _("Home address")
    POSTAL = "postal", _("Postal address")


class Address(models.Model):
    member = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="addresses")
    kind = models.CharField(_("kind"), max_length=10, choices=AddressKind.choices)
    street = models.CharField(_("street"), max_length=120)
    house_number = models.CharField(_("house number"), max_length=16)
    postcode = models.CharField(_("postcode"), max_length=10, db_index=True)
    city = models.CharField(_("city"), max_length=80)
    country = models.CharField(_("country"), max_length=2, default="NL")

    class Meta:
        verbose_name = _("address")
        verbose_name_plural = _("addresses")
        constraints = [
            models.UniqueConstraint(fields=["member", "kind"], name="address_one_per_kind")
        ]

    def __str__(self) -> str:
        return f"{self.street} {self.house_number}, {self.postcode} {self.city}"


class MessageType(models.TextChoices):
    HOLD_READY = "hold_ready", _("Reservation ready for pickup")
    DUE_SOON = "due_soon", _("Loan due soon")
    STATEMENT_CHANGED = "statement_changed", _("Our privacy statement changed")
    ACCOUNT_ERASED = "account_erased", _("Your account was deleted")
    PASSWORD_RESET = "password_reset", _("Resetting your password")
    FAMILY_REQUEST = "family_request", _("Someone asked for access to your account")
    EMAIL_CONFIRM = "email_confirm", _("Confirm your new e-mail address")
    EMAIL_CHANGED = "email_changed", _("Your e-mail address was changed")
    LOAN_RECEIPT = "loan_receipt", _("Receipt of what you borrowed")
    SEPA_PRENOTICE = "sepa_prenotice", _("Announcement of a direct debit")
    DEBIT_RETURNED = "debit_returned", _("A direct debit came back")
    REMINDER = "reminder", _("Reminder: a loan is overdue")
    INVOICE = "invoice", _("Invoice for loans not returned")
    MEMBERSHIP_ENDING = "membership_ending", _("Your membership ends soon")
    ILL_ARRIVED = "ill_arrived", _("A book from another library has arrived")
    ILL_DUE_CHANGED = "ill_due_changed", _("The lending library changed a due date")


# The messages a member chooses a channel for; the others (account and privacy messages) always
# go by e-mail, or are handed over at the desk.
CHANNEL_CHOICE_TYPES: tuple[MessageType, ...] = (
    MessageType.HOLD_READY,
    MessageType.DUE_SOON,
    MessageType.SEPA_PRENOTICE,
    MessageType.DEBIT_RETURNED,
    MessageType.REMINDER,
    MessageType.INVOICE,
    MessageType.MEMBERSHIP_ENDING,
)


class Channel(models.TextChoices):
    EMAIL = "email", _("E-mail")
    SMS = "sms", _("SMS")
    LETTER = "letter", _("Letter")


class MessagePreference(models.Model):
    """Which channel a member wants for each type of message. No row: e-mail."""

    member = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="message_preferences")
    message_type = models.CharField(_("message"), max_length=20, choices=MessageType.choices)
    channel = models.CharField(_("channel"), max_length=10, choices=Channel.choices)

    class Meta:
        verbose_name = _("message preference")
        verbose_name_plural = _("message preferences")
        constraints = [
            models.UniqueConstraint(
                fields=["member", "message_type"], name="messagepreference_one_per_type"
            )
        ]


class MemberAction(models.TextChoices):
    REGISTERED = "registered", _("Registered")
    CONTACT_CHANGED = "contact_changed", _("Contact details changed")
    IDENTITY_CHANGED = "identity_changed", _("Personal details changed")
    PASSWORD_CHANGED = "password_changed", _("Password changed")
    BLOCKED = "blocked", _("Blocked")
    UNBLOCKED = "unblocked", _("Block lifted")
    IDENTITY_CHANGE_REQUESTED = "identity_requested", _("Change of personal details requested")
    IDENTITY_CHANGE_REFUSED = "identity_refused", _("Change of personal details refused")
    PASSWORD_RESET = "password_reset", _("Password reset")
    LOGIN_HELP = "login_help", _("Helped with a lost login at the desk")
    GUARDIAN_LINKED = "guardian_linked", _("Parent or guardian linked")
    GUARDIAN_UNLINKED = "guardian_unlinked", _("Parent or guardian link ended")
    RENEWED = "renewed", _("Membership renewed")
    KIOSK_PIN_SET = "kiosk_pin_set", _("Kiosk PIN set")
    KIOSK_PIN_REMOVED = "kiosk_pin_removed", _("Kiosk PIN removed")
    CARD_REPLACED = "card_replaced", _("New card")
    SIGNED_UP = "signed_up", _("Joined online")
    EMAIL_VERIFIED = "email_verified", _("E-mail address confirmed")
    SIGNUP_COMPLETED = "signup_completed", _("Identity checked at the desk: joining completed")


class MemberEvent(models.Model):
    """One change to a member, and who made it: the member's change history.

    Written by the member services only. ``staff`` None: the member themself (or a system job).
    """

    member = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="events")
    action = models.CharField(_("action"), max_length=20, choices=MemberAction.choices)
    staff = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    at = models.DateTimeField(_("at"))
    note = models.CharField(_("note"), max_length=200, blank=True)
    # The address the member had before this change (a CONTACT_CHANGED that changed it): the
    # member may have logged in, or tried to, with it. Erasure removes login records written
    # under it; it goes with the member's history.
    former_email = models.EmailField(_("former e-mail address"), blank=True)

    class Meta:
        verbose_name = _("member event")
        verbose_name_plural = _("member events")
        indexes = [models.Index(fields=["member", "at"], name="memberevent_member_at")]

    def __str__(self) -> str:
        return f"{self.get_action_display()} ({self.at:%Y-%m-%d %H:%M})"

    @property
    def note_label(self) -> str:
        """The note in the page's language: a block's usual reason in words, else as written."""
        from kaft.members.block_reasons import block_reason_label

        if self.action == MemberAction.BLOCKED:
            return block_reason_label(self.note)
        return self.note

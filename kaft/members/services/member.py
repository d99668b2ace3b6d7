"""Writes to members. Every function runs in one transaction and locks the member it changes.

Every change is written to the member's change history (:class:`MemberEvent`) with the member of
staff who made it; ``staff`` None means the member themself (MijnBibliotheek) or a system job.
"""

from __future__ import annotations

import datetime as dt
import secrets
from dataclasses import dataclass
from typing import cast

from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.db import IntegrityError, models, transaction
from django.utils import timezone

from kaft.catalog.models import Branch
from kaft.core import params
from kaft.members.birth import date_of_birth_check
from kaft.members.cards import card_number_clean
from kaft.members.errors import MemberError, MemberErrorCode
from kaft.members.locks import member_for_update
from kaft.members.models import (
    CHANNEL_CHOICE_TYPES,
    Address,
    AddressKind,
    Channel,
    Member,
    MemberAction,
    MemberCategory,
    MemberEvent,
    MemberStatus,
    MessagePreference,
    User,
    member_username,
)
from kaft.members.phones import phone_e164

CARD_PREFIX = "2100"


@dataclass(frozen=True)
class AddressInput:
    street: str
    house_number: str
    postcode: str
    city: str
    country: str = "NL"


def card_number_generate() -> str:
    """A new 14-digit card number, unique among members."""
    while True:
        number = CARD_PREFIX + "".join(secrets.choice("0123456789") for _ in range(10))
        if not Member.objects.filter(card_number=number).exists():
            return number


def _validate_password(password: str, member: Member) -> None:
    """Django's password rules, with the similarity check comparing the member's own name and
    e-mail (the login account holds no name: the validators read these attributes by name)."""
    validate_password(password, user=cast(User, member))


def normalise_postcode(postcode: str) -> str:
    """Dutch postcodes as "1234 AB"; anything else stripped and upper-cased."""
    compact = postcode.replace(" ", "").upper()
    digits, letters = compact[:4], compact[4:]
    if (
        len(compact) == 6
        and params.ascii_digits(digits)
        and letters.isascii()
        and letters.isalpha()
    ):
        return f"{digits} {letters}"
    return postcode.strip().upper()


def _check_category(category: MemberCategory, date_of_birth: dt.date, today: dt.date) -> None:
    age = (
        today.year
        - date_of_birth.year
        - ((today.month, today.day) < (date_of_birth.month, date_of_birth.day))
    )
    if category.max_age is not None and age >= category.max_age:
        raise MemberError(MemberErrorCode.TOO_OLD_FOR_CATEGORY)
    if category.min_age is not None and age < category.min_age:
        raise MemberError(MemberErrorCode.TOO_YOUNG_FOR_CATEGORY)


def _event(
    member: Member,
    action: MemberAction,
    staff: User | None,
    note: str = "",
    *,
    former_email: str = "",
) -> None:
    """Write one change to the member's history. ``former_email``: the address the change
    replaced (erasure finds login records written under it)."""
    MemberEvent.objects.create(
        member=member,
        action=action,
        staff=staff,
        at=timezone.now(),
        note=note[:200],
        former_email=former_email,
    )


def _save_address(member: Member, kind: AddressKind, address: AddressInput | None) -> None:
    if address is None:
        Address.objects.filter(member=member, kind=kind).delete()
        return
    Address.objects.update_or_create(
        member=member,
        kind=kind,
        defaults={
            "street": address.street.strip(),
            "house_number": address.house_number.strip(),
            "postcode": normalise_postcode(address.postcode),
            "city": address.city.strip(),
            "country": address.country.upper() or "NL",
        },
    )


@transaction.atomic
def member_register(
    *,
    first_name: str,
    name_prefix: str = "",
    last_name: str,
    date_of_birth: dt.date,
    email: str,
    phone: str = "",
    category: MemberCategory,
    home_branch: Branch,
    home_address: AddressInput,
    postal_address: AddressInput | None = None,
    preferred_language: str = "nl",
    email_receipt: bool = False,
    card_number: str | None = None,
    password: str | None = None,
    membership_end: dt.date | None = None,
    staff: User | None = None,
    joined_online_at: dt.datetime | None = None,
) -> Member:
    """Register a member at the desk. Creates the login account too (password optional).

    ``joined_online_at``: the person joins online (:mod:`kaft.members.services.signup`): the
    member is marked so (lending waits for an ID check) and the history says "Joined online".

    Refused: a date of birth outside :mod:`kaft.members.birth`'s rule, too old or too young for
    the category, a card number in use, a phone number that is not one (PHONE_INVALID)."""
    phone = phone_e164(phone)
    today = timezone.localdate()
    date_of_birth_check(date_of_birth, today=today)
    _check_category(category, date_of_birth, today)
    # A card handed out must be a card number by the one rule; none given: Kaft makes one up.
    given = (card_number or "").strip()
    card = card_number_clean(given) if given else card_number_generate()
    if Member.objects.filter(card_number=card).exists():
        raise MemberError(MemberErrorCode.CARD_IN_USE)
    if password:
        _validate_password(
            password, Member(first_name=first_name, last_name=last_name, email=email)
        )
    try:
        with transaction.atomic():
            member = Member.objects.create(
                card_number=card,
                first_name=first_name.strip(),
                name_prefix=name_prefix.strip(),
                last_name=last_name.strip(),
                date_of_birth=date_of_birth,
                email=email.strip().lower(),
                phone=phone_e164(phone),
                category=category,
                home_branch=home_branch,
                membership_start=today,
                membership_end=membership_end,
                preferred_language=preferred_language,
                email_receipt=email_receipt,
                signed_up_online_at=joined_online_at,
            )
    except IntegrityError:
        raise MemberError(MemberErrorCode.CARD_IN_USE) from None
    user = User(username=member_username(member.pk))
    if password:
        user.set_password(password)
    else:
        user.set_unusable_password()
    user.save()
    member.user = user
    member.save(update_fields=["user"])
    _save_address(member, AddressKind.HOME, home_address)
    _save_address(member, AddressKind.POSTAL, postal_address)
    _event(member, MemberAction.SIGNED_UP if joined_online_at else MemberAction.REGISTERED, staff)
    return member


@transaction.atomic
def member_update_contact(
    *,
    member: Member,
    phone: str,
    email: str | None = None,
    home_address: AddressInput | None = None,
    postal_address: AddressInput | None = None,
    keep_postal: bool = False,
    preferred_language: str | None = None,
    message_channels: dict[str, str] | None = None,
    email_receipt: bool | None = None,
    sms_titles: bool | None = None,
    staff: User | None = None,
) -> Member:
    """Contact details the member may change themselves (and the desk on their behalf).

    Locks the member row. ``home_address`` None leaves the home address as it is; ``postal_address``
    None removes the postal address unless ``keep_postal``. ``email`` None leaves the address as
    it is; a new one is set here only by staff (``EMAIL_NEEDS_CONFIRMATION`` otherwise: the
    member's own new address takes effect through the link sent to it, see
    :func:`kaft.members.services.account.email_change_request`). The old address is told.
    """
    from kaft.members.services.account import member_email_set

    phone = phone_e164(phone)  # refused (PHONE_INVALID) before anything is written
    locked = member_for_update(member.pk)
    former_email = locked.email
    if email is not None and email.strip().lower() != locked.email.strip().lower():
        if staff is None:
            raise MemberError(MemberErrorCode.EMAIL_NEEDS_CONFIRMATION)
        member_email_set(member=locked, email=email, staff=staff, event=False)
    locked.phone = phone
    fields = ["phone", "updated_at"]
    if sms_titles is not None:
        locked.sms_titles = sms_titles
        fields.append("sms_titles")
    if preferred_language:
        locked.preferred_language = preferred_language
        fields.append("preferred_language")
    if email_receipt is not None:
        locked.email_receipt = email_receipt
        fields.append("email_receipt")
    locked.save(update_fields=fields)
    if home_address is not None:
        _save_address(locked, AddressKind.HOME, home_address)
    if postal_address is not None or not keep_postal:
        _save_address(locked, AddressKind.POSTAL, postal_address)
    if message_channels is not None:
        member_set_message_channels(member=locked, channels=message_channels)
    changed = former_email.strip().lower() != locked.email.strip().lower()
    _event(
        locked, MemberAction.CONTACT_CHANGED, staff, former_email=former_email if changed else ""
    )
    return locked


def member_set_message_channels(*, member: Member, channels: dict[str, str]) -> None:
    """Store the channel per message type; unknown types or channels are ignored by the form."""
    valid_types = {t.value for t in CHANNEL_CHOICE_TYPES}
    valid_channels = set(Channel.values)
    for message_type, channel in channels.items():
        if message_type in valid_types and channel in valid_channels:
            MessagePreference.objects.update_or_create(
                member=member, message_type=message_type, defaults={"channel": channel}
            )


@transaction.atomic
def member_update_identity(
    *,
    member: Member,
    first_name: str,
    name_prefix: str,
    last_name: str,
    date_of_birth: dt.date,
    category: MemberCategory,
    home_branch: Branch,
    membership_end: dt.date | None,
    staff: User | None = None,
) -> Member:
    """Desk only: names, date of birth, category and membership (after an ID check).

    Locks the member row. Refused: a date of birth outside :mod:`kaft.members.birth`'s rule, or
    too old for the category."""
    today = timezone.localdate()
    date_of_birth_check(date_of_birth, today=today)
    _check_category(category, date_of_birth, today)
    locked = member_for_update(member.pk)
    locked.first_name = first_name.strip()
    locked.name_prefix = name_prefix.strip()
    locked.last_name = last_name.strip()
    locked.date_of_birth = date_of_birth
    locked.category = category
    locked.home_branch = home_branch
    locked.membership_end = membership_end
    locked.save()
    _event(locked, MemberAction.IDENTITY_CHANGED, staff)
    return locked


def member_change_password(
    *,
    member: Member,
    current_password: str,
    new_password: str,
    staff: User | None = None,
) -> None:
    """The member changes their own password; the current one must be right, with a limited
    number of tries (checked before the transaction, so a wrong one stays counted). Links to a
    new e-mail address that wait stop working. Locks the member."""
    from kaft.members.services.account import email_changes_void, member_password_confirm

    member_password_confirm(member=member, password=current_password)
    _validate_password(new_password, member)
    with transaction.atomic():
        locked = member_for_update(member.pk)
        user = User.objects.select_for_update().get(member=locked)
        user.set_password(new_password)
        user.save(update_fields=["password"])
        email_changes_void(member=locked)
        _event(locked, MemberAction.PASSWORD_CHANGED, staff)
    if member.user is not None and member.user.pk == user.pk:
        member.user.password = user.password  # the caller's copy keeps the session hash right


@transaction.atomic
def member_block(
    *, member: Member, reason: str, staff: User | None = None, by_kiosk: bool = False
) -> Member:
    """Block the membership, with the reason shown at the desk; the member's sessions end.
    ``by_kiosk``: a self-service kiosk placed it (it kept the card), which
    :func:`member_unblock` remembers.

    Locks the member row."""
    locked = member_for_update(member.pk)
    if locked.status == MemberStatus.BLOCKED:
        raise MemberError(MemberErrorCode.ALREADY_BLOCKED)
    locked.status = MemberStatus.BLOCKED
    locked.block_reason = reason.strip()
    locked.blocked_by_kiosk = by_kiosk
    locked.save(update_fields=["status", "block_reason", "blocked_by_kiosk", "updated_at"])
    if locked.user_id is not None:  # every session of the member ends at its next request
        User.objects.filter(pk=locked.user_id).update(
            session_version=models.F("session_version") + 1
        )
    _event(locked, MemberAction.BLOCKED, staff, locked.block_reason)
    return locked


@transaction.atomic
def member_unblock(*, member: Member, staff: User | None = None, by_kiosk: bool = False) -> Member:
    """Lift the block. Locks the member row; the history keeps the reason it had.

    ``by_kiosk``: a self-service kiosk asks. It may lift only a block a kiosk placed, and only
    where the library allows it (``KAFT_SIP2_KIOSK_MAY_UNBLOCK``); else KIOSK_MAY_NOT_UNBLOCK.
    What the reason says does not count: staff may write anything there."""
    locked = member_for_update(member.pk)
    if locked.status != MemberStatus.BLOCKED:
        raise MemberError(MemberErrorCode.NOT_BLOCKED)
    if by_kiosk and not (settings.KAFT_SIP2_KIOSK_MAY_UNBLOCK and locked.blocked_by_kiosk):
        raise MemberError(MemberErrorCode.KIOSK_MAY_NOT_UNBLOCK)
    reason = locked.block_reason
    locked.status = MemberStatus.ACTIVE
    locked.block_reason = ""
    locked.blocked_by_kiosk = False
    locked.save(update_fields=["status", "block_reason", "blocked_by_kiosk", "updated_at"])
    _event(locked, MemberAction.UNBLOCKED, staff, reason)
    return locked

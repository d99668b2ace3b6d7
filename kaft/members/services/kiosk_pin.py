"""The kiosk PIN: what a member types after scanning their card at a self-service kiosk (SIP2).

A PIN is 4 to 6 digits, set by the member in MijnBibliotheek or for them at the desk. It is kept
as a **keyed hash**: HMAC-SHA256 with the site's secret key and a salt of its own. A slow
password hash (Argon2, as for passwords) would cost a kiosk tens of milliseconds at every scan
and would not make a PIN of at most a million values safe once the table is read; what keeps it
safe is the key, which lives outside the database, and the attempt limiter
(:data:`kaft.core.limits.KIOSK_PIN`): five wrong PINs an hour per member, then even the right
one is refused until the hour has passed. Changing ``SECRET_KEY`` without keeping the old one in
``SECRET_KEY_FALLBACKS`` makes every PIN unusable (members set a new one).

Check and count outside any transaction a refusal rolls back (see :mod:`kaft.core.limits`).
"""

from __future__ import annotations

import secrets

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.crypto import constant_time_compare, salted_hmac

from kaft.core.limits import KIOSK_PIN, limit_clear, limit_count, limit_count_of
from kaft.members.errors import MemberError, MemberErrorCode
from kaft.members.locks import member_for_update
from kaft.members.models import Member, MemberAction, MemberEvent, User
from kaft.members.services.account import member_password_confirm

PIN_LENGTHS = range(4, 7)
_SCHEME = "hmac"


def kiosk_pin_is_valid(pin: str) -> bool:
    return pin.isascii() and pin.isdigit() and len(pin) in PIN_LENGTHS


def _digest(salt: str, pin: str, secret: str | None = None) -> str:
    return salted_hmac(
        "kaft.members.kiosk_pin", f"{salt}:{pin}", secret=secret, algorithm="sha256"
    ).hexdigest()


def kiosk_pin_hash(pin: str) -> str:
    salt = secrets.token_hex(8)
    return f"{_SCHEME}${salt}${_digest(salt, pin)}"


def _matches(stored: str, pin: str) -> bool:
    try:
        scheme, salt, digest = stored.split("$")
    except ValueError:
        return False
    if scheme != _SCHEME:
        return False
    keys = [settings.SECRET_KEY, *getattr(settings, "SECRET_KEY_FALLBACKS", [])]
    return any(constant_time_compare(_digest(salt, pin, key), digest) for key in keys)


@transaction.atomic
def member_kiosk_pin_set(*, member: Member, pin: str, staff: User | None) -> None:
    """Set (or replace) ``member``'s kiosk PIN. Locks the member row. ``staff`` is None when the
    member set it themselves. Refused with ``KIOSK_PIN_INVALID`` unless it is 4 to 6 digits."""
    if not kiosk_pin_is_valid(pin):
        raise MemberError(MemberErrorCode.KIOSK_PIN_INVALID)
    locked = member_for_update(member.pk)
    locked.kiosk_pin = kiosk_pin_hash(pin)
    locked.save(update_fields=["kiosk_pin", "updated_at"])
    MemberEvent.objects.create(
        member=locked, action=MemberAction.KIOSK_PIN_SET, staff=staff, at=timezone.now()
    )
    member.kiosk_pin = locked.kiosk_pin
    limit_clear(KIOSK_PIN, member.pk)


@transaction.atomic
def member_kiosk_pin_remove(*, member: Member, staff: User | None) -> None:
    """Remove ``member``'s kiosk PIN: the card no longer works at a kiosk that asks for one."""
    locked = member_for_update(member.pk)
    if not locked.kiosk_pin:
        return
    locked.kiosk_pin = ""
    locked.save(update_fields=["kiosk_pin", "updated_at"])
    MemberEvent.objects.create(
        member=locked, action=MemberAction.KIOSK_PIN_REMOVED, staff=staff, at=timezone.now()
    )
    member.kiosk_pin = ""


def member_kiosk_pin_verify(*, member: Member, pin: str) -> None:
    """Refuse unless ``pin`` is ``member``'s kiosk PIN.

    ``KIOSK_PIN_TOO_MANY_TRIES`` once the limit is used up (the right PIN too, until the window
    ends), ``KIOSK_PIN_NOT_SET`` when the member has none, ``KIOSK_PIN_WRONG`` otherwise (and the
    attempt is counted). A right PIN clears the count. No database write: call it from anywhere,
    but not inside a transaction whose rollback should undo the count (see the module text).
    """
    tries = limit_count_of(KIOSK_PIN, member.pk)
    if tries >= KIOSK_PIN.attempts:
        raise MemberError(MemberErrorCode.KIOSK_PIN_TOO_MANY_TRIES)
    if not member.kiosk_pin:
        raise MemberError(MemberErrorCode.KIOSK_PIN_NOT_SET)
    if not _matches(member.kiosk_pin, pin):
        limit_count(KIOSK_PIN, member.pk)
        raise MemberError(MemberErrorCode.KIOSK_PIN_WRONG)
    if tries:  # nothing to clear at most scans: no write (a kiosk checks the PIN every scan)
        limit_clear(KIOSK_PIN, member.pk)


def member_kiosk_pin_set_own(*, member: Member, current_password: str, pin: str) -> None:
    """The member sets (or replaces) their own kiosk PIN in MijnBibliotheek.

    ``KIOSK_PIN_INVALID`` first (a PIN that could never be set costs no password attempt), then
    the current password as for every sensitive change there (``WRONG_PASSWORD``, counted, or
    ``PASSWORD_TOO_MANY_TRIES``: :func:`member_password_confirm`,
    checked outside the transaction so its count stays), then :func:`member_kiosk_pin_set`. A
    member who forgot their PIN simply sets a new one this way."""
    if not kiosk_pin_is_valid(pin):
        raise MemberError(MemberErrorCode.KIOSK_PIN_INVALID)
    member_password_confirm(member=member, password=current_password)
    member_kiosk_pin_set(member=member, pin=pin, staff=None)

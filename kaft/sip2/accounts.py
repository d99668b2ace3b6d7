"""Kiosk accounts: adding, changing and deactivating them, and checking a kiosk's login (93).

What an account may hold is checked here, for the desk and ``kaft sip2-account`` alike: a login
name a kiosk can send (no ``|``, which ends a SIP2 field), a password of at least
:data:`PASSWORD_MIN_LENGTH` characters that a kiosk can type, and only SIP2 requests a kiosk
sends. A refusal raises :class:`KioskAccountError` and writes nothing. The errors live here, not
in an ``errors.py``: the sip2 app is a door, and these are the only refusals it makes itself.

The account's password is a Django password hash (Argon2): it is checked once per connection,
at login. Wrong passwords are counted per login name by the attempt limiter
(:data:`kaft.core.limits.KIOSK_LOGIN`); once it is used up, even the right password is refused
until the window ends.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kaft.catalog.models import Branch
from kaft.core.errors import DomainError, ErrorCode
from kaft.core.limits import KIOSK_LOGIN, limit_clear, limit_count, limit_reached
from kaft.sip2.models import Charset, KioskAccount, NameShown, PatronField

_UNUSED = KioskAccount()
_UNUSED.set_password("no account has this password")

PASSWORD_MIN_LENGTH = 10
_LOGIN = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{2,39}")

# The SIP2 2.00 requests a kiosk may send, by command code.
REQUESTS: dict[str, Any] = {
    "01": _("Block patron"),
    "09": _("Checkin"),
    "11": _("Checkout"),
    "15": _("Hold"),
    "17": _("Item information"),
    "19": _("Item status update"),
    "23": _("Patron status"),
    "25": _("Patron enable"),
    "29": _("Renew"),
    "35": _("End patron session"),
    "37": _("Fee paid"),
    "63": _("Patron information"),
    "65": _("Renew all"),
    "93": _("Login"),
    "97": _("Request resend"),
    "99": _("SC status"),
}
# A kiosk cannot work without signing in, asking the status and asking for a resend: a list of
# allowed messages always holds these.
ALWAYS_ALLOWED = ("93", "97", "99")


class KioskAccountErrorCode(ErrorCode):
    LOGIN_INVALID = "login_invalid"
    LOGIN_IN_USE = "login_in_use"
    PASSWORD_TOO_SHORT = "password_too_short"
    PASSWORD_INVALID = "password_invalid"
    MESSAGE_UNKNOWN = "message_unknown"
    NAME_TOO_LONG = "name_too_long"
    NOT_FOUND = "not_found"

    @classmethod
    def messages(cls) -> dict[Any, Any]:
        return {
            cls.LOGIN_INVALID: _(
                "A login name has 3 to 40 characters: letters, digits, dots, dashes or "
                "underscores, starting with a letter or digit."
            ),
            cls.LOGIN_IN_USE: _("There is already a kiosk account with this login name."),
            cls.PASSWORD_TOO_SHORT: _("A kiosk password has at least 10 characters."),
            cls.PASSWORD_INVALID: _(
                "A kiosk password cannot contain a vertical bar (|), a line break or other "
                "control characters: a kiosk cannot send them."
            ),
            cls.MESSAGE_UNKNOWN: _("%(request)s is not a SIP2 request a kiosk sends."),
            cls.NAME_TOO_LONG: _("A kiosk's name has at most 80 characters."),
            cls.NOT_FOUND: _("There is no kiosk account with this login name."),
        }


class KioskAccountError(DomainError):
    pass


def _check_password(password: str) -> None:
    if len(password) < PASSWORD_MIN_LENGTH:
        raise KioskAccountError(KioskAccountErrorCode.PASSWORD_TOO_SHORT)
    if "|" in password or any(ord(c) < 32 or ord(c) == 127 for c in password):
        raise KioskAccountError(KioskAccountErrorCode.PASSWORD_INVALID)


def _allowed_messages(messages: Iterable[str]) -> list[str]:
    """The request codes of ``messages`` in order, with :data:`ALWAYS_ALLOWED` added when the
    list is not empty (empty: every message). Refused for a code that is no kiosk request."""
    codes: list[str] = []
    for raw in messages:
        code = str(raw).strip()
        if code not in REQUESTS:
            raise KioskAccountError(KioskAccountErrorCode.MESSAGE_UNKNOWN, request=code or "?")
        if code not in codes:
            codes.append(code)
    if codes:
        codes += [code for code in ALWAYS_ALLOWED if code not in codes]
    return sorted(codes)


def _settle(
    account: KioskAccount,
    *,
    name: str,
    branch: Branch,
    charset: Charset,
    name_shown: NameShown,
    patron_fields: Iterable[PatronField],
    messages: Iterable[str],
    error_detection: bool,
) -> None:
    name = name.strip() or account.login
    if len(name) > 80:
        raise KioskAccountError(KioskAccountErrorCode.NAME_TOO_LONG)
    account.name = name
    account.branch = branch
    account.charset = Charset(charset)
    account.name_shown = NameShown(name_shown)
    account.patron_fields = sorted({PatronField(f).value for f in patron_fields})
    account.messages = _allowed_messages(messages)
    account.error_detection = error_detection


def kiosk_accounts() -> QuerySet[KioskAccount]:
    """Every kiosk account with its branch, by login name (one query)."""
    return KioskAccount.objects.select_related("branch").order_by("login")


@transaction.atomic
def kiosk_account_add(
    *,
    login: str,
    password: str,
    branch: Branch,
    name: str = "",
    charset: Charset = Charset.UTF8,
    name_shown: NameShown = NameShown.FIRST,
    patron_fields: Iterable[PatronField] = (),
    messages: Iterable[str] = (),
    error_detection: bool = True,
    replace: bool = True,
) -> KioskAccount:
    """Add a kiosk account, active. With ``replace`` an account with ``login`` gets this password
    and these settings (and is active again); without it, ``LOGIN_IN_USE``. Locks that account.

    ``messages``: the request codes it may send (empty: all; otherwise :data:`ALWAYS_ALLOWED` is
    added). Refused (nothing written) for a login, password, message or name the module text
    rules out."""
    if not _LOGIN.fullmatch(login):
        raise KioskAccountError(KioskAccountErrorCode.LOGIN_INVALID)
    _check_password(password)
    account = KioskAccount.objects.select_for_update().filter(login=login).first()
    if account is None:
        account = KioskAccount(login=login)
    elif not replace:
        raise KioskAccountError(KioskAccountErrorCode.LOGIN_IN_USE)
    _settle(
        account,
        name=name,
        branch=branch,
        charset=charset,
        name_shown=name_shown,
        patron_fields=patron_fields,
        messages=messages,
        error_detection=error_detection,
    )
    account.active = True
    account.set_password(password)
    account.save()
    return account


@transaction.atomic
def kiosk_account_update(
    *,
    account: KioskAccount,
    name: str,
    branch: Branch,
    charset: Charset,
    name_shown: NameShown,
    patron_fields: Iterable[PatronField],
    messages: Iterable[str],
    error_detection: bool,
    active: bool,
    password: str = "",
) -> KioskAccount:
    """Change ``account``'s settings, and its password when ``password`` is given. Locks the
    account. A kiosk signed in keeps its connection until it signs in again."""
    if password:
        _check_password(password)
    locked = KioskAccount.objects.select_for_update().get(pk=account.pk)
    _settle(
        locked,
        name=name,
        branch=branch,
        charset=charset,
        name_shown=name_shown,
        patron_fields=patron_fields,
        messages=messages,
        error_detection=error_detection,
    )
    locked.active = active
    if password:
        locked.set_password(password)
    locked.save()
    return locked


@transaction.atomic
def kiosk_account_deactivate(*, login: str) -> KioskAccount:
    """Deactivate the account with ``login``: it can no longer sign in (``NOT_FOUND`` when
    there is none). Locks the account. Kept, not deleted: the access log names it."""
    account = KioskAccount.objects.select_for_update().filter(login=login).first()
    if account is None:
        raise KioskAccountError(KioskAccountErrorCode.NOT_FOUND)
    if account.active:
        account.active = False
        account.save(update_fields=["active"])
    return account


def kiosk_account_authenticate(*, login: str, password: str) -> KioskAccount | None:
    """The active account with this login and password, or None (also when the limit of wrong
    passwords for ``login`` is used up). Records when it last signed in."""
    if limit_reached(KIOSK_LOGIN, login):
        return None
    account = KioskAccount.objects.select_related("branch").filter(login=login, active=True).first()
    if account is None:
        _UNUSED.check_password(password)  # the same work either way
        limit_count(KIOSK_LOGIN, login)
        return None
    if not account.check_password(password):
        limit_count(KIOSK_LOGIN, login)
        return None
    limit_clear(KIOSK_LOGIN, login)
    account.last_login_at = timezone.now()
    KioskAccount.objects.filter(pk=account.pk).update(last_login_at=account.last_login_at)
    return account

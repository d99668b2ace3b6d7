"""Kiosk accounts: adding them and checking a kiosk's login (SIP2 message 93).

The account's password is a Django password hash (Argon2): it is checked once per connection,
at login. Wrong passwords are counted per login name by the attempt limiter
(:data:`kaft.core.limits.KIOSK_LOGIN`); once it is used up, even the right password is refused
until the window ends.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.db import transaction
from django.utils import timezone

from kaft.catalog.models import Branch
from kaft.core.limits import KIOSK_LOGIN, limit_clear, limit_count, limit_reached
from kaft.sip2.models import Charset, KioskAccount, NameShown, PatronField

_UNUSED = KioskAccount()
_UNUSED.set_password("no account has this password")


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
) -> KioskAccount:
    """Add a kiosk account (or replace the password and settings of the one with ``login``)."""
    account = KioskAccount.objects.select_for_update().filter(login=login).first()
    if account is None:
        account = KioskAccount(login=login)
    account.name = name or login
    account.branch = branch
    account.charset = charset
    account.name_shown = name_shown
    account.patron_fields = [str(f) for f in patron_fields]
    account.messages = list(messages)
    account.error_detection = error_detection
    account.active = True
    account.set_password(password)
    account.save()
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

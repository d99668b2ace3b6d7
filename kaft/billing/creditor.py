"""The library as creditor: its SEPA creditor identifier, name and account, from the settings.

A Dutch creditor identifier is ``NL`` + two check digits + a business code (``ZZZ``) + the
8-digit KvK number + ``0000``. The check digits are ISO 7064 mod 97-10 over the national part
(without the business code) followed by ``NL00``, letters counted A=10 … Z=35: valid when the
number made of the national part, ``NL`` and the check digits leaves 1 when divided by 97.

Checked at startup (a system check, :func:`creditor_check_messages`) and again before every
announcement and run (:func:`creditor_settings`), with a message that names the setting.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from django.conf import settings

from kaft.billing.errors import BillingError, BillingErrorCode

NL_CREDITOR_ID = re.compile(r"^NL[0-9]{2}[A-Z0-9]{3}[0-9]{8}0000$")


def _digits(text: str) -> str:
    return "".join(str(int(ch, 36)) for ch in text)


def creditor_id_valid(value: str) -> bool:
    """Whether ``value`` is a Dutch creditor identifier with correct check digits."""
    value = value.strip().upper().replace(" ", "")
    if not NL_CREDITOR_ID.match(value):
        return False
    national = value[7:]  # without country, check digits and business code
    return int(_digits(national + value[:2] + value[2:4])) % 97 == 1


def creditor_id_with_check_digits(kvk: str, business_code: str = "ZZZ") -> str:
    """The creditor identifier for KvK number ``kvk`` (for tests and the demo)."""
    national = f"{kvk}0000"
    check = 98 - int(_digits(national + "NL00")) % 97
    return f"NL{check:02d}{business_code}{national}"


@dataclass(frozen=True)
class Creditor:
    identifier: str
    name: str
    iban: str
    bic: str


def creditor_settings(*, need_bic: bool = False) -> Creditor:
    """The creditor from the settings, or BillingError saying which setting is wrong."""
    from schwifty import IBAN
    from schwifty.exceptions import SchwiftyException

    identifier = str(getattr(settings, "KAFT_SEPA_CREDITOR_ID", "") or "").strip().upper()
    name = str(getattr(settings, "KAFT_SEPA_CREDITOR_NAME", "") or "").strip()
    iban = str(getattr(settings, "KAFT_SEPA_CREDITOR_IBAN", "") or "").replace(" ", "").upper()
    bic = str(getattr(settings, "KAFT_SEPA_CREDITOR_BIC", "") or "").strip().upper()
    for setting, value in (
        ("KAFT_SEPA_CREDITOR_ID", identifier),
        ("KAFT_SEPA_CREDITOR_NAME", name),
        ("KAFT_SEPA_CREDITOR_IBAN", iban),
    ):
        if not value:
            raise BillingError(BillingErrorCode.SEPA_NOT_CONFIGURED, setting=setting)
    if not creditor_id_valid(identifier):
        raise BillingError(BillingErrorCode.CREDITOR_ID_INVALID, value=identifier)
    try:
        IBAN(iban)
    except SchwiftyException:
        raise BillingError(BillingErrorCode.CREDITOR_IBAN_INVALID) from None
    if need_bic and not bic:
        raise BillingError(BillingErrorCode.CREDITOR_BIC_NEEDED)
    return Creditor(identifier=identifier, name=name, iban=iban, bic=bic)


def creditor_check_messages() -> list[str]:
    """What is wrong with the creditor settings, for the startup check. Nothing set at all is
    fine (the library does not collect by direct debit); half of it, or a wrong value, is not."""
    configured = any(
        getattr(settings, name, "")
        for name in ("KAFT_SEPA_CREDITOR_ID", "KAFT_SEPA_CREDITOR_NAME", "KAFT_SEPA_CREDITOR_IBAN")
    )
    if not configured:
        return []
    try:
        creditor_settings()
    except BillingError as refused:
        return [str(refused.message)]
    return []

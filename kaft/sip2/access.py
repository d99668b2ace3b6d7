"""The SIP2 door's one access decision: which kiosk speaks, for which member, and what it sees.

Every message handler asks here and nowhere else:

- **the kiosk** (:func:`kiosk_of`): the account the session signed in with (message 93), and
  whether that account may send this message (:meth:`KioskAccount.may_use`);
- **the institution** (:func:`kaft.sip2.institution.institution_accepted`, shared with the
  server): the institution id (AO) a kiosk sends is the ISIL of its account's branch or of
  another branch of the library. An empty AO, or an ISIL the library does not have, is refused;
- **the member** (:func:`patron_for`): the card number (AA) names the member; the kiosk PIN
  (AD) is checked with :func:`~kaft.members.services.kiosk_pin.member_kiosk_pin_verify` (the
  attempt limiter counts wrong ones). When a PIN is needed is one table,
  :data:`PIN_POLICY`:

  ========================  ===================================================================
  ``ALWAYS``                patron status (23) and information (63) show member data only
                            after a right PIN; renew all (65), holds (15) and patron enable (25)
                            are refused without one
  ``WHEN_SENT``             checkout (11), renew (29), fee paid (37): a kiosk that sends AD gets
                            it checked (a wrong PIN refuses); a kiosk that sends no AD lends on
                            the card alone, as the desk does
  ``NEVER``                 block patron (01): the kiosk protects the card (it kept it)
  ========================  ===================================================================

  An empty AD counts as not sent (a kiosk that does not ask for a PIN sends it empty);
- **what the kiosk receives** (:func:`name_for`, :func:`may_receive`): the member's name (AE)
  as the account's ``name_shown`` says, and address, e-mail, phone and date of birth
  (BD/BE/BF/PB) only when the account allows each;
- **the access log** (:func:`log_shown`): every answer that shows a member's data writes one
  entry per part shown, as the kiosk (``MachineRole.KIOSK``, the account's name and branch,
  purpose self-service), so the member sees which kiosk showed their account.

The PIN is checked outside any transaction (the count of wrong PINs must survive a refusal).
"""

from __future__ import annotations

import enum
from collections.abc import Iterable
from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from kaft.circulation.selectors.slips import initials
from kaft.core.errors import DomainError
from kaft.members.errors import MemberError, MemberErrorCode
from kaft.members.models import Member
from kaft.members.selectors.member import member_by_card
from kaft.members.services.kiosk_pin import member_kiosk_pin_verify
from kaft.privacy.models import AccessPurpose, DataPart, MachineRole
from kaft.privacy.services.access import access_log_record_machine
from kaft.sip2.institution import institution_accepted
from kaft.sip2.models import KioskAccount, NameShown, PatronField
from kaft.sip2.protocol import Request, Session

# What a kiosk does for its members is lent, returned and renewed "via kiosk" (LoanEvent.via).
VIA = "kiosk"


class Pin(enum.Enum):
    ALWAYS = "always"
    WHEN_SENT = "when_sent"
    NEVER = "never"


# When a message that names a member (AA) needs the member's kiosk PIN (see the module text).
PIN_POLICY: dict[str, Pin] = {
    "23": Pin.ALWAYS,
    "63": Pin.ALWAYS,
    "65": Pin.ALWAYS,
    "15": Pin.ALWAYS,
    "25": Pin.ALWAYS,
    "11": Pin.WHEN_SENT,
    "29": Pin.WHEN_SENT,
    "37": Pin.WHEN_SENT,
    "01": Pin.NEVER,
}


class DenyReason(enum.Enum):
    NOT_SIGNED_IN = "not_signed_in"
    MESSAGE_NOT_ALLOWED = "message_not_allowed"
    INSTITUTION_UNKNOWN = "institution_unknown"
    PIN_MISSING = "pin_missing"


DENY_MESSAGES = {
    DenyReason.NOT_SIGNED_IN: _("This kiosk is not signed in. Please ask at the desk."),
    DenyReason.MESSAGE_NOT_ALLOWED: _("This kiosk cannot do that. Please ask at the desk."),
    DenyReason.INSTITUTION_UNKNOWN: _("This kiosk is not set up for this library."),
    DenyReason.PIN_MISSING: _("Please enter your PIN."),
}


class Denied(Exception):
    """The door refuses before any service is called; ``message`` is for the screen (AF)."""

    def __init__(self, reason: DenyReason) -> None:
        self.reason = reason
        super().__init__(reason.value)

    @property
    def message(self) -> str:
        return str(DENY_MESSAGES[self.reason])


def kiosk_of(session: Session, request: Request) -> KioskAccount:
    """The account the kiosk signed in with, if it may send ``request``; else :class:`Denied`.
    Also checks the institution id (AO) the request carries."""
    account = session.account
    if account is None or not account.active:
        raise Denied(DenyReason.NOT_SIGNED_IN)
    if not account.may_use(request.command):
        raise Denied(DenyReason.MESSAGE_NOT_ALLOWED)
    if not institution_accepted(account, request.get("AO")):
        raise Denied(DenyReason.INSTITUTION_UNKNOWN)
    return account


@dataclass(frozen=True)
class Patron:
    """Who a request names, as far as the door lets the kiosk know.

    ``member`` None: no member has the card number (``valid`` False). ``pin_ok`` True when a PIN
    was sent and is right, False when sent and refused (``refusal`` says why), None when none was
    sent. ``may_see`` is whether the answer may show the member's data; ``may_act`` whether the
    request may change anything for the member.
    """

    card: str
    member: Member | None
    pin_ok: bool | None
    refusal: DomainError | None
    may_see: bool
    may_act: bool

    @property
    def valid(self) -> bool:
        return self.member is not None


def patron_for(request: Request) -> Patron:
    """The member the request's card number (AA) names and what the kiosk may do for them, by
    :data:`PIN_POLICY`. Checks the PIN (AD) when sent; never inside a transaction."""
    card = request.get("AA").strip()
    policy = PIN_POLICY.get(request.command, Pin.ALWAYS)
    try:
        member = member_by_card(card)
    except MemberError as error:
        return Patron(card, None, None, error, may_see=False, may_act=False)
    pin = request.get("AD")
    if not pin or policy is Pin.NEVER:
        if policy is Pin.ALWAYS:
            return Patron(card, member, None, None, may_see=False, may_act=False)
        return Patron(card, member, None, None, may_see=False, may_act=True)
    try:
        member_kiosk_pin_verify(member=member, pin=pin)
    except MemberError as error:
        return Patron(card, member, False, error, may_see=False, may_act=False)
    return Patron(card, member, True, None, may_see=True, may_act=True)


def pin_missing(patron: Patron) -> bool:
    """The member exists but the request could not act for want of a PIN."""
    return patron.member is not None and patron.pin_ok is None and not patron.may_act


def name_for(account: KioskAccount, member: Member) -> str:
    """The member's name (AE) as this kiosk may show it."""
    shown = account.name_shown
    if shown == NameShown.FULL:
        return member.full_name
    if shown == NameShown.FIRST:
        return member.first_name
    if shown == NameShown.INITIALS:
        return initials(member)
    return ""


def may_receive(account: KioskAccount, field: PatronField) -> bool:
    """Whether this kiosk may receive ``field`` (BD/BE/BF/PB) of a member; by default none."""
    return account.may_receive(field)


def identity_shown(account: KioskAccount) -> bool:
    """Whether an answer with the member's name (or date of birth) shows their identity."""
    return account.name_shown != NameShown.NONE or may_receive(account, PatronField.BIRTH_DATE)


def contact_shown(account: KioskAccount) -> bool:
    return any(
        may_receive(account, f) for f in (PatronField.ADDRESS, PatronField.EMAIL, PatronField.PHONE)
    )


def log_shown(account: KioskAccount, member: Member, parts: Iterable[DataPart]) -> None:
    """Write the access log for an answer that shows ``parts`` of ``member``'s data."""
    access_log_record_machine(
        role=MachineRole.KIOSK,
        name=account.name,
        members=[member],
        parts=parts,
        branch=account.branch,
        purpose=AccessPurpose.SELF_SERVICE,
    )


# Refusals of the PIN check and the card lookup, in the order a kiosk shows them.
PATRON_CODES = (
    MemberErrorCode.UNKNOWN_CARD,
    MemberErrorCode.CARD_NUMBER_INVALID,
    MemberErrorCode.KIOSK_PIN_WRONG,
    MemberErrorCode.KIOSK_PIN_NOT_SET,
    MemberErrorCode.KIOSK_PIN_TOO_MANY_TRIES,
)

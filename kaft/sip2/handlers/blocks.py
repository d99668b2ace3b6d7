"""Block patron (01 → 24) and patron enable (25 → 26).

Block patron: a kiosk asks to block a card, typically because it kept it (``card retained`` Y:
left behind, or tampering). The membership is blocked through the members service (no staff),
with a reason that says which kiosk did it and why, in the library's language — "Kiosk
<name>: <the kiosk's message>" (or "card kept by the kiosk" when it sent none). The reason is
kept as typed text, shown at the desk as written. No PIN is needed: the block protects the
member. A card already blocked stays blocked with its first reason. The answer is a patron
status (24), as SIP2 prescribes, showing the block (and nothing else of the member without a
PIN); it writes the access log (status).

Patron enable: lifting a block is a decision of the library, not of a kiosk. By default it is
refused with a screen message (the status still shows the block). When the library allows it
(setting ``KAFT_SIP2_KIOSK_MAY_UNBLOCK``), a kiosk may lift only a block a kiosk placed, for the
member with the right PIN; blocks placed by staff are never lifted here. The members service
decides (``member_unblock(by_kiosk=True)``), from who placed the block, not from its reason's
text.
"""

from __future__ import annotations

from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext as _

from kaft.members.errors import MemberError, MemberErrorCode
from kaft.members.models import Member, MemberStatus
from kaft.members.services.member import member_block, member_unblock
from kaft.privacy.models import DataPart
from kaft.sip2 import access, answers, words
from kaft.sip2.access import Denied, DenyReason, Patron
from kaft.sip2.handlers.patron import patron_fields, patron_status_answer, refused_patron_answer
from kaft.sip2.models import KioskAccount
from kaft.sip2.protocol import Request, Response, Session, handles, sip_date

KIOSK_REASON_PREFIX = "Kiosk "  # shown at the desk: which kiosk blocked the card


def kiosk_block_reason(account: KioskAccount, message: str, retained: bool) -> str:
    """The block reason a kiosk leaves (in the library's language, at most 200 characters)."""
    with translation.override(settings.LANGUAGE_CODE):
        said = message.strip() or (
            _("card kept by the kiosk") if retained else _("blocked by the kiosk")
        )
    return f"{KIOSK_REASON_PREFIX}{account.name}: {said}"[:200]


@handles("01")
def block_patron(session: Session, request: Request) -> Response:
    try:
        account = access.kiosk_of(session, request)
    except Denied as denied:
        with words.spoken(None):
            return refused_patron_answer("24", sip_date(), denied)
    patron = access.patron_for(request)
    member = patron.member
    if member is None:
        return patron_status_answer(account, request, patron)
    if member.status != MemberStatus.BLOCKED:
        retained = request.fixed[:1].upper() == "Y"
        reason = kiosk_block_reason(account, request.get("AL"), retained)
        try:
            member = member_block(member=member, reason=reason, staff=None, by_kiosk=True)
        except MemberError:  # blocked meanwhile by someone else: it stays as it is
            member.refresh_from_db()
    with words.spoken(member):
        response = Response(
            "24",
            answers.standing(member, account.branch).status
            + answers.language_code(member)
            + sip_date(),
        )
        response.add("AO", request.get("AO") or account.branch.isil)
        response.add("AA", patron.card).add("AE", "").add("BL", "Y")
        response.add("AF", str(words.CARD_BLOCKED))
    access.log_shown(account, member, [DataPart.STATUS])
    return response


@handles("25")
def patron_enable(session: Session, request: Request) -> Response:
    try:
        account = access.kiosk_of(session, request)
    except Denied as denied:
        with words.spoken(None):
            return refused_patron_answer("26", sip_date(), denied)
    patron = access.patron_for(request)
    member = patron.member
    message = ""
    if member is not None and patron.may_see and member.status == MemberStatus.BLOCKED:
        try:
            member = member_unblock(member=member, staff=None, by_kiosk=True)
        except MemberError as error:
            if error.code != MemberErrorCode.KIOSK_MAY_NOT_UNBLOCK:  # lifted meanwhile
                member.refresh_from_db()
            else:
                with words.spoken(member):
                    message = str(words.UNBLOCK_REFUSED)
        patron = _with(patron, member)
    return _enable_answer(account, request, patron, message)


def _with(patron: Patron, member: Member) -> Patron:
    return Patron(
        patron.card, member, patron.pin_ok, patron.refusal, patron.may_see, patron.may_act
    )


def _enable_answer(
    account: KioskAccount, request: Request, patron: Patron, message: str
) -> Response:
    member = patron.member
    shown = member if patron.may_see else None
    with words.spoken(shown):
        status = answers.standing(shown, account.branch).status if shown else answers.BLANK_STATUS
        response = Response("26", status + answers.language_code(shown) + sip_date())
        response.add("AO", request.get("AO") or account.branch.isil)
        parts = patron_fields(response, account, patron, with_fee=False)
        if patron.refusal is not None:
            response.add("AF", words.refusal(patron.refusal))
        elif member is not None and not patron.may_see:
            response.add("AF", Denied(DenyReason.PIN_MISSING).message)
        if message:
            response.add("AF", message)
    if parts and member is not None:
        access.log_shown(account, member, parts)
    return response

"""Patron status (23 → 24) and patron information (63 → 64): a member's account at a kiosk.

Both answer whatever happens: an unknown card says ``BL N``; a wrong or missing PIN says
``CQ N`` (CQ is sent only when the kiosk sent a PIN) and shows nothing of the member but that
the card exists. With the right PIN the answer shows the member's standing (patron status), the
name as the kiosk account may show it, what is owed (BV) and, for 63, the counts and the list the
summary field asks for — the access log says which kiosk saw which part.

Patron information's summary field (10 characters) asks for one list, the first ``Y``: 0 hold
items (AS: reservations ready for pickup), 1 overdue items (AT), 2 charged items (AU: all loans),
3 fine items (AV: charges with something owed), 4 recall items (BU: Kaft has no recalls, always
empty), 5 unavailable holds (CD: reservations still in the queue or in transit). Loans are sent
as item barcodes, reservations as titles, charges as "amount subject". BP/BQ choose a range
(1-based, inclusive); without them the first :data:`MAX_ITEMS`. CA (overdue items limit) is not
sent: Kaft has no such limit.
"""

from __future__ import annotations

from collections.abc import Sequence

from kaft.billing.selectors.charges import member_open_charges, member_owed
from kaft.billing.selectors.payments import charge_subject
from kaft.circulation.models import HoldStatus
from kaft.circulation.selectors.holds import member_active_holds
from kaft.circulation.selectors.loans import member_open_loans
from kaft.members.models import AddressKind, Member
from kaft.privacy.models import DataPart
from kaft.sip2 import access, answers, words
from kaft.sip2.access import Denied, Patron
from kaft.sip2.models import KioskAccount, PatronField
from kaft.sip2.protocol import Request, Response, Session, flag, handles, sip_date

MAX_ITEMS = 50
SUMMARY_CODES = ("AS", "AT", "AU", "AV", "BU", "CD")


def patron_fields(
    response: Response, account: KioskAccount, patron: Patron, *, with_fee: bool = True
) -> list[DataPart]:
    """Add AA, AE, BL, CQ (and BH/BV, and what the account may receive of BD/BE/BF/PB) to
    ``response``; returns the parts of the member's data it now shows."""
    member = patron.member
    shown = patron.may_see and member is not None
    response.add("AA", patron.card)
    response.add("AE", access.name_for(account, member) if shown and member else "")
    response.add("BL", flag(patron.valid))
    if patron.pin_ok is not None:
        response.add("CQ", flag(patron.pin_ok))
    if not shown or member is None:
        return []
    parts = [DataPart.STATUS]
    if access.identity_shown(account):
        parts.append(DataPart.IDENTITY)
    if with_fee:
        response.add("BH", answers.CURRENCY)
        response.add("BV", answers.money(member_owed(member)))
        parts.append(DataPart.PAYMENTS)
    return parts


def contact_fields(response: Response, account: KioskAccount, member: Member) -> list[DataPart]:
    """BD/BE/BF/PB, each only when the account may receive it."""
    parts: list[DataPart] = []
    if access.may_receive(account, PatronField.ADDRESS):
        home = member.addresses.filter(kind=AddressKind.HOME).first()
        if home is not None:
            response.add(
                "BD", f"{home.street} {home.house_number}, {home.postcode} {home.city}".strip()
            )
    if access.may_receive(account, PatronField.EMAIL) and member.email:
        response.add("BE", member.email)
    if access.may_receive(account, PatronField.PHONE) and member.phone:
        response.add("BF", member.phone)
    if access.may_receive(account, PatronField.BIRTH_DATE) and member.date_of_birth:
        response.add("PB", member.date_of_birth.strftime("%Y%m%d"))
    if access.contact_shown(account):
        parts.append(DataPart.CONTACT)
    return parts


def screen(response: Response, patron: Patron) -> None:
    """AF for a patron answer: why the card or PIN was refused, or the member's standing."""
    if patron.refusal is not None:
        response.add("AF", words.refusal(patron.refusal))
    elif access.pin_missing(patron):
        response.add("AF", Denied(access.DenyReason.PIN_MISSING).message)


def refused_patron_answer(command: str, fixed_tail: str, denied: Denied) -> Response:
    """The answer when the door refuses the kiosk itself (not signed in, message not allowed,
    unknown institution): a patron status of blanks, nobody valid."""
    response = Response(command, answers.BLANK_STATUS + answers.UNKNOWN_LANGUAGE + fixed_tail)
    response.add("AO", "").add("AA", "").add("AE", "").add("BL", "N")
    response.add("AF", denied.message)
    return response


@handles("23")
def patron_status(session: Session, request: Request) -> Response:
    try:
        account = access.kiosk_of(session, request)
    except Denied as denied:
        with words.spoken(None):
            return refused_patron_answer("24", sip_date(), denied)
    patron = access.patron_for(request)
    return patron_status_answer(account, request, patron)


def patron_status_answer(account: KioskAccount, request: Request, patron: Patron) -> Response:
    """The 24 answer for ``patron`` (also the answer to block patron, 01)."""
    member = patron.member
    with words.spoken(member):
        status = answers.BLANK_STATUS
        if patron.may_see and member is not None:
            status = answers.standing(member, account.branch).status
        language = answers.language_code(member if patron.may_see else None)
        response = Response("24", status + language + sip_date())
        response.add("AO", request.get("AO") or account.branch.isil)
        parts = patron_fields(response, account, patron)
        screen(response, patron)
    if parts and member is not None:
        access.log_shown(account, member, parts)
    return response


def _range(request: Request) -> tuple[int, int]:
    """BP/BQ as a 0-based slice; nonsense falls back to the first :data:`MAX_ITEMS`."""
    try:
        start = max(int(request.get("BP") or 1), 1)
    except ValueError:
        start = 1
    try:
        end = int(request.get("BQ") or start + MAX_ITEMS - 1)
    except ValueError:
        end = start + MAX_ITEMS - 1
    end = min(max(end, start), start + MAX_ITEMS - 1)
    return start - 1, end


def _asked(summary: str) -> int | None:
    """Which list the summary field asks for (the first ``Y``), or None."""
    for position, char in enumerate(summary[:6]):
        if char.upper() == "Y":
            return position
    return None


@handles("63")
def patron_information(session: Session, request: Request) -> Response:
    try:
        account = access.kiosk_of(session, request)
    except Denied as denied:
        with words.spoken(None):
            return refused_patron_answer("64", sip_date() + "0000" * 6, denied)
    patron = access.patron_for(request)
    member = patron.member
    if not patron.may_see or member is None:
        with words.spoken(member):
            response = Response(
                "64", answers.BLANK_STATUS + answers.UNKNOWN_LANGUAGE + sip_date() + "0000" * 6
            )
            response.add("AO", request.get("AO") or account.branch.isil)
            patron_fields(response, account, patron)
            screen(response, patron)
        return response
    with words.spoken(member):
        response, parts = _information(account, request, patron, member)
    access.log_shown(account, member, parts)
    return response


def _information(
    account: KioskAccount, request: Request, patron: Patron, member: Member
) -> tuple[Response, list[DataPart]]:
    today = answers.today()
    loans = list(member_open_loans(member))
    standing = answers.standing(member, account.branch, open_loans=len(loans))
    overdue = [loan for loan in loans if loan.due_date < today]
    holds = member_active_holds(member)
    ready = [h for h in holds if h.status == HoldStatus.READY]
    waiting = [h for h in holds if h.status != HoldStatus.READY]
    charges = list(member_open_charges(member))
    counts = (len(ready), len(overdue), len(loans), len(charges), 0, len(waiting))
    fixed = (
        standing.status
        + answers.language_code(member)
        + sip_date()
        + "".join(f"{min(n, 9999):04d}" for n in counts)
    )
    response = Response("64", fixed)
    response.add("AO", request.get("AO") or account.branch.isil)
    parts = patron_fields(response, account, patron, with_fee=False)
    response.add("BZ", f"{standing.max_holds:04d}")
    response.add("CB", f"{standing.max_loans:04d}")
    response.add("BH", answers.CURRENCY)
    response.add("BV", answers.money(member_owed(member)))
    response.add("CC", answers.owed_limit())
    parts += [DataPart.LOANS, DataPart.HOLDS, DataPart.PAYMENTS]
    asked = _asked(request.fixed[21:31])
    if asked is not None:
        lists: tuple[Sequence[str], ...] = (
            [h.record.title for h in ready],
            [loan.item.barcode for loan in overdue],
            [loan.item.barcode for loan in loans],
            [f"{answers.money(c.owed)} {charge_subject(c)}" for c in charges],  # type: ignore[attr-defined]
            [],
            [h.record.title for h in waiting],
        )
        first, last = _range(request)
        for value in lists[asked][first:last]:
            response.add(SUMMARY_CODES[asked], value)
    parts += contact_fields(response, account, member)
    return response, parts

"""Checkout (11 → 12), checkin (09 → 10), renew (29 → 30) and renew all (65 → 66).

Every change goes through the circulation services, as the kiosk (``staff`` None, ``via``
:data:`~kaft.sip2.access.VIA`, the kiosk account's branch); a refusal is the service's error
code, said in the member's words (:mod:`kaft.sip2.words`), and writes nothing.

Decisions:

- A checkout of a copy the member already has on loan is a renewal when the kiosk's renewal
  policy (first fixed character) is ``Y``, as SIP2 describes; otherwise it is refused like any
  copy on loan. The kiosk's due date (``nb due date``) and ``no block`` are not obeyed: the
  library's rules set the due date, and a transaction the library would refuse is refused.
- ``cancel`` (BI ``Y``) on a checkout (undo a return that failed at the kiosk) is refused with
  a message; on a checkin (undo a checkout that failed) it is a plain return.
- A checkin answers where the copy goes (module text of :mod:`kaft.sip2.answers`): a copy a
  reservation waits for has the alert set, alert type 01 (this branch's holds shelf, sort bin
  2) or 02 (in transit to the pickup branch, sort bin 3), its destination (CT) the pickup
  branch's ISIL; it is never put back on the shelf (the service routes it). A checkin shows no
  member's data (no AA, no hold patron fields): the one at the kiosk may not be the borrower.
- Renew needs the copy's barcode (AB); a copy on someone else's card is refused. A third party
  (``third party allowed``) renews nothing here.
"""

from __future__ import annotations

from django.db import transaction

from kaft.catalog.models import Item, ItemType
from kaft.circulation.errors import CirculationError
from kaft.circulation.models import Loan, LoanStatus
from kaft.circulation.selectors.loans import item_by_barcode, item_open_loan
from kaft.circulation.services import (
    CheckinResult,
    Destination,
    loan_checkin,
    loan_checkout,
    loan_renew,
)
from kaft.circulation.services.renew_all import loans_renew_all
from kaft.core.errors import DomainError
from kaft.privacy.models import DataPart
from kaft.sip2 import access, answers, words
from kaft.sip2.access import Denied, DenyReason, Patron
from kaft.sip2.models import KioskAccount
from kaft.sip2.protocol import Request, Response, Session, flag, handles, sip_date


def _magnetic(item: Item | None) -> str:
    if item is None:
        return "U"
    return "U" if item.item_type == ItemType.AUDIOVISUAL else "N"


def _patron_refusal(patron: Patron) -> str | None:
    """Why the door does not act for ``patron`` (already in the member's words), or None."""
    if patron.refusal is not None:
        return words.refusal(patron.refusal)
    if not patron.may_act:
        return Denied(DenyReason.PIN_MISSING).message
    return None


def _loan_answer(
    command: str,
    *,
    done: bool,
    renewed: bool,
    item: Item | None,
    request: Request,
    account: KioskAccount,
) -> Response:
    """The fixed part and the item fields of a checkout (12) or renew (30) answer."""
    fixed = answers.ok(done) + flag(renewed) + _magnetic(item) + ("Y" if done else "N") + sip_date()
    response = Response(command, fixed)
    response.add("AO", request.get("AO") or account.branch.isil)
    response.add("AA", request.get("AA"))
    response.add("AB", item.barcode if item is not None else request.get("AB"))
    response.add("AJ", item.record.title if item is not None else "")
    return response


def _refused(
    command: str, request: Request, account: KioskAccount, item: Item | None, message: str
) -> Response:
    response = _loan_answer(
        command, done=False, renewed=False, item=item, request=request, account=account
    )
    response.add("AH", answers.NO_DATE)
    response.add("AF", message)
    return response


def _lent(
    command: str, request: Request, account: KioskAccount, loan: Loan, renewed: bool
) -> Response:
    item = loan.item
    response = _loan_answer(
        command, done=True, renewed=renewed, item=item, request=request, account=account
    )
    response.add("AH", sip_date(loan.due_date))
    response.add("CK", answers.media_type(item))
    text = words.renewed_until(loan.due_date) if renewed else words.borrowed_until(loan.due_date)
    response.add("AF", text)
    response.add("AG", words.print_line(item.record.title, loan.due_date))
    return response


def _kiosk_refused(command: str, request: Request, denied: Denied) -> Response:
    with words.spoken(None):
        response = Response(command, "0NUN" + sip_date())
        response.add("AO", request.get("AO")).add("AA", request.get("AA"))
        response.add("AB", request.get("AB")).add("AJ", "").add("AH", answers.NO_DATE)
        response.add("AF", denied.message)
    return response


@handles("11")
def checkout(session: Session, request: Request) -> Response:
    try:
        account = access.kiosk_of(session, request)
    except Denied as denied:
        return _kiosk_refused("12", request, denied)
    patron = access.patron_for(request)
    member = patron.member
    with words.spoken(member):
        why = _patron_refusal(patron)
        if why is not None or member is None:
            return _refused("12", request, account, None, why or "")
        try:
            item = item_by_barcode(request.get("AB"))
        except CirculationError as error:
            return _refused("12", request, account, None, words.refusal(error))
        if request.get("BI").upper() == "Y":
            return _refused("12", request, account, item, str(words.CANCEL_CHECKIN_REFUSED))
        renewal_policy = request.fixed[:1].upper() == "Y"
        current = item_open_loan(item) if renewal_policy else None
        renewed = current is not None and current.member_id == member.pk
        try:
            # The loan and its access-log entry commit together: a kiosk is never told "not
            # processed" about a loan that was made, and one commit per scan.
            with transaction.atomic():
                if current is not None and renewed:
                    loan = loan_renew(loan=current, staff=None, via=access.VIA)
                else:
                    loan = loan_checkout(
                        item=item, member=member, staff=None, branch=account.branch, via=access.VIA
                    )
                access.log_shown(account, member, [DataPart.LOANS])
        except DomainError as error:
            return _refused("12", request, account, item, words.refusal(error))
        loan.item = item
        return _lent("12", request, account, loan, renewed)


@handles("09")
def checkin(session: Session, request: Request) -> Response:
    try:
        account = access.kiosk_of(session, request)
    except Denied as denied:
        with words.spoken(None):
            response = Response("10", "0NUN" + sip_date())
            response.add("AO", request.get("AO")).add("AB", request.get("AB"))
            response.add("AQ", "").add("AJ", "").add("AF", denied.message)
        return response
    try:
        item = item_by_barcode(request.get("AB"))
    except CirculationError as error:
        with words.spoken(None):
            response = Response("10", "0NUN" + sip_date())
            response.add("AO", request.get("AO") or account.branch.isil)
            response.add("AB", request.get("AB")).add("AQ", "").add("AJ", "")
            response.add("AF", words.refusal(error))
        return response
    try:
        result = loan_checkin(item=item, branch=account.branch, staff=None, via=access.VIA)
    except DomainError as error:
        with words.spoken(None):
            response = Response("10", "0NUN" + sip_date())
            response.add("AO", request.get("AO") or account.branch.isil)
            response.add("AB", item.barcode).add("AQ", item.home_branch.isil)
            response.add("AJ", item.record.title).add("AF", words.refusal(error))
        return response
    borrower = result.loan.member if result.loan is not None else None
    with words.spoken(borrower):
        return _checked_in(request, account, item, result)


def _checked_in(
    request: Request, account: KioskAccount, item: Item, result: CheckinResult
) -> Response:
    destination = result.destination
    alert = destination != Destination.SHELF
    response = Response("10", "1" + "Y" + _magnetic(item) + flag(alert) + sip_date())
    response.add("AO", request.get("AO") or account.branch.isil)
    response.add("AB", item.barcode)
    response.add("AQ", item.home_branch.isil)
    response.add("AJ", item.record.title)
    response.add("CK", answers.media_type(item))
    messages = [str(words.RETURNED)] if result.loan is not None else []
    if result.returned_late:
        messages.append(str(words.RETURNED_LATE))
    if destination == Destination.HOLDS_SHELF:
        response.add("CL", answers.BIN_HOLDS)
        response.add("CT", result.to_branch.isil)
        response.add("CV", answers.ALERT_HOLD_HERE)
        messages.append(str(words.TO_HOLDS_BIN))
    elif destination == Destination.TRANSIT:
        response.add("CL", answers.BIN_TRANSIT)
        response.add("CT", result.to_branch.isil)
        held = result.hold is not None
        response.add("CV", answers.ALERT_HOLD_ELSEWHERE if held else answers.ALERT_TRANSIT)
        messages.append(words.transit(result.to_branch.name))
    elif destination == Destination.TO_LENDER:
        response.add("CL", answers.BIN_TRANSIT)
        response.add("CV", answers.ALERT_OTHER)
        messages.append(str(words.TO_LENDER_BIN))
    else:
        response.add("CL", answers.BIN_SHELF)
    for message in messages:
        response.add("AF", message)
    return response


@handles("29")
def renew(session: Session, request: Request) -> Response:
    try:
        account = access.kiosk_of(session, request)
    except Denied as denied:
        return _kiosk_refused("30", request, denied)
    patron = access.patron_for(request)
    member = patron.member
    with words.spoken(member):
        why = _patron_refusal(patron)
        if why is not None or member is None:
            return _refused("30", request, account, None, why or "")
        if not request.get("AB"):
            return _refused("30", request, account, None, str(words.ITEM_NOT_YOURS))
        try:
            item = item_by_barcode(request.get("AB"))
        except CirculationError as error:
            return _refused("30", request, account, None, words.refusal(error))
        loan = item_open_loan(item)
        if loan is None or loan.member_id != member.pk or loan.status != LoanStatus.OPEN:
            return _refused("30", request, account, item, str(words.ITEM_NOT_YOURS))
        try:
            with transaction.atomic():
                renewed = loan_renew(loan=loan, staff=None, via=access.VIA)
                access.log_shown(account, member, [DataPart.LOANS])
        except DomainError as error:
            return _refused("30", request, account, item, words.refusal(error))
        renewed.item = item
        return _lent("30", request, account, renewed, True)


@handles("65")
def renew_all(session: Session, request: Request) -> Response:
    try:
        account = access.kiosk_of(session, request)
    except Denied as denied:
        with words.spoken(None):
            response = Response("66", "0" + "0000" + "0000" + sip_date())
            response.add("AO", request.get("AO")).add("AF", denied.message)
        return response
    patron = access.patron_for(request)
    member = patron.member
    with words.spoken(member):
        why = _patron_refusal(patron)
        if why is not None or member is None:
            response = Response("66", "0" + "0000" + "0000" + sip_date())
            response.add("AO", request.get("AO") or account.branch.isil)
            response.add("AF", why or "")
            return response
        # Written first: each renewal commits on its own (see loans_renew_all), and the answer
        # lists the member's loans whatever happens to one of them.
        access.log_shown(account, member, [DataPart.LOANS])
        results = loans_renew_all(member=member, staff=None, via=access.VIA)
        barcodes = dict(
            Loan.objects.filter(pk__in=[r.loan_id for r in results]).values_list(
                "pk", "item__barcode"
            )
        )
        renewed = [r for r in results if r.renewed]
        unrenewed = [r for r in results if not r.renewed]
        fixed = "1" + f"{len(renewed):04d}" + f"{len(unrenewed):04d}" + sip_date()
        response = Response("66", fixed)
        response.add("AO", request.get("AO") or account.branch.isil)
        for result in renewed:
            response.add("BM", barcodes.get(result.loan_id, ""))
        for result in unrenewed:
            response.add("BN", barcodes.get(result.loan_id, ""))
        response.add("AF", words.renewed_count(len(renewed), len(unrenewed)))
    return response

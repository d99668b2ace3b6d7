"""Hold (15 → 16): place (mode ``+``) or cancel (mode ``-``) a reservation at a kiosk.

Reservations are on titles; the kiosk names the title by a copy's barcode (AB). Without AB
(a title identifier AJ alone) the member is asked to scan a copy. The pickup branch (BS) is a
branch's ISIL or code; without one, or with one the library does not have, the kiosk's own
branch. Changing a reservation (mode ``*``) is refused: place or cancel only. Expiration date
(BW) and hold type (BY) are not used: a reservation in Kaft waits until served or cancelled.
The answer gives the queue position (BR) and pickup branch (BS) of a placed reservation.
"""

from __future__ import annotations

from django.db import transaction
from django.db.models import Q

from kaft.catalog.models import Branch, Item, ItemStatus
from kaft.circulation.errors import CirculationError, CirculationErrorCode
from kaft.circulation.selectors.holds import member_active_holds
from kaft.circulation.selectors.loans import item_by_barcode
from kaft.circulation.services import hold_cancel, hold_place
from kaft.core.errors import DomainError
from kaft.members.models import Member
from kaft.privacy.models import DataPart
from kaft.sip2 import access, words
from kaft.sip2.access import Denied, DenyReason
from kaft.sip2.models import KioskAccount
from kaft.sip2.protocol import Request, Response, Session, flag, handles, sip_date


def _answer(request: Request, *, done: bool, item: Item | None, message: str) -> Response:
    available = item is not None and item.status == ItemStatus.AVAILABLE
    response = Response("16", ("1" if done else "0") + flag(done and available) + sip_date())
    response.add("AO", request.get("AO"))
    response.add("AA", request.get("AA"))
    response.add("AB", item.barcode if item is not None else request.get("AB"))
    response.add("AJ", item.record.title if item is not None else request.get("AJ"))
    response.add("AF", message)
    return response


def _pickup(account: KioskAccount, code: str) -> Branch:
    code = code.strip()
    if code:
        found = Branch.objects.filter(Q(isil__iexact=code) | Q(code__iexact=code)).first()
        if found is not None:
            return found
    return account.branch


@handles("15")
def hold(session: Session, request: Request) -> Response:
    try:
        account = access.kiosk_of(session, request)
    except Denied as denied:
        with words.spoken(None):
            return _answer(request, done=False, item=None, message=denied.message)
    patron = access.patron_for(request)
    member = patron.member
    with words.spoken(member):
        if patron.refusal is not None or member is None:
            message = words.refusal(patron.refusal) if patron.refusal is not None else ""
            return _answer(request, done=False, item=None, message=message)
        if not patron.may_act:
            return _answer(
                request, done=False, item=None, message=Denied(DenyReason.PIN_MISSING).message
            )
        mode = request.fixed[:1]
        if mode not in ("+", "-"):
            return _answer(request, done=False, item=None, message=str(words.HOLD_CHANGE_REFUSED))
        if not request.get("AB"):
            return _answer(request, done=False, item=None, message=str(words.HOLD_NEEDS_ITEM))
        try:
            item = item_by_barcode(request.get("AB"))
        except CirculationError as error:
            return _answer(request, done=False, item=None, message=words.refusal(error))
        if mode == "+":
            return _place(account, request, member, item)
        return _cancel(account, request, member, item)


def _place(account: KioskAccount, request: Request, member: Member, item: Item) -> Response:
    pickup = _pickup(account, request.get("BS"))
    try:
        with transaction.atomic():  # the hold and the access-log entry commit together
            placed = hold_place(
                record=item.record, member=member, pickup_branch=pickup, staff=None, via=access.VIA
            )
            access.log_shown(account, member, [DataPart.HOLDS])
    except DomainError as error:
        return _answer(request, done=False, item=item, message=words.refusal(error))
    position = next(
        (getattr(h, "position", None) for h in member_active_holds(member) if h.pk == placed.pk),
        None,
    )
    response = _answer(request, done=True, item=item, message=words.hold_placed(pickup.name))
    if position is not None:
        response.fields.insert(0, ("BR", str(position)))
    response.fields.insert(1 if position is not None else 0, ("BS", pickup.isil))
    return response


def _cancel(account: KioskAccount, request: Request, member: Member, item: Item) -> Response:
    own = next((h for h in member_active_holds(member) if h.record_id == item.record_id), None)
    if own is None:
        error = CirculationError(CirculationErrorCode.HOLD_NOT_CANCELLABLE)
        return _answer(request, done=False, item=item, message=words.refusal(error))
    try:
        with transaction.atomic():
            hold_cancel(hold=own, staff=None, via=access.VIA)
            access.log_shown(account, member, [DataPart.HOLDS])
    except DomainError as error:
        return _answer(request, done=False, item=item, message=words.refusal(error))
    return _answer(request, done=True, item=item, message=str(words.HOLD_CANCELLED))

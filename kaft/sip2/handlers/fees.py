"""Fee paid (37 → 38): a kiosk that took money records it through billing's payment service.

The payment is :func:`~kaft.billing.services.payments.payment_take` at the kiosk's branch, with
no staff member. Billing knows the methods cash, debit card (pin), direct debit and transfer;
a kiosk pays by card or in cash, so SIP2's payment type 00 (cash) is recorded as cash and 01
(VISA) and 02 (credit card) as a card payment (``PaymentMethod.PIN``). Other payment types are
refused. The currency must be EUR (or blank). With a fee identifier (CG: the charge's number, as
one of the member's open charges) only that charge is paid; without one the oldest charges
first. A charge that is not the member's open charge is unknown here; more than is owed is
refused by billing; a refusal writes nothing.
The transaction id (BK) is sent back as received.
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from django.db import transaction

from kaft.billing.models import PaymentMethod
from kaft.billing.selectors.charges import member_open_charges
from kaft.billing.services.payments import payment_take
from kaft.core.errors import DomainError
from kaft.privacy.models import DataPart
from kaft.sip2 import access, answers, words
from kaft.sip2.access import Denied, DenyReason
from kaft.sip2.protocol import Request, Response, Session, flag, handles, sip_date

MAX_AMOUNT = Decimal(100_000)  # no kiosk takes this much: a misread amount
METHODS = {"00": PaymentMethod.CASH, "01": PaymentMethod.PIN, "02": PaymentMethod.PIN}


def _answer(request: Request, accepted: bool, message: str) -> Response:
    response = Response("38", flag(accepted) + sip_date())
    response.add("AO", request.get("AO"))
    response.add("AA", request.get("AA"))
    if request.get("BK"):
        response.add("BK", request.get("BK"))
    response.add("AF", message)
    return response


def _amount(text: str) -> Decimal | None:
    try:
        value = Decimal(text.strip().replace(",", "."))
    except InvalidOperation:
        return None
    if not value.is_finite() or abs(value) >= MAX_AMOUNT:
        return None
    return value


@handles("37")
def fee_paid(session: Session, request: Request) -> Response:
    try:
        account = access.kiosk_of(session, request)
    except Denied as denied:
        with words.spoken(None):
            return _answer(request, False, denied.message)
    patron = access.patron_for(request)
    member = patron.member
    with words.spoken(member):
        if patron.refusal is not None or member is None:
            message = words.refusal(patron.refusal) if patron.refusal is not None else ""
            return _answer(request, False, message)
        if not patron.may_act:
            return _answer(request, False, Denied(DenyReason.PIN_MISSING).message)
        method = METHODS.get(request.fixed[20:22])
        if method is None:
            return _answer(request, False, str(words.PAY_METHOD_REFUSED))
        currency = request.fixed[22:25].strip().upper()
        if currency not in ("", answers.CURRENCY):
            return _answer(request, False, str(words.PAY_CURRENCY_REFUSED))
        amount = _amount(request.get("BV"))
        if amount is None:
            return _answer(request, False, str(words.PAY_AMOUNT_UNREADABLE))
        charges = None
        if request.get("CG"):
            charge = member_open_charges(member).filter(pk=_number(request.get("CG"))).first()
            if charge is None:
                return _answer(request, False, str(words.FEE_UNKNOWN))
            charges = [charge]
        try:
            with transaction.atomic():  # the payment and the access-log entry commit together
                payment = payment_take(
                    member=member,
                    amount=amount,
                    method=method,
                    staff=None,
                    branch=account.branch,
                    charges=charges,
                )
                access.log_shown(account, member, [DataPart.PAYMENTS])
        except DomainError as error:
            return _answer(request, False, words.refusal(error))
        return _answer(request, True, words.paid(payment.amount))


def _number(text: str) -> int:
    digits = text.strip()
    return int(digits) if digits.isascii() and digits.isdigit() and len(digits) < 10 else 0

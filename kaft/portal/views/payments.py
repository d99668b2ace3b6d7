"""MijnBibliotheek "Betalingen": what the member owes and what for, whether it keeps them from
borrowing, what happened to their charges (payments, waivers, refunds), and a receipt of every
payment (a page and a PDF).

Only the member's own money: members who share access with them (family access) see their
loans and reservations, not their payments, because what someone owes and paid is their own
affair and no part of what family access promises. A receipt of anyone else is not found (404),
the same answer as for a receipt that does not exist. The member's own look needs no access log.
"""

from __future__ import annotations

from django.http import Http404, HttpResponse, HttpResponseNotAllowed
from django.utils.cache import add_never_cache_headers
from django.views.decorators.http import require_GET

from kaft.billing.models import Payment
from kaft.billing.receipt_pdf import payment_receipt_pdf
from kaft.billing.selectors.charges import (
    annotated_owed,
    member_money_block,
    member_open_charges,
    member_owed,
)
from kaft.billing.selectors.payments import (
    charge_subject,
    member_charge_history,
    member_payment,
    member_payments,
    payment_receipt,
)
from kaft.core import params
from kaft.portal.access import PortalRequest, member_required
from kaft.portal.views.common import render_portal
from kaft.portal.views.mandate import mandate_section_context


@member_required
@require_GET
def payments(request: PortalRequest) -> HttpResponse:
    member = request.member
    charges = list(member_open_charges(member))
    for charge in charges:
        charge.subject = charge_subject(charge)  # type: ignore[attr-defined]
        charge.owed_now = annotated_owed(charge)  # type: ignore[attr-defined]
    history = list(member_charge_history(member))
    for event in history:
        event.subject = charge_subject(event.charge)  # type: ignore[attr-defined]
    context = {
        "section": "payments",
        "charges": charges,
        "owed": member_owed(member),
        "money_block": member_money_block(member),
        "history": history,
        "payments": list(member_payments(member)),
        **mandate_section_context(member),
    }
    response = render_portal(request, "portal/payments.html", context)
    add_never_cache_headers(response)
    return response


def _own_payment(request: PortalRequest, payment_id: int) -> Payment:
    payment = member_payment(request.member, params.id_or_404(payment_id))
    if payment is None:  # the same answer whether it does not exist or is someone else's
        raise Http404
    return payment


@member_required
def receipt(request: PortalRequest, payment_id: int) -> HttpResponse:
    payment = _own_payment(request, payment_id)  # ownership first, whatever the method
    if request.method != "GET":
        return HttpResponseNotAllowed(["GET"])
    context = {"section": "payments", "receipt": payment_receipt(payment)}
    response = render_portal(request, "portal/payment_receipt.html", context)
    add_never_cache_headers(response)
    return response


@member_required
def receipt_pdf(request: PortalRequest, payment_id: int) -> HttpResponse:
    payment = _own_payment(request, payment_id)  # ownership first, whatever the method
    if request.method != "GET":
        return HttpResponseNotAllowed(["GET"])
    response = HttpResponse(
        payment_receipt_pdf(payment_receipt(payment)), content_type="application/pdf"
    )
    response["Content-Disposition"] = f'inline; filename="{payment.receipt_number}.pdf"'
    add_never_cache_headers(response)
    return response

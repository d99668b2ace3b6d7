"""Betalen: a member's open charges at the desk, paying them (cash or pin) with a receipt,
adding a charge by hand, and waiving one (only roles the library lets waive).

Every screen that shows a member's charges or payments writes the access log with the
``payments`` part (and ``identity`` where the member's name is shown); a form post answers with
a redirect, so what staff then see is logged by the page they land on. A refused payment, charge
or waiver writes nothing: the service refuses before it writes, in one transaction.

Finance staff reach these screens too (and only these of a member's screens): they find the
member by card number (:func:`payments_find`), not through the member search.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any, cast

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.utils import formats
from django.utils.cache import add_never_cache_headers
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from kaft.billing.errors import BillingError
from kaft.billing.models import Charge, ChargeKind, Payment, PaymentMethod
from kaft.billing.receipt_pdf import payment_receipt_pdf
from kaft.billing.selectors.charges import (
    annotated_owed,
    member_money_block,
    member_open_charges,
    member_owed,
)
from kaft.billing.selectors.payments import charge_subject, member_payments, payment_receipt
from kaft.billing.services.charges import charge_create, charge_waive, staff_may_waive
from kaft.billing.services.payments import payment_take
from kaft.catalog.models import Item
from kaft.core import params
from kaft.desk.access import ALL_ROLES, DeskRequest, desk_view, member_look
from kaft.desk.forms_payments import CardForm, ChargeAddForm, PayForm, WaiveForm
from kaft.desk.views.common import desk_render
from kaft.members.models import Member
from kaft.privacy.models import AccessPurpose, DataPart

# The payment screen: the member's name and card, and their charges and payments.
PAYMENT_PARTS = (DataPart.IDENTITY, DataPart.PAYMENTS)
# A receipt: what was paid, and the last four digits of the card.
RECEIPT_PARTS = (DataPart.PAYMENTS,)
RECENT_PAYMENTS = 10


def money(amount: Decimal) -> str:
    """2,50 in Dutch, 2.50 in English."""
    return formats.number_format(amount, 2, use_l10n=True)


def _member(member_id: int) -> Member:
    return get_object_or_404(Member.objects.select_related("category"), pk=member_id)


def _back(member: Member) -> HttpResponse:
    return redirect("desk:member_payments", member_id=member.pk)


def _refused(request: HttpRequest, member: Member, message: str) -> HttpResponse:
    messages.error(request, message)
    return _back(member)


@desk_view(roles=ALL_ROLES)
@require_GET
def payments_find(request: HttpRequest) -> HttpResponse:
    """Find a member's payment screen by card number (finance staff have no member search)."""
    form = CardForm(request.GET or None)
    if form.is_valid():
        member = Member.objects.filter(card_number=form.cleaned_data["card"].strip()).first()
        if member is not None:
            return _back(member)
        form.add_error("card", _("No member has this card number."))
    return desk_render(request, "desk/payments_find.html", {"form": form})


@desk_view(roles=ALL_ROLES)
@require_GET
def member_payments_view(request: HttpRequest, member_id: int) -> HttpResponse:
    desk = cast(DeskRequest, request)
    member = _member(member_id)
    member_look(desk, member, PAYMENT_PARTS, purpose=AccessPurpose.DESK)
    charges = list(member_open_charges(member))
    for charge in charges:
        charge.subject = charge_subject(charge)  # type: ignore[attr-defined]
        charge.owed_now = annotated_owed(charge)  # type: ignore[attr-defined]
    context: dict[str, Any] = {
        "member": member,
        "charges": charges,
        "owed": member_owed(member),
        "money_block": member_money_block(member),
        "payments": list(member_payments(member)[:RECENT_PAYMENTS]),
        "may_waive": staff_may_waive(desk.user),
        "pay_form": PayForm(),
        "charge_form": ChargeAddForm(),
        "waive_form": WaiveForm(),
    }
    response = desk_render(request, "desk/payments.html", context)
    add_never_cache_headers(response)
    return response


def _chosen_charges(request: HttpRequest) -> list[Charge] | None:
    """The charges ticked (None: none ticked, so all); a value that is no charge id raises
    Http404, as does a charge that does not exist."""
    values = request.POST.getlist("charge")
    if not values:
        return None
    read = [params.id_from(value) for value in values]
    ids = [charge_id for charge_id in read if charge_id is not None]
    if len(ids) != len(read):
        raise Http404
    chosen = list(Charge.objects.filter(pk__in=ids))
    if len(chosen) != len(set(ids)):
        raise Http404
    return chosen


@desk_view(roles=ALL_ROLES)
@require_POST
def member_pay(request: HttpRequest, member_id: int) -> HttpResponse:
    desk = cast(DeskRequest, request)
    member = _member(member_id)
    form = PayForm(request.POST)
    if not form.is_valid():
        return _refused(request, member, _("Choose cash or pin, and an amount such as 2,50."))
    try:
        payment = payment_take(
            member=member,
            amount=form.cleaned_data["amount"],  # None: everything owed on the charges ticked
            method=PaymentMethod(form.cleaned_data["method"]),
            staff=desk.user,
            branch=desk.staff_branch,
            charges=_chosen_charges(request),
        )
    except BillingError as error:
        return _refused(request, member, error.message)
    messages.success(
        request,
        _("€ %(amount)s received (%(method)s). Receipt %(number)s.")
        % {
            "amount": money(payment.amount),
            "method": payment.get_method_display(),
            "number": payment.receipt_number,
        },
    )
    return redirect("desk:payment_receipt", payment_id=payment.pk)


@desk_view(roles=ALL_ROLES)
@require_POST
def member_charge_add(request: HttpRequest, member_id: int) -> HttpResponse:
    desk = cast(DeskRequest, request)
    member = _member(member_id)
    form = ChargeAddForm(request.POST)
    if not form.is_valid():
        return _refused(request, member, _("Choose what the charge is for, an amount and a note."))
    item = None
    barcode = form.cleaned_data["barcode"].strip()
    if barcode:
        item = Item.objects.filter(barcode=barcode).first()
        if item is None:
            return _refused(request, member, _("No copy has this barcode."))
    try:
        charge = charge_create(
            member=member,
            kind=ChargeKind(form.cleaned_data["kind"]),
            amount=form.cleaned_data["amount"],
            item=item,
            branch=desk.staff_branch,
            staff=desk.user,
            note=form.cleaned_data["note"],
        )
    except BillingError as error:
        return _refused(request, member, error.message)
    messages.success(
        request,
        _("Charged: %(what)s, € %(amount)s.")
        % {"what": charge_subject(charge), "amount": money(form.cleaned_data["amount"])},
    )
    return _back(member)


@desk_view(roles=ALL_ROLES)
@require_POST
def charge_waive_view(request: HttpRequest, member_id: int, charge_id: int) -> HttpResponse:
    desk = cast(DeskRequest, request)
    member = _member(member_id)
    if not staff_may_waive(desk.user):
        response = desk_render(
            request,
            "desk/payments_refused.html",
            {"member": member, "message": _("Your role may not waive charges.")},
            status=403,
        )
        return response
    charge = Charge.objects.filter(pk=params.id_or_404(charge_id), member=member).first()
    if charge is None:
        raise Http404
    form = WaiveForm(request.POST)
    if not form.is_valid():
        return _refused(request, member, _("Give a reason for waiving it."))
    try:
        charge_waive(
            charge=charge,
            staff=desk.user,
            reason=form.cleaned_data["reason"],
            amount=form.cleaned_data["amount"],
            branch=desk.staff_branch,
        )
    except BillingError as error:
        return _refused(request, member, error.message)
    messages.success(request, _("Waived: %(what)s.") % {"what": charge_subject(charge)})
    return _back(member)


def _payment(desk: DeskRequest, payment_id: int) -> Payment:
    payment = (
        Payment.objects.select_related("branch", "member")
        .filter(pk=params.id_or_404(payment_id))
        .first()
    )
    if payment is None:
        raise Http404
    if payment.member is not None:
        member_look(desk, payment.member, RECEIPT_PARTS, purpose=AccessPurpose.DESK)
    return payment


@desk_view(roles=ALL_ROLES)
@require_GET
def payment_receipt_page(request: HttpRequest, payment_id: int) -> HttpResponse:
    payment = _payment(cast(DeskRequest, request), payment_id)
    owed = member_owed(payment.member) if payment.member is not None else None
    context = {
        "receipt": payment_receipt(payment, owed_after=owed),
        "member_id": payment.member_id,
    }
    response = desk_render(request, "desk/slip_payment.html", context)
    add_never_cache_headers(response)
    return response


@desk_view(roles=ALL_ROLES)
@require_GET
def payment_receipt_as_pdf(request: HttpRequest, payment_id: int) -> HttpResponse:
    payment = _payment(cast(DeskRequest, request), payment_id)
    content = payment_receipt_pdf(payment_receipt(payment))
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{payment.receipt_number}.pdf"'
    add_never_cache_headers(response)
    return response

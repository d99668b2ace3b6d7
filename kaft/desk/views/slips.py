"""Receipts and slips: the checkout receipt, the holds-shelf slip and the transit slip.

Each is a page made to be printed on a receipt printer (the browser's print, 80 mm wide by the
print stylesheet ``desk/slips.css``) and the same as a PDF. What each holds is decided in
:mod:`kaft.circulation.selectors.slips`; nothing is stored (rendered again on every request), and the
responses are never cached (``Cache-Control: no-store``).

The checkout receipt is of the member being served and lists the copies lent in this session
(the lending screen's session list), as loans still open: a look at the member's loans. The
holds-shelf slip shows the pickup name: in the default (initials and the last digits of the
card) a look at the member's name and reservations. The transit slip shows no member data.
"""

from __future__ import annotations

from typing import Any, cast

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils import timezone
from django.utils.cache import add_never_cache_headers
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from kaft.circulation.selectors.slips import (
    PICKUP_LABEL_INITIALS,
    CheckoutReceipt,
    checkout_receipt,
    hold_on_shelf,
    hold_shelf_slip,
    item_open_transfer,
    pickup_label_mode,
    transit_slip,
)
from kaft.core import params
from kaft.desk.access import DeskRequest, active_member, desk_view, member_look
from kaft.desk.slips_pdf import hold_slip_pdf, receipt_pdf, transit_slip_pdf
from kaft.desk.views.common import desk_render
from kaft.desk.views.scan_rows import session_loans
from kaft.members.models import Member
from kaft.privacy.models import AccessPurpose, DataPart

HOLD_SLIP_PARTS = (DataPart.IDENTITY, DataPart.HOLDS)  # initials and the last digits of the card


class NobodyServed(Exception):
    """The lending screen serves nobody now: there is no receipt to give."""


def _nobody_served(request: HttpRequest) -> HttpResponse:
    messages.info(request, _("Nobody is being served: scan the member's card first."))
    return redirect("desk:checkout")


def _receipt(desk: DeskRequest) -> tuple[Member, CheckoutReceipt]:
    member = active_member(desk)
    if member is None:
        raise NobodyServed
    loans = session_loans(desk, member)
    if loans:
        member_look(desk, member, [DataPart.LOANS], purpose=AccessPurpose.DESK)
    receipt = checkout_receipt(
        member=member, loans=loans, branch=desk.staff_branch, now=timezone.now()
    )
    return member, receipt


def _pdf(content: bytes, name: str) -> HttpResponse:
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{name}.pdf"'
    add_never_cache_headers(response)
    return response


def _page(request: HttpRequest, template: str, context: dict[str, Any]) -> HttpResponse:
    response = desk_render(request, template, context)
    add_never_cache_headers(response)
    return response


@desk_view
@require_GET
def receipt(request: HttpRequest) -> HttpResponse:
    try:
        member, slip = _receipt(cast(DeskRequest, request))
    except NobodyServed:
        return _nobody_served(request)
    context = {"receipt": slip, "by_email": member.email_receipt and bool(member.email)}
    return _page(request, "desk/slip_receipt.html", context)


@desk_view
@require_GET
def receipt_as_pdf(request: HttpRequest) -> HttpResponse:
    try:
        _member, slip = _receipt(cast(DeskRequest, request))
    except NobodyServed:
        return _nobody_served(request)
    return _pdf(receipt_pdf(slip), _("receipt"))


def _hold_slip(desk: DeskRequest, hold_id: int) -> Any:
    hold = hold_on_shelf(params.id_or_404(hold_id), desk.staff_branch)
    if hold is None:
        raise Http404
    if pickup_label_mode() == PICKUP_LABEL_INITIALS and hold.member is not None:
        member_look(desk, hold.member, HOLD_SLIP_PARTS, purpose=AccessPurpose.DESK)
    return hold_shelf_slip(hold)


@desk_view
@require_GET
def hold_slip(request: HttpRequest, hold_id: int) -> HttpResponse:
    slip = _hold_slip(cast(DeskRequest, request), hold_id)
    return _page(request, "desk/slip_hold.html", {"slip": slip, "hold_id": hold_id})


@desk_view
@require_GET
def hold_slip_as_pdf(request: HttpRequest, hold_id: int) -> HttpResponse:
    slip = _hold_slip(cast(DeskRequest, request), hold_id)
    return _pdf(hold_slip_pdf(slip), _("reservation"))


def _transit_slip(desk: DeskRequest, item_id: int) -> Any:
    transfer = item_open_transfer(params.id_or_404(item_id), desk.staff_branch)
    if transfer is None:
        raise Http404
    return transit_slip(transfer)


@desk_view
@require_GET
def transit_slip_page(request: HttpRequest, item_id: int) -> HttpResponse:
    slip = _transit_slip(cast(DeskRequest, request), item_id)
    return _page(request, "desk/slip_transit.html", {"slip": slip, "item_id": item_id})


@desk_view
@require_GET
def transit_slip_as_pdf(request: HttpRequest, item_id: int) -> HttpResponse:
    slip = _transit_slip(cast(DeskRequest, request), item_id)
    return _pdf(transit_slip_pdf(slip), _("transit"))

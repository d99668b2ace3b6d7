"""Lending and taking in for systems with ``circulation:write`` (a returns sorter, a
self-service app), through the same services as the desk with ``via="api"``.

Taking in answers where the copy goes — back on the shelf, on the holds shelf, or in transit to
another branch — and names no member: a sorter never reads members. Lending names the member by
card number and answers only the loan; the look is written to that member's access log.
"""

from __future__ import annotations

from django.db import transaction
from django.http import HttpRequest, HttpResponse
from ninja import Router

from kaft.api import access
from kaft.api.models import Scope
from kaft.api.routers.common import CONFLICT, NOT_FOUND, REFUSALS, caller, no_store
from kaft.api.schemas import CheckinIn, CheckinOut, CheckoutIn, CheckoutOut
from kaft.circulation.selectors.loans import item_by_barcode
from kaft.circulation.services.loans import loan_checkin, loan_checkout
from kaft.privacy.models import DataPart

router = Router(tags=["circulation"])

VIA = "api"


@router.post(
    "/checkin",
    response={200: CheckinOut, **NOT_FOUND, **CONFLICT, **REFUSALS},
    operation_id="circulation_checkin",
    summary="Take a copy in",
)
def checkin(request: HttpRequest, data: CheckinIn) -> CheckinOut:
    access.require(caller(request), Scope.CIRCULATION_WRITE)
    branch = access.branch_named(data.branch)
    item = item_by_barcode(data.barcode)
    result = loan_checkin(item=item, branch=branch, staff=None, via=VIA)
    return CheckinOut(
        barcode=item.barcode,
        destination=result.destination,
        to_branch=result.to_branch.code,
        returned_late=result.returned_late,
        received_transfer=result.received_transfer,
    )


@router.post(
    "/checkout",
    response={201: CheckoutOut, **NOT_FOUND, **CONFLICT, **REFUSALS},
    operation_id="circulation_checkout",
    summary="Lend a copy to a member",
)
def checkout(
    request: HttpRequest, response: HttpResponse, data: CheckoutIn
) -> tuple[int, CheckoutOut]:
    who = caller(request)
    member = access.member_for_checkout(who, data.card_number)
    branch = access.branch_named(data.branch)
    item = item_by_barcode(data.barcode)
    with transaction.atomic():
        loan = loan_checkout(item=item, member=member, staff=None, branch=branch, via=VIA)
        access.look(who, [member], [DataPart.LOANS])
    no_store(response)
    return 201, CheckoutOut(loan_id=loan.pk, barcode=item.barcode, due_date=loan.due_date)

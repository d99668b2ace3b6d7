"""A member's own data, for the app the member gave a token at the consent page (scope ``me``).

Which member: the token's, decided in :mod:`kaft.api.access` (``access.me``); no operation here
takes a member or card number. Every answer is written to the member's access log with the app's
name (and is a disclosure when the app belongs to a partner organisation). Lists page with
``limit`` and ``offset``.
"""

from __future__ import annotations

from typing import Annotated

from django.db import transaction
from django.http import HttpRequest, HttpResponse
from ninja import Query, Router

from kaft.api import access
from kaft.api.routers.common import CONFLICT, NOT_FOUND, REFUSALS, caller, no_store
from kaft.api.schemas import (
    ChargeOut,
    ChargesOut,
    HoldIn,
    HoldOut,
    HoldsOut,
    Id,
    LoanOut,
    LoansOut,
    MeOut,
)
from kaft.billing.selectors.charges import annotated_owed, member_open_charges
from kaft.catalog.errors import CatalogError, CatalogErrorCode
from kaft.catalog.models import Record
from kaft.circulation.models import Hold, Loan
from kaft.circulation.selectors.holds import member_active_holds
from kaft.circulation.selectors.loans import member_open_loans
from kaft.circulation.services.holds import hold_cancel, hold_place
from kaft.circulation.services.loans import loan_renew
from kaft.privacy.models import DataPart

router = Router(tags=["me"])

VIA = "api"
Limit = Annotated[int, Query(ge=1, le=100)]
Offset = Annotated[int, Query(ge=0, le=1_000_000)]


def _loan(loan: Loan) -> LoanOut:
    return LoanOut(
        id=loan.pk,
        barcode=loan.item.barcode,
        record_id=loan.item.record_id,
        title=loan.item.record.title,
        checked_out_at=loan.checked_out_at,
        due_date=loan.due_date,
        renewals=loan.renewals,
    )


def _hold(hold: Hold) -> HoldOut:
    return HoldOut(
        id=hold.pk,
        record_id=hold.record_id,
        title=hold.record.title,
        status=hold.status,
        pickup_branch=hold.pickup_branch.code,
        placed_at=hold.placed_at,
        pickup_deadline=hold.pickup_deadline,
    )


@router.get("", response={200: MeOut, **REFUSALS}, operation_id="me_get", summary="The member")
def me_get(request: HttpRequest, response: HttpResponse) -> MeOut:
    """The token's member: card number, first name, membership status and end date."""
    who = caller(request)
    member = access.me(who)
    access.look(who, [member], [DataPart.IDENTITY, DataPart.STATUS])
    no_store(response)
    return MeOut(
        card_number=member.card_number,
        first_name=member.first_name,
        status=member.status,
        membership_end=member.membership_end,
        home_branch=member.home_branch.code,
    )


@router.get("/loans", response={200: LoansOut, **REFUSALS}, operation_id="me_loans")
def me_loans(
    request: HttpRequest, response: HttpResponse, limit: Limit = 50, offset: Offset = 0
) -> LoansOut:
    """The member's open loans, soonest due first."""
    who = caller(request)
    member = access.me(who)
    loans = member_open_loans(member)
    access.look(who, [member], [DataPart.LOANS])
    no_store(response)
    return LoansOut(
        items=[_loan(loan) for loan in loans[offset : offset + limit]],
        total=loans.count(),
        limit=limit,
        offset=offset,
    )


@router.post(
    "/loans/{loan_id}/renew",
    response={200: LoanOut, **NOT_FOUND, **CONFLICT, **REFUSALS},
    operation_id="me_loan_renew",
)
def me_loan_renew(request: HttpRequest, response: HttpResponse, loan_id: Id) -> LoanOut:
    """Renew one of the member's loans; refused with the circulation code (409) otherwise."""
    who = caller(request)
    loan = access.own_loan(who, loan_id)
    with transaction.atomic():
        renewed = loan_renew(loan=loan, staff=None, via=VIA, only_if_later=True)
        access.look(who, [loan.member], [DataPart.LOANS])  # type: ignore[list-item]
    no_store(response)
    renewed.item = loan.item
    return _loan(renewed)


@router.get("/holds", response={200: HoldsOut, **REFUSALS}, operation_id="me_holds")
def me_holds(
    request: HttpRequest, response: HttpResponse, limit: Limit = 50, offset: Offset = 0
) -> HoldsOut:
    """The member's active reservations, oldest first."""
    who = caller(request)
    member = access.me(who)
    holds = member_active_holds(member)
    access.look(who, [member], [DataPart.HOLDS])
    no_store(response)
    return HoldsOut(
        items=[_hold(hold) for hold in holds[offset : offset + limit]],
        total=len(holds),
        limit=limit,
        offset=offset,
    )


@router.post(
    "/holds",
    response={201: HoldOut, **NOT_FOUND, **CONFLICT, **REFUSALS},
    operation_id="me_hold_place",
)
def me_hold_place(
    request: HttpRequest, response: HttpResponse, data: HoldIn
) -> tuple[int, HoldOut]:
    """Reserve a title, to pick up at a branch (its code or ISIL)."""
    who = caller(request)
    member = access.me(who)
    branch = access.branch_named(data.pickup_branch)
    record = Record.objects.defer("marc").filter(pk=data.record_id).first()
    if record is None:
        raise CatalogError(CatalogErrorCode.RECORD_NOT_FOUND)
    with transaction.atomic():
        hold = hold_place(record=record, member=member, pickup_branch=branch, staff=None, via=VIA)
        access.look(who, [member], [DataPart.HOLDS])
    no_store(response)
    hold.record, hold.pickup_branch = record, branch
    return 201, _hold(hold)


@router.delete(
    "/holds/{hold_id}",
    response={200: HoldOut, **NOT_FOUND, **CONFLICT, **REFUSALS},
    operation_id="me_hold_cancel",
)
def me_hold_cancel(request: HttpRequest, response: HttpResponse, hold_id: Id) -> HoldOut:
    """Cancel one of the member's reservations; 409 ``hold_not_cancellable`` once it cannot be."""
    who = caller(request)
    hold = access.own_hold(who, hold_id)
    with transaction.atomic():
        cancelled = hold_cancel(hold=hold, staff=None, via=VIA)
        access.look(who, [hold.member], [DataPart.HOLDS])  # type: ignore[list-item]
    no_store(response)
    cancelled.record, cancelled.pickup_branch = hold.record, hold.pickup_branch
    return _hold(cancelled)


@router.get("/charges", response={200: ChargesOut, **REFUSALS}, operation_id="me_charges")
def me_charges(
    request: HttpRequest, response: HttpResponse, limit: Limit = 50, offset: Offset = 0
) -> ChargesOut:
    """What the member still owes, per charge, oldest first."""
    who = caller(request)
    member = access.me(who)
    charges = member_open_charges(member)
    access.look(who, [member], [DataPart.PAYMENTS])
    no_store(response)
    page = list(charges[offset : offset + limit])
    return ChargesOut(
        items=[
            ChargeOut(
                id=charge.pk,
                kind=charge.kind,
                created_at=charge.created_at,
                note=charge.note,
                title=charge.item.record.title if charge.item is not None else None,
                owed=f"{annotated_owed(charge):.2f}",
            )
            for charge in page
        ],
        total=charges.count(),
        limit=limit,
        offset=offset,
    )

"""The status of one copy, by barcode (``availability:read`` or ``circulation:write``)."""

from __future__ import annotations

from typing import Annotated

from django.http import HttpRequest
from ninja import Path, Router

from kaft.api import access
from kaft.api.models import Scope
from kaft.api.routers.common import NOT_FOUND, REFUSALS, caller
from kaft.api.schemas import ItemOut
from kaft.circulation.selectors.loans import item_by_barcode, item_open_loan

router = Router(tags=["items"])


@router.get(
    "/{barcode}",
    response={200: ItemOut, **NOT_FOUND, **REFUSALS},
    operation_id="item_get",
    summary="The status of a copy",
)
def item_get(request: HttpRequest, barcode: Annotated[str, Path(max_length=64)]) -> ItemOut:
    """Where a copy is and whether it is lent (then until when). No member is named."""
    access.require_any(caller(request), Scope.AVAILABILITY_READ, Scope.CIRCULATION_WRITE)
    item = item_by_barcode(barcode)
    loan = item_open_loan(item)
    return ItemOut(
        barcode=item.barcode,
        record_id=item.record_id,
        title=item.record.title,
        status=item.status,
        item_type=item.item_type,
        home_branch=item.home_branch.code,
        current_branch=item.current_branch.code,
        call_number=item.call_number,
        due_date=loan.due_date if loan is not None else None,
    )

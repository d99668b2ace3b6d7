""" "Eerst inleveren, dan uitlenen": the button on a refused lend of a copy still on loan to
another member. It takes the copy in and lends it to the member being served in one call of
:func:`~kaft.circulation.services.loan_hand_over`, and answers with one row that says what
happened in each step; the member panel is shown again as it is afterwards.

No data of the previous borrower is shown, so the look logged is only the panel of the member
being served.
"""

from __future__ import annotations

from typing import Any, cast

from django.http import HttpRequest, HttpResponse
from django.views.decorators.http import require_POST

from kaft.catalog.barcodes import BARCODE_MAX_LENGTH
from kaft.catalog.models import Item
from kaft.circulation.errors import CirculationError
from kaft.circulation.selectors.loans import item_by_barcode
from kaft.circulation.services import Destination, HandOver, loan_hand_over
from kaft.core import params
from kaft.desk.access import DeskRequest, desk_view
from kaft.desk.views.common import iso, member_panel_after, session_rows, wants_json
from kaft.desk.views.renewing import served_member
from kaft.desk.views.scan_rows import ROWS, refused_row, row_answer


@desk_view
@require_POST
def hand_over(request: HttpRequest) -> HttpResponse:
    desk = cast(DeskRequest, request)
    member = served_member(desk)
    if isinstance(member, HttpResponse):
        return member
    barcode = params.text_from(request.POST.get("barcode"), max_length=BARCODE_MAX_LENGTH) or ""
    item = None
    try:
        item = item_by_barcode(barcode)
        result = loan_hand_over(item=item, member=member, staff=desk.user, branch=desk.staff_branch)
    except CirculationError as error:
        row = refused_row(barcode, item, member, error)
        row.pop("offer", None)  # offered once: the row that offered it is still there
    else:
        row = _row(item, result)
        _offers_used(desk, item.barcode)
    replace = member_panel_after(desk, member) if wants_json(desk) else {}
    return row_answer(desk, row, replace=replace)


def _row(item: Item, result: HandOver) -> dict[str, Any]:
    returned = result.returned
    row: dict[str, Any] = {
        "value": item.barcode,
        "title": item.record.title,
        "due": iso(result.loan.due_date) if result.loan is not None else None,
        "error": "",
        "returned": returned is not None,
        "late": returned is not None and returned.returned_late,
        "loan": result.loan.pk if result.loan is not None else None,  # told here, not as a lend
    }
    if result.loan is None and returned is not None:
        row["kept_for"] = str(returned.destination)
        if returned.destination == Destination.TRANSIT:
            row["to_branch"] = returned.to_branch.name
    return row


def _offers_used(desk: DeskRequest, barcode: str) -> None:
    """The rows of this session that offered to hand this copy over offer it no more."""
    rows = session_rows(desk, ROWS)
    for row in rows:
        if row.get("value") == barcode:
            row.pop("offer", None)
    desk.session[ROWS] = rows

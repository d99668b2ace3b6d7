"""Item lookup, the holds shelf, the pull list and the transit lists of the branch the staff
member works at.

None of these pages shows whose loan or reservation it is (only the last digits of the card that
are on the shelf label), so none of them writes to the access log.
"""

from __future__ import annotations

from typing import Any, cast

from django.http import HttpRequest, HttpResponse
from django.views.decorators.http import require_GET

from kaft.circulation.errors import CirculationError
from kaft.circulation.selectors import (
    holds_pull_list,
    holds_shelf,
    holds_shelf_leftovers,
    item_by_barcode,
    item_open_loan,
    record_availability,
    record_queue_length,
    transit_list,
)
from kaft.circulation.slips import PICKUP_LABEL_NUMBER, pickup_label_mode
from kaft.desk.access import DeskRequest, desk_view
from kaft.desk.forms import ItemLookupForm
from kaft.desk.views.common import desk_render


@desk_view
@require_GET
def item_lookup(request: HttpRequest) -> HttpResponse:
    form = ItemLookupForm(request.GET or None)
    context: dict[str, Any] = {"form": form, "item": None, "error": ""}
    if form.is_valid():
        try:
            item = item_by_barcode(form.cleaned_data["barcode"])
        except CirculationError as error:
            context["error"] = error.message
        else:
            loan = item_open_loan(item)
            context.update(
                item=item,
                due_date=loan.due_date if loan is not None else None,
                queue_length=record_queue_length(item.record_id),
                availability=record_availability(item.record),
            )
    return desk_render(request, "desk/item.html", context)


@desk_view
@require_GET
def holds_shelf_list(request: HttpRequest) -> HttpResponse:
    desk = cast(DeskRequest, request)
    holds = list(holds_shelf(desk.staff_branch))
    expired = [h for h in holds if h.past_deadline]  # type: ignore[attr-defined]
    return desk_render(
        request,
        "desk/holds_shelf.html",
        {
            "holds": holds,
            "expired_count": len(expired),
            "leftovers": list(holds_shelf_leftovers(desk.staff_branch)),
            "by_number": pickup_label_mode() == PICKUP_LABEL_NUMBER,
        },
    )


@desk_view
@require_GET
def pull_list(request: HttpRequest) -> HttpResponse:
    """Copies on this branch's shelves that waiting reservations need: fetch, then scan them
    at the return screen, which sets each aside (or sends it to the pickup branch)."""
    desk = cast(DeskRequest, request)
    return desk_render(request, "desk/pull_list.html", {"rows": holds_pull_list(desk.staff_branch)})


@desk_view
@require_GET
def transit(request: HttpRequest) -> HttpResponse:
    desk = cast(DeskRequest, request)
    transfers = list(transit_list(desk.staff_branch))
    branch_id = desk.staff_branch.pk
    return desk_render(
        request,
        "desk/transit.html",
        {
            "outgoing": [t for t in transfers if t.from_branch_id == branch_id],
            "incoming": [t for t in transfers if t.to_branch_id == branch_id],
        },
    )

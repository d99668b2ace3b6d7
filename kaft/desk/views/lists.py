"""Item lookup, the holds shelf, the pull list and the transit lists of the branch the staff
member works at.

None of these pages shows whose loan or reservation it is (only the last digits of the card that
are on the shelf label), so none of them writes to the access log.
"""

from __future__ import annotations

from typing import Any, cast

from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from kaft.catalog.barcodes import barcode_is_valid
from kaft.catalog.models import Item
from kaft.catalog.search import search_records
from kaft.circulation.errors import CirculationError
from kaft.circulation.selectors.copies import copies_of_records
from kaft.circulation.selectors.holds import (
    holds_pull_list,
    holds_shelf,
    holds_shelf_leftovers,
    record_queue_length,
    transit_list,
)
from kaft.circulation.selectors.loans import item_by_barcode, item_last_return, item_open_loan
from kaft.circulation.selectors.slips import PICKUP_LABEL_NUMBER, pickup_label_mode
from kaft.desk.access import DeskRequest, desk_view
from kaft.desk.forms import ItemLookupForm
from kaft.desk.views.common import desk_render

# Titles listed for a search by title or author; each with all its copies.
ITEM_SEARCH_TITLES = 10


@desk_view
@require_GET
def item_lookup(request: HttpRequest) -> HttpResponse:
    """By barcode (the copy, then every copy of its title) or by title and author words (the
    catalogue search; the first titles, each with its copies: status, branch, call number)."""
    form = ItemLookupForm(request.GET or None)
    context: dict[str, Any] = {"form": form, "item": None, "error": "", "found": None}
    if not form.is_valid():
        return desk_render(request, "desk/item.html", context)
    query = form.cleaned_data["q"]
    item = _by_barcode(query)
    if item is not None:
        loan = item_open_loan(item)
        context.update(
            item=item,
            due_date=loan.due_date if loan is not None else None,
            last_return=item_last_return(item) if loan is None else None,
            queue_length=record_queue_length(item.record_id),
            copies=copies_of_records([item.record_id])[item.record_id],
        )
        return desk_render(request, "desk/item.html", context)
    result = search_records(query=query, per_page=ITEM_SEARCH_TITLES)
    copies = copies_of_records(record.pk for record in result.records)
    context["found"] = [(record, copies[record.pk]) for record in result.records]
    context["total"] = result.total
    context["total_exact"] = result.total_exact
    if not result.records:
        context["error"] = _("No item has this barcode, and no title or author matches.")
    return desk_render(request, "desk/item.html", context)


def _by_barcode(value: str) -> Item | None:
    if not barcode_is_valid(value):
        return None
    try:
        return item_by_barcode(value)
    except CirculationError:
        return None


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

"""The return screen: scan items back in and say, in big words, where each one must go.

A copy travelling to this branch is received (``transfer_receive``); anything else is checked in
(``loan_checkin``). Both route the copy: shelf, holds shelf or transit to another branch.
"""

from __future__ import annotations

from typing import Any, cast

from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from kaft.catalog.models import Item
from kaft.circulation.errors import CirculationError
from kaft.circulation.selectors import item_by_barcode, transit_list
from kaft.circulation.services import (
    CheckinResult,
    Destination,
    loan_checkin,
    transfer_receive,
)
from kaft.desk.access import DeskRequest, desk_view, member_look
from kaft.desk.views.common import (
    desk_render,
    fragment,
    from_iso,
    iso,
    scan_answer,
    session_rows,
    session_rows_add,
)
from kaft.members.models import Member
from kaft.privacy.models import DataPart

ROWS = "desk_checkin_rows"


def _display(row: dict[str, Any]) -> dict[str, Any]:
    return {**row, "deadline": from_iso(row.get("deadline"))}


def shelf_label(member: Member) -> str:
    """How a reservation is marked on the holds shelf: initial, surname, last digits of the card."""
    surname = " ".join(p for p in (member.name_prefix, member.last_name) if p)
    return f"{member.first_name[:1]}. {surname} · …{member.card_number[-4:]}"


@desk_view
@require_GET
def checkin_page(request: HttpRequest) -> HttpResponse:
    rows = [_display(row) for row in session_rows(request, ROWS)]
    return desk_render(request, "desk/checkin.html", {"rows": rows})


@desk_view
@require_POST
def checkin_scan(request: HttpRequest) -> HttpResponse:
    desk = cast(DeskRequest, request)
    value = request.POST.get("value", "").strip()
    back = reverse("desk:checkin")
    if not value:
        return scan_answer(request, fallback=back)
    try:
        item = item_by_barcode(value)
        row = _take_in(desk, item)
    except CirculationError as error:
        row = {"value": value, "title": "", "error": error.message}
    session_rows_add(request, ROWS, row)
    html = fragment(request, "desk/_checkin_row.html", {"row": _display(row)})
    return scan_answer(request, fallback=back, append=html, announce=_announce(row))


def _take_in(desk: DeskRequest, item: Item) -> dict[str, Any]:
    branch = desk.staff_branch
    incoming = transit_list(branch).filter(item=item, to_branch=branch).exists()
    service = transfer_receive if incoming else loan_checkin
    result: CheckinResult = service(item=item, branch=branch, staff=desk.user)
    loan = result.loan
    row: dict[str, Any] = {
        "value": item.barcode,
        "title": item.record.title,
        "error": "",
        "destination": str(result.destination),
        "to_branch": result.to_branch.name,
        "received": incoming,
        "was_on_loan": loan is not None,
        "late": loan is not None and loan.due_date < timezone.localdate(),
        "hold_for": "",
        "deadline": None,
    }
    hold = result.hold
    if result.destination == Destination.HOLDS_SHELF and hold is not None:
        row["deadline"] = iso(hold.pickup_deadline)
        if hold.member is not None:
            # The staff member is shown who the reservation is for: that is a look.
            member_look(desk, hold.member, [DataPart.CONTACT, DataPart.HOLDS])
            row["hold_for"] = shelf_label(hold.member)
    return row


def _announce(row: dict[str, Any]) -> str:
    if row["error"]:
        return str(row["error"])
    if row["destination"] == Destination.HOLDS_SHELF:
        deadline = from_iso(row["deadline"])
        return _("Holds shelf: %(who)s, until %(deadline)s.") % {
            "who": row["hold_for"],
            "deadline": formats.date_format(deadline, "DATE_FORMAT") if deadline else "",
        }
    if row["destination"] == Destination.TRANSIT:
        return _("Transfer to %(branch)s.") % {"branch": row["to_branch"]}
    return _("Back on the shelf.")

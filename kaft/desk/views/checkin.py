"""The return screen: scan items back in and say, in big words, where each one must go.

Every scan is one ``loan_checkin``: it closes the loan, receives a copy travelling here and
routes the copy (shelf, holds shelf or transit to another branch); the result says whether a
transfer was received and whether the loan was late.

Whose reservation a copy goes to the holds shelf for is shown once, in the answer to the scan
(without the scan script: on the page right after it), and that look is logged. The session
list keeps only the reservation's id and pickup deadline, so the rows shown again later carry
no member data: "Reservation, to be picked up by ...".
"""

from __future__ import annotations

from typing import Any, cast

from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.utils import formats
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from kaft.catalog.barcodes import barcode_is_valid
from kaft.catalog.errors import CatalogErrorCode
from kaft.catalog.models import Item
from kaft.circulation.errors import CirculationError
from kaft.circulation.selectors.holds import hold_with_member
from kaft.circulation.selectors.loans import item_by_barcode
from kaft.circulation.services import CheckinResult, Destination, loan_checkin
from kaft.desk.access import DeskRequest, desk_view, member_look
from kaft.desk.views.common import (
    desk_render,
    fragment,
    from_iso,
    iso,
    scan_answer,
    scan_refused,
    session_rows,
    session_rows_add,
    wants_json,
)
from kaft.members.models import Member
from kaft.privacy.models import AccessPurpose, DataPart

ROWS = "desk_checkin_rows"
# The reservation whose label the page shows once after a scan without the scan script.
LABEL_ONCE = "desk_checkin_label_hold"
LABEL_PARTS = (DataPart.IDENTITY, DataPart.HOLDS)  # the label shows a name


def _display(row: dict[str, Any], hold_for: str = "") -> dict[str, Any]:
    return {**row, "deadline": from_iso(row.get("deadline")), "hold_for": hold_for}


def shelf_label(member: Member) -> str:
    """How a reservation is marked on the holds shelf: initial, surname, last digits of the card."""
    surname = " ".join(p for p in (member.name_prefix, member.last_name) if p)
    return f"{member.first_name[:1]}. {surname} · …{member.card_number[-4:]}"


@desk_view
@require_GET
def checkin_page(request: HttpRequest) -> HttpResponse:
    desk = cast(DeskRequest, request)
    rows = session_rows(request, ROWS)
    label_hold = request.session.pop(LABEL_ONCE, None)
    shown = [_display(row) for row in rows]
    if label_hold is not None and rows and rows[-1].get("hold_id") == label_hold:
        shown[-1] = _display(rows[-1], _label(desk, label_hold))
    return desk_render(request, "desk/checkin.html", {"rows": shown})


def _label(desk: DeskRequest, hold_id: int) -> str:
    """The shelf label of a reservation's member, written to the access log as a look."""
    hold = hold_with_member(hold_id)
    if hold is None or hold.member is None:
        return ""
    member_look(desk, hold.member, LABEL_PARTS, purpose=AccessPurpose.DESK)
    return shelf_label(hold.member)


@desk_view
@require_POST
def checkin_scan(request: HttpRequest) -> HttpResponse:
    desk = cast(DeskRequest, request)
    value = request.POST.get("value", "").strip()
    back = reverse("desk:checkin")
    if not value:
        return scan_answer(request, fallback=back)
    if not barcode_is_valid(value):  # the catalogue's rule: refused before any lookup
        return scan_refused(
            request, fallback=back, message=CatalogErrorCode.BARCODE_MALFORMED.message
        )
    if not wants_json(request):
        # Without the scan script the page shows the answer: it logs the look itself.
        row = _scanned(desk, value, show_member=False)
        session_rows_add(request, ROWS, row)
        if row.get("hold_id") is not None:
            request.session[LABEL_ONCE] = row["hold_id"]
        return scan_answer(request, fallback=back)
    row = _scanned(desk, value, show_member=True)
    hold_for = row.pop("hold_for", "")
    session_rows_add(request, ROWS, row)
    html = fragment(request, "desk/_checkin_row.html", {"row": _display(row, hold_for)})
    return scan_answer(request, fallback=back, append=html, announce=_announce(row, hold_for))


def _scanned(desk: DeskRequest, value: str, *, show_member: bool) -> dict[str, Any]:
    try:
        return _take_in(desk, item_by_barcode(value), show_member=show_member)
    except CirculationError as error:
        return {"value": value, "title": "", "error": error.message}


def _take_in(desk: DeskRequest, item: Item, *, show_member: bool) -> dict[str, Any]:
    """Check the copy in; the row for the session list (plus ``hold_for`` when shown now)."""
    result: CheckinResult = loan_checkin(item=item, branch=desk.staff_branch, staff=desk.user)
    row: dict[str, Any] = {
        "value": item.barcode,
        "item_id": item.pk,
        "title": item.record.title,
        "error": "",
        "destination": str(result.destination),
        "to_branch": result.to_branch.name,
        "received": result.received_transfer,
        "was_on_loan": result.loan is not None,
        "late": result.returned_late,
        "hold_id": None,
        "deadline": None,
    }
    hold = result.hold
    if result.destination == Destination.HOLDS_SHELF and hold is not None:
        row["hold_id"] = hold.pk
        row["deadline"] = iso(hold.pickup_deadline)
        if show_member and hold.member is not None:
            # The staff member is shown who the reservation is for: that is a look.
            member_look(desk, hold.member, LABEL_PARTS, purpose=AccessPurpose.DESK)
            row["hold_for"] = shelf_label(hold.member)
    return row


def _announce(row: dict[str, Any], hold_for: str) -> str:
    if row["error"]:
        return str(row["error"])
    if row["destination"] == Destination.HOLDS_SHELF:
        deadline = from_iso(row["deadline"])
        day = formats.date_format(deadline, "DATE_FORMAT") if deadline else ""
        if not hold_for:
            return _("Holds shelf, until %(deadline)s.") % {"deadline": day}
        return _("Holds shelf: %(who)s, until %(deadline)s.") % {"who": hold_for, "deadline": day}
    if row["destination"] == Destination.TRANSIT:
        return _("Transfer to %(branch)s.") % {"branch": row["to_branch"]}
    if row["destination"] == Destination.TO_LENDER:
        return _("Borrowed from another library: set it aside to ship back.")
    return _("Back on the shelf.")

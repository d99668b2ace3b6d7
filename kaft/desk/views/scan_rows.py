"""The list of scans on the lending screen (*Deze sessie*) and the row each scan answers with.

The session keeps the rows the loans cannot tell (refusals, hand-overs, copies set aside) and
where the session with the member began (the newest loan then); the plain lends since are read
from the loans (:func:`scan_rows`), so a lend writes nothing to the session.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpResponse
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from kaft.catalog.models import Item
from kaft.circulation.errors import CirculationError, CirculationErrorCode
from kaft.circulation.models import Loan
from kaft.circulation.selectors.loans import item_by_barcode, item_open_loan, loans_lent_by
from kaft.circulation.selectors.slips import receipt_loans
from kaft.desk.access import DeskRequest
from kaft.desk.views.common import (
    SESSION_ROWS_KEPT,
    fragment,
    from_iso,
    iso,
    scan_answer,
    session_rows,
    session_rows_add,
)
from kaft.desk.words import refusal
from kaft.members.models import Member

ROWS = "desk_checkout_rows"
AFTER = "desk_checkout_after_loan"


# Every key the row template reads: a key a row lacks costs the template a search of the dict's
# attributes before it gives up (most rows are plain lends and lack most of them).
ROW_SHOWN: dict[str, object] = {"title": "", "error": "", "offer": None, "kept_for": ""}
ROW_SHOWN |= {"to_branch": "", "returned": False, "late": False}


def row_display(row: dict[str, Any]) -> dict[str, Any]:
    return {**ROW_SHOWN, **row, "due": from_iso(row.get("due"))}


def row_answer(desk: DeskRequest, row: dict[str, Any], *, replace: dict[str, str]) -> HttpResponse:
    """Keep ``row`` in this session's list and answer the scan script with it."""
    row_keep(desk, row)
    return row_drawn(desk, row, replace=replace)


def row_keep(desk: DeskRequest, row: dict[str, Any]) -> None:
    """Keep ``row`` in the session's rows, stamped with the time (the order of the rows)."""
    session_rows_add(desk, ROWS, {**row, "at": timezone.now().isoformat()})


def scan_rows(
    desk: DeskRequest, member: Member, *, last: int | None = SESSION_ROWS_KEPT
) -> list[dict[str, Any]]:
    """The rows of the session with ``member`` at this screen, in the order of the scans (the
    ``last`` ones; None: all): those the session keeps, and the loans this staff member lent the
    member since the session began (one query; also at another branch chosen meanwhile, so the
    receipt misses nothing), except those a kept row already tells (a hand-over).

    "Since the session began" is after the newest loan there was when the card was scanned (a
    loan number, not a clock: web servers' clocks may differ a little)."""
    kept = session_rows(desk, ROWS)
    after = desk.session.get(AFTER)
    if not isinstance(after, int):
        return kept
    told = {row.get("loan") for row in kept}
    lent = [
        {
            "value": loan.item.barcode,
            "title": loan.record.title,
            "due": iso(loan.due_date),
            "error": "",
            "at": loan.checked_out_at.isoformat(),
        }
        for loan in loans_lent_by(member_id=member.pk, staff_id=desk.user.pk, after=after)
        if loan.pk not in told
    ]
    rows = sorted([*kept, *lent], key=lambda row: str(row.get("at", "")))
    return rows if last is None else rows[-last:]


def row_drawn(
    desk: DeskRequest,
    row: dict[str, Any],
    *,
    replace: dict[str, str],
    loan: dict[str, str] | None = None,
) -> HttpResponse:
    """The scan script's answer with ``row`` (already kept in the session's list)."""
    html = fragment(desk, "desk/_checkout_row.html", {"row": row_display(row)})
    return scan_answer(
        desk,
        fallback=reverse("desk:checkout"),
        append=html,
        replace=replace,
        announce=announce(row),
        loan=loan,
    )


def refused_copy(value: str, error: CirculationError) -> Item | None:
    """The copy of a refused lend, for its title (a refusal only: a lend reads it with its lock)."""
    if error.code == CirculationErrorCode.UNKNOWN_BARCODE:
        return None
    try:
        return item_by_barcode(value)
    except CirculationError:
        return None


def refused_row(
    value: str, item: Item | None, member: Member, error: CirculationError
) -> dict[str, Any]:
    """The row of a refused lend, in staff words. A copy still on loan to another member
    offers to take it in first and then lend it (``offer``: the member it would go to)."""
    row: dict[str, Any] = {
        "value": value,
        "title": item.record.title if item is not None else "",
        "due": None,
        "error": refusal(error, member=member, today=timezone.localdate()),
    }
    if item is not None and error.code == CirculationErrorCode.ITEM_ON_LOAN:
        loan = item_open_loan(item)
        if loan is not None and loan.member_id == member.pk:
            row["error"] = _("This member already has this item on loan.")
        else:
            row["offer"] = member.pk
    return row


def announce(row: dict[str, Any]) -> str:
    if row["error"]:
        return str(row["error"])
    if row.get("kept_for"):
        return _("Returned, not lent: %(title)s is set aside for another member.") % {
            "title": row["title"]
        }
    due = formats.date_format(from_iso(row["due"]) or "", "DATE_FORMAT")
    if row.get("returned"):
        return _("Returned and lent: %(title)s, due %(due)s.") % {
            "title": row["title"],
            "due": due,
        }
    return _("Lent: %(title)s, due %(due)s.") % {"title": row["title"], "due": due}


def session_loans(desk: DeskRequest, member: Member) -> list[Loan]:
    """The loans lent to ``member`` in this session (the session list), still open: what the
    receipt lists."""
    lent = [row["value"] for row in scan_rows(desk, member, last=None) if not row.get("error")]
    return list(receipt_loans(member, lent)) if lent else []

"""What the desk views share: answering the scan script, and the "this session" lists."""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal

from django.contrib import messages
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _

from kaft.billing.selectors.fines import member_loan_fines
from kaft.circulation.models import Loan
from kaft.circulation.selectors.holds import member_active_holds
from kaft.circulation.selectors.loans import member_open_loans
from kaft.core.library import library
from kaft.desk.access import DeskRequest, member_look
from kaft.desk.words import member_standing
from kaft.members.models import Member
from kaft.privacy.models import AccessPurpose, DataPart

# How many results of scans the session lists keep (oldest dropped first).
SESSION_ROWS_KEPT = 100
# The member panel of the lending screen: name and card, membership and block, loans, holds.
PANEL_PARTS = (DataPart.IDENTITY, DataPart.STATUS, DataPart.LOANS, DataPart.HOLDS)


def wants_json(request: HttpRequest) -> bool:
    """The scan script asks for JSON; a plain form post (no script) gets a redirect."""
    return "application/json" in request.headers.get("Accept", "")


def desk_render(
    request: HttpRequest, template: str, context: dict[str, Any], status: int = 200
) -> HttpResponse:
    context.setdefault("library_name", library().name)
    return render(request, template, context, status=status)


def fragment(request: HttpRequest, template: str, context: dict[str, Any]) -> str:
    return render_to_string(template, context, request=request)


def scan_answer(
    request: HttpRequest,
    *,
    fallback: str,
    append: str = "",
    replace: dict[str, str] | None = None,
    clear: bool = False,
    announce: str = "",
    member: Member | None | Literal[False] = False,
    loan: dict[str, str] | None = None,
) -> HttpResponse:
    """The answer to one queued action of ``scan.js``; without the script, back to the page.

    ``append``: a row for the session list; ``replace``: element id -> new inner HTML;
    ``clear``: empty the session list first; ``announce``: read out by screen readers;
    ``member``: the member the page serves from now on (None: nobody; False: unchanged);
    ``loan``: a loan just made, added to the member panel's loans table in due-date order
    (``row``: the table row, ``heading``: the count above the table, ``due``: ISO date).
    """
    if not wants_json(request):
        return redirect(fallback)
    answer: dict[str, Any] = {
        "append": append,
        "replace": replace or {},
        "clear": clear,
        "announce": announce,
    }
    if loan is not None:
        answer["loan"] = loan
    if member is not False:
        answer["member"] = str(member.pk) if isinstance(member, Member) else ""
    return JsonResponse(answer)


def scan_refused(request: HttpRequest, *, fallback: str, message: str) -> HttpResponse:
    """Nothing was done: ``scan.js`` stops its queue and shows ``message`` (409 Conflict)."""
    if not wants_json(request):
        messages.error(request, message)
        return redirect(fallback)
    return JsonResponse({"error": message}, status=409)


def processed_answer(request: HttpRequest, *, fallback: str, value: str) -> HttpResponse:
    """The scan of ``value`` was done and committed, but its answer could not be drawn.

    ``scan.js`` shows the row as processed (``processed``: the text) and carries on with the
    queue: the member being served did not change. The page shown again has the row (the loans
    and the session's list say it), and the member panel as it is.
    """
    text = _(
        "%(value)s was processed, but the screen could not show the result: reload the page "
        "(F5) to see it."
    ) % {"value": value}
    if not wants_json(request):
        messages.warning(request, text)
        return redirect(fallback)
    return JsonResponse({"processed": text, "announce": text})


def member_mismatch_message() -> str:
    return _(
        "This screen no longer shows the member being served: another window switched to a "
        "different member. Nothing was changed. Scan the member's card again."
    )


def session_rows(request: HttpRequest, key: str) -> list[dict[str, Any]]:
    rows = request.session.get(key, [])
    return [dict(row) for row in rows] if isinstance(rows, list) else []


def session_rows_add(request: HttpRequest, key: str, row: dict[str, Any]) -> None:
    rows = session_rows(request, key)
    rows.append(row)
    request.session[key] = rows[-SESSION_ROWS_KEPT:]


def iso(day: dt.date | None) -> str | None:
    return day.isoformat() if day else None


def from_iso(value: str | None) -> dt.date | None:
    return dt.date.fromisoformat(value) if value else None


def member_panel_context(
    request: DeskRequest,
    member: Member,
    renew_results: dict[int, tuple[bool, str]] | None = None,
) -> dict[str, Any]:
    """Everything the member panel shows, and the access-log entries for showing it.

    ``renew_results``: loan id -> (renewed, message), shown beside those loans.
    """
    today = timezone.localdate()
    loans = list(member_open_loans(member, with_renewals_left=True))
    for loan in loans:
        loan.renew_result = (renew_results or {}).get(loan.pk)  # type: ignore[attr-defined]
    standing = member_standing(member, today)
    money_shown = loans_with_fines(loans, member) or standing.kind == "owes"
    member_look(
        request,
        member,
        PANEL_PARTS + ((DataPart.PAYMENTS,) if money_shown else ()),
        purpose=AccessPurpose.DESK,
    )
    return {
        "member": member,
        "loans": loans,
        "holds": member_active_holds(member),
        "today": today,
        "expired": member.is_expired_on(today),
        "standing": standing,
    }


def loans_with_fines(loans: list[Loan], member: Member) -> bool:
    """Give each of ``loans`` its late fee so far (``.fine``: what is owed on it, or None), from
    one query for all of the member's fines. True when any is shown (the look at money is
    then logged too: the "payments" part)."""
    fines = member_loan_fines(member)
    for loan in loans:
        loan.fine = fines.get(loan.pk)  # type: ignore[attr-defined]
    return any(loan.pk in fines for loan in loans)


def member_panel_after(
    request: DeskRequest,
    member: Member,
    renew_results: dict[int, tuple[bool, str]] | None = None,
) -> dict[str, str]:
    """The member panel as it is now, for the ``replace`` of a scan answer.

    The one place that renders the panel after an action on the member being served (a scan, a
    refusal, a renewal, a hand-over). ``member`` was read by this request, so status, loans and
    reservations show the state after the action (a reservation just lent is gone, a block set
    meanwhile is shown): an action at the desk changes loans and holds, never the member row.
    """
    return member_panel_draw(request, member_panel_context(request, member, renew_results))


def member_panel_draw(request: DeskRequest, context: dict[str, Any]) -> dict[str, str]:
    """The ``replace`` of a scan answer from a :func:`member_panel_context` (no query)."""
    return {"member-panel": fragment(request, "desk/_member_panel.html", context)}

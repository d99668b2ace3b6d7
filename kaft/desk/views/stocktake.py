"""Stocktake at the desk: start one for a branch (or a call-number range), scan every copy on the
shelf, see and print what it found, download it as CSV, mark the copies not found as missing and
the scanned missing ones as found.

The scan field is the lending screen's (``scan.js``): every scan is queued and sent in order,
none is lost however fast the scanner types. Copies on loan or in transit found on the shelf are
listed to be scanned at the return screen, which checks them in as it always does (a reservation
waiting for one gets its label there). These screens show no member's data.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any, cast

from django import forms
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from kaft.catalog.errors import CatalogError
from kaft.catalog.models import Branch, Stocktake
from kaft.catalog.selectors.stocktake import (
    FOUND,
    TO_CHECK_IN,
    stocktake_not_found,
    stocktake_odd,
    stocktake_result,
    stocktake_unknown,
)
from kaft.catalog.services.stocktake import (
    ScanSeen,
    stocktake_close,
    stocktake_mark_found,
    stocktake_mark_missing,
    stocktake_scan,
    stocktake_start,
)
from kaft.core import params
from kaft.desk.access import DeskRequest, card_holder, desk_view
from kaft.desk.views.common import desk_render, fragment, scan_answer, scan_refused
from kaft.desk.views.trends import csv_response
from kaft.members.cards import card_number_is_valid


class StartForm(forms.Form):
    branch = params.ModelChoiceField(
        label=gettext_lazy("Branch"), queryset=Branch.objects.order_by("name"), empty_label=None
    )
    call_number_from = forms.CharField(
        label=gettext_lazy("Call number from"), max_length=64, required=False
    )
    call_number_to = forms.CharField(
        label=gettext_lazy("Call number to (and all that begin with it)"),
        max_length=64,
        required=False,
    )


@desk_view
@require_http_methods(["GET", "POST"])
def stocktake_list(request: HttpRequest) -> HttpResponse:
    """Recent stocktakes, and a form to start one."""
    desk = cast(DeskRequest, request)
    form = StartForm(request.POST or None, initial={"branch": desk.staff_branch.pk})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            stocktake = stocktake_start(
                branch=data["branch"],
                staff=desk.user,
                call_number_from=data["call_number_from"],
                call_number_to=data["call_number_to"],
            )
        except CatalogError as error:
            form.add_error(None, error.message)
        else:
            return redirect("desk:stocktake", stocktake.pk)
    recent = Stocktake.objects.select_related("branch").order_by("-started_at", "-pk")[:20]
    status = 400 if form.errors else 200
    return desk_render(
        request, "desk/stocktakes.html", {"form": form, "stocktakes": recent}, status=status
    )


@desk_view
@require_GET
def stocktake_page(request: HttpRequest, stocktake_id: int) -> HttpResponse:
    """The scan screen of one stocktake."""
    stocktake = get_object_or_404(Stocktake.objects.select_related("branch"), pk=stocktake_id)
    context = {"stocktake": stocktake, "scanned": stocktake.scans.count()}
    return desk_render(request, "desk/stocktake.html", context)


@desk_view
@require_POST
def stocktake_scan_view(request: HttpRequest, stocktake_id: int) -> HttpResponse:
    """One scan: stored, and answered with its row (what it found)."""
    stocktake = get_object_or_404(Stocktake.objects.select_related("branch"), pk=stocktake_id)
    back = reverse("desk:stocktake", args=[stocktake.pk])
    value = request.POST.get("value", "").strip()
    if not value:
        return scan_answer(request, fallback=back)
    if card_number_is_valid(value) and card_holder(value) is not None:
        # A member's card among the copies: a stocktake keeps copies, never who someone is.
        message = _("This is a member's card, not a copy: it was not stored.")
        return scan_refused(request, fallback=back, message=message)
    try:
        seen = stocktake_scan(stocktake=stocktake, barcode=value)
    except CatalogError as error:
        return scan_refused(request, fallback=back, message=error.message)
    note = scan_note(seen)
    row = {
        "barcode": seen.barcode,
        "item": seen.item,
        "note": note,
        "ok": seen.on_its_shelf,
    }
    html = fragment(request, "desk/_stocktake_row.html", {"row": row})
    count = str(stocktake.scans.count())
    return scan_answer(
        request,
        fallback=back,
        append=html,
        replace={"stocktake-count": count},
        announce=note,
    )


def scan_note(seen: ScanSeen) -> str:
    """What one stocktake scan found, in staff words."""
    item = seen.item
    if item is None:
        return _("Unknown barcode: no copy has it.")
    prefix = _("Scanned before. ") if seen.again else ""
    if seen.on_its_shelf:
        return prefix + _("On its shelf.")
    if item.status in TO_CHECK_IN:
        return prefix + _("%(status)s: scan it at the return screen.") % {
            "status": item.get_status_display()
        }
    if item.status in FOUND:
        return prefix + _("Was marked “%(status)s”: found.") % {"status": item.get_status_display()}
    if not seen.in_scope:
        return prefix + _("Does not belong here (%(branch)s, %(call)s): take it off the shelf.") % {
            "branch": item.current_branch.name,
            "call": item.call_number or "—",
        }
    return prefix + _("Status “%(status)s”: it should not be on the shelf.") % {
        "status": item.get_status_display()
    }


@desk_view
@require_GET
def stocktake_result_view(request: HttpRequest, stocktake_id: int) -> HttpResponse:
    """What the stocktake found, to act on and to print."""
    stocktake = get_object_or_404(Stocktake.objects.select_related("branch"), pk=stocktake_id)
    context = {"stocktake": stocktake, "result": stocktake_result(stocktake)}
    return desk_render(request, "desk/stocktake_result.html", context)


@desk_view
@require_POST
def stocktake_act(request: HttpRequest, stocktake_id: int) -> HttpResponse:
    """Mark the copies not found (those listed) as missing, or the scanned missing ones as
    found; close the stocktake."""
    desk = cast(DeskRequest, request)
    stocktake = get_object_or_404(Stocktake, pk=stocktake_id)
    action = request.POST.get("action", "")
    result_page = reverse("desk:stocktake_result", args=[stocktake.pk])
    if action == "close":
        try:
            stocktake_close(stocktake=stocktake)
        except CatalogError as error:
            messages.error(request, error.message)
        return redirect(result_page)
    if action == "missing":
        outcomes = stocktake_mark_missing(
            stocktake=stocktake,
            barcodes=request.POST.getlist("barcode"),
            staff=desk.user,
            branch=desk.staff_branch,
        )
    elif action == "found":
        outcomes = stocktake_mark_found(
            stocktake=stocktake, staff=desk.user, branch=desk.staff_branch
        )
    else:
        messages.error(request, _("Choose what to do."))
        return redirect(result_page)
    done = sum(outcome.ok for outcome in outcomes)
    messages.success(
        request, _("%(done)s of %(all)s copies changed.") % {"done": done, "all": len(outcomes)}
    )
    for outcome in outcomes:
        if not outcome.ok:
            messages.warning(request, f"{outcome.barcode}: {outcome.error}")
    return redirect(result_page)


@desk_view
@require_GET
def stocktake_csv(request: HttpRequest, stocktake_id: int) -> HttpResponse:
    """Every finding of the stocktake, a line each (not found, found, check in, does not
    belong, unknown), for a spreadsheet."""
    stocktake = get_object_or_404(Stocktake, pk=stocktake_id)

    def rows() -> Iterator[list[str]]:
        not_found = stocktake_not_found(stocktake).select_related("record", "current_branch")
        for item in not_found.iterator():
            yield _line(_("not found"), item)
        for item in stocktake_odd(stocktake).iterator():
            yield _line(_odd_kind(item.status), item)
        for barcode in stocktake_unknown(stocktake).values_list("barcode", flat=True).iterator():
            yield [_("unknown barcode"), barcode, "", "", "", ""]

    header = [_("Finding"), _("Barcode"), _("Title"), _("Call number"), _("Status")]
    return csv_response(
        f"inventarisatie-{stocktake.pk}-{stocktake.started_at:%Y-%m-%d}",
        [*header, _("Is now at")],
        rows(),
    )


def _odd_kind(status: str) -> str:
    if status in FOUND:
        return _("found")
    if status in TO_CHECK_IN:
        return _("check in")
    return _("does not belong here")


def _line(kind: str, item: Any) -> list[str]:
    return [
        kind,
        item.barcode,
        item.record.title,
        item.call_number,
        str(item.get_status_display()),
        item.current_branch.name,
    ]

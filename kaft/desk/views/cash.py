"""Kasoverzicht: the daily cash report of a branch, for finance staff and administrators, on
screen, as CSV and as PDF.

It names no member (see :mod:`kaft.billing.selectors.cash`): reconciling the till needs the
receipt numbers, methods and amounts, and checking waivers needs the reason and who gave them,
not who paid. So the report is no look at a member's data and writes no access log.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, cast

from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.cache import add_never_cache_headers
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from kaft.billing.receipt_pdf import day_text, time_text
from kaft.billing.selectors.cash import CashDay, cash_day
from kaft.catalog.models import Branch
from kaft.desk.access import DeskRequest, desk_view
from kaft.desk.forms_payments import CashDayForm
from kaft.desk.money_pdf import cash_report_pdf
from kaft.desk.views.common import desk_render
from kaft.desk.views.trends import csv_response
from kaft.members.models import StaffRole

CASH_ROLES = (StaffRole.FINANCE, StaffRole.ADMINISTRATOR)


def _choice(request: HttpRequest) -> tuple[CashDayForm, Branch, dt.date]:
    """The branch and day asked for; by default (or when the choice is not valid) the branch
    this session works at, today."""
    desk = cast(DeskRequest, request)
    form = CashDayForm(
        request.GET or None,
        initial={"day": timezone.localdate(), "branch": desk.staff_branch.pk},
    )
    if form.is_valid():
        return form, form.cleaned_data["branch"], form.cleaned_data["day"]
    return form, desk.staff_branch, timezone.localdate()


def _query(report: CashDay) -> str:
    return f"?day={report.day.isoformat()}&branch={report.branch.pk}"


@desk_view(roles=CASH_ROLES)
@require_GET
def cash_report(request: HttpRequest) -> HttpResponse:
    form, branch, day = _choice(request)
    report = cash_day(branch=branch, day=day)
    context: dict[str, Any] = {"form": form, "report": report, "query": _query(report)}
    response = desk_render(request, "desk/cash_report.html", context)
    add_never_cache_headers(response)
    return response


def _name(report: CashDay) -> str:
    return f"kas-{report.branch.code}-{report.day.isoformat()}"


@desk_view(roles=CASH_ROLES)
@require_GET
def cash_report_csv(request: HttpRequest) -> HttpResponse:
    _form, branch, day = _choice(request)
    report = cash_day(branch=branch, day=day)
    rows: list[list[Any]] = []
    for p in report.payments:
        rows.append(
            [_("Payment"), day_text(p.at), time_text(p.at), p.number, p.method_label, "", "",
             p.staff, f"{p.amount:.2f}"]
        )  # fmt: skip
    for kind, entries in ((_("Waiver"), report.waivers), (_("Refund"), report.refunds)):
        for e in entries:
            rows.append(
                [kind, day_text(e.at), time_text(e.at), "", e.method_label, e.kind, e.reason,
                 e.staff, f"{e.amount:.2f}"]
            )  # fmt: skip
    for total in report.totals:
        rows.append(
            [_("Total"), day_text(report.day), "", "", total.label, "", "", "",
             f"{total.amount:.2f}"]
        )  # fmt: skip
    header = [
        _("Kind"),
        _("Date"),
        _("Time"),
        _("Receipt"),
        _("Method"),
        _("Charge"),
        _("Reason"),
        _("By"),
        _("Amount"),
    ]
    return csv_response(_name(report), header, rows)


@desk_view(roles=CASH_ROLES)
@require_GET
def cash_report_as_pdf(request: HttpRequest) -> HttpResponse:
    _form, branch, day = _choice(request)
    report = cash_day(branch=branch, day=day)
    response = HttpResponse(cash_report_pdf(report), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{_name(report)}.pdf"'
    add_never_cache_headers(response)
    return response

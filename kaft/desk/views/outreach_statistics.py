"""Statistieken: the staff statistics page and its CSV downloads.

Loans and returns per branch, new and active members per category and age band, reservations,
the kiosk share, top search terms, page views of visitors who said yes, newsletter and contest
figures — per month over a chosen period (``?months=3|6|12|24``), each as a server-drawn SVG chart
(``kaft/desk/charts.py``, no script, nothing from another site), a table, and a CSV file the
browser does not keep (no-store).

Counts only, from the anonymous statistics (``kaft/outreach/selectors/statistics.py``): no
member's data is shown or read, so, as on the privacy officer's charts, no access-log entry is
written. Open to staff who work with the collection and the members (desk staff, privacy
officers, administrators: :data:`~kaft.desk.access.DESK_ROLES`); not to finance accounts.
Self-service kiosks have no desk login at all.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.http import Http404, HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from kaft.core import params
from kaft.desk.access import desk_view
from kaft.desk.charts import Chart, bar_chart, hbar_chart, line_chart
from kaft.desk.views.common import desk_render
from kaft.desk.views.trends import csv_response, day
from kaft.outreach.selectors import statistics as stats

Row = Sequence[Any]


@dataclass
class Section:
    """One part of the page: its charts, and the table the CSV file holds too."""

    key: str  # also the CSV file's name and the URL's ``table``
    title: str
    charts: list[Chart]
    header: list[str]
    rows: Sequence[Row]
    legends: dict[str, list[str]] = field(default_factory=dict)  # chart key → series names
    note: str = ""
    empty: str = ""


def month_label(month: dt.date) -> str:
    """12-2026: month and year, the European way."""
    return date_format(month, "m-Y")


def _every(period: stats.Period) -> int:
    return 1 if len(period.months) <= 12 else 2


def _loans(period: stats.Period) -> Section:
    branches = stats.loans_per_branch(period)
    labels = [month_label(m) for m in period.months]
    every = _every(period)
    charts = [
        line_chart(
            key="chart-checkouts",
            title=_("Checkouts per month and branch"),
            desc=_("One line per branch, the oldest month left."),
            labels=labels,
            series=[(b.branch, b.checkouts) for b in branches],
            every=every,
        ),
        line_chart(
            key="chart-returns",
            title=_("Returns per month and branch"),
            desc=_("One line per branch where copies were returned, the oldest month left."),
            labels=labels,
            series=[(b.branch, b.returns) for b in branches],
            every=every,
        ),
    ]
    rows = [
        (month_label(month), b.branch, b.checkouts[n], b.returns[n])
        for n, month in enumerate(period.months)
        for b in branches
    ]
    return Section(
        "loans",
        _("Loans and returns"),
        charts,
        [_("Month"), _("Branch"), _("Checkouts"), _("Returns")],
        rows,
        legends={c.key: [b.branch for b in branches] for c in charts},
        empty=_("No loans or returns in this period."),
    )


def _members(period: stats.Period, kind: str) -> Section:
    rows = stats.members_per_month(period, kind)
    totals = stats.members_totals(rows, period)
    labels = [month_label(m) for m in period.months]
    new = kind == stats.NEW
    key = "new-members" if new else "active-members"
    title = _("New members") if new else _("Active members (borrowed that month)")
    chart = bar_chart(
        key=f"chart-{key}",
        title=_("New members per month") if new else _("Active members per month"),
        desc=_("One bar per month, the oldest left. This month: %(count)s.")
        % {"count": totals[-1]},
        labels=labels,
        values=totals,
        every=_every(period),
    )
    header = [_("Category"), _("Age band"), *labels]
    table: list[Row] = [
        (r.category or _("unknown"), r.age_band or _("unknown"), *r.counts) for r in rows
    ]
    if new:
        header.append(_("Total"))
        table = [(*line, r.total) for line, r in zip(table, rows, strict=True)]
    note = (
        ""
        if new
        else _(
            "A member who borrowed in several months counts in each of them, so the months "
            "cannot be added up."
        )
    )
    return Section(
        key,
        title,
        [chart],
        header,
        table,
        note=note,
        empty=_("No members counted in this period yet (counted each night)."),
    )


def _holds(period: stats.Period) -> Section:
    months = stats.holds_per_month(period)
    chart = line_chart(
        key="chart-holds",
        title=_("Reservations per month"),
        desc=_("Two lines: reservations placed and reservations picked up, the oldest month left."),
        labels=[month_label(m.month) for m in months],
        series=[
            (_("Placed"), [m.placed for m in months]),
            (_("Picked up"), [m.picked_up for m in months]),
        ],
        every=_every(period),
    )
    return Section(
        "reservations",
        _("Reservations"),
        [chart],
        [_("Month"), _("Placed"), _("Picked up")],
        [(month_label(m.month), m.placed, m.picked_up) for m in months],
        legends={chart.key: [_("Placed"), _("Picked up")]},
    )


def _kiosk(period: stats.Period) -> Section:
    months = stats.kiosk_share(period)
    chart = line_chart(
        key="chart-kiosk",
        title=_("Share of self-service kiosks (per cent)"),
        desc=_("Two lines: the per cent of checkouts and of returns done at a kiosk."),
        labels=[month_label(m.month) for m in months],
        series=[
            (_("Checkouts"), [m.checkout_share for m in months]),
            (_("Returns"), [m.return_share for m in months]),
        ],
        every=_every(period),
    )
    return Section(
        "kiosk",
        _("Self-service kiosks"),
        [chart],
        [
            _("Month"),
            _("Checkouts"),
            _("At a kiosk"),
            _("Per cent"),
            _("Returns"),
            _("At a kiosk"),
            _("Per cent"),
        ],
        [
            (
                month_label(m.month),
                m.checkouts,
                m.kiosk_checkouts,
                m.checkout_share,
                m.returns,
                m.kiosk_returns,
                m.return_share,
            )
            for m in months
        ],
        legends={chart.key: [_("Checkouts"), _("Returns")]},
    )


def _terms(period: stats.Period) -> Section:
    terms = stats.top_search_terms(period)
    chart = hbar_chart(
        key="chart-terms",
        title=_("Most used search terms"),
        desc=_("One bar per search term, the most used first."),
        labels=[t.term for t in terms],
        values=[t.count for t in terms],
    )
    return Section(
        "search-terms",
        _("Search terms in the catalogue"),
        [chart],
        [_("Search term"), _("Searches")],
        [(t.term, t.count) for t in terms],
        note=_(
            "Only terms used at least %(count)s times in this period are shown: a rare search "
            "could point at a person."
        )
        % {"count": stats.min_term_count()},
        empty=_("No search term was used often enough in this period."),
    )


def _pages(period: stats.Period) -> Section:
    groups = stats.page_views(period)
    labels = [month_label(m) for m in period.months]
    chart = hbar_chart(
        key="chart-pages",
        title=_("Page views per page group"),
        desc=_("One bar per group of pages, the most viewed first."),
        labels=[g.label for g in groups],
        values=[g.total for g in groups],
    )
    return Section(
        "page-views",
        _("Page views"),
        [chart],
        [_("Page group"), *labels, _("Total")],
        [(g.label, *g.counts, g.total) for g in groups],
        note=_(
            "Counted only with a yes to usage statistics: for logged-in members their consent, "
            "for other visitors their answer to the cookie question. Only the group of pages is "
            "kept, never which page."
        ),
        empty=_("No page views counted in this period."),
    )


def _newsletter(period: stats.Period) -> Section:
    issues = stats.newsletter_figures(period)
    chart = hbar_chart(
        key="chart-newsletter",
        title=_("Newsletters sent"),
        desc=_("One bar per issue sent in this period: how many e-mails were sent."),
        labels=[i.subject for i in issues],
        values=[i.sent for i in issues],
    )
    return Section(
        "newsletter",
        _("Newsletter"),
        [chart],
        [_("Sent on"), _("Subject"), _("Sent"), _("Bounced"), _("Unsubscribed")],
        [
            (
                day(timezone.localtime(i.sent_at).date()),
                i.subject,
                i.sent,
                i.bounced,
                i.unsubscribed,
            )
            for i in issues
        ],
        empty=_("No newsletter was sent in this period."),
    )


def _campaigns(period: stats.Period) -> Section:
    campaigns = stats.campaign_figures(period)
    chart = hbar_chart(
        key="chart-campaigns",
        title=_("Contest entries per contest"),
        desc=_("One bar per contest: the entries received in this period, the most first."),
        labels=[c.title for c in campaigns],
        values=[c.total for c in campaigns],
    )
    return Section(
        "campaigns",
        _("Contests"),
        [chart],
        [_("Contest"), _("Public page"), _("MijnBibliotheek"), _("Total")],
        [(c.title, c.public, c.portal, c.total) for c in campaigns],
        empty=_("No contest entries in this period."),
    )


SECTIONS: dict[str, Callable[[stats.Period], Section]] = {
    "loans": _loans,
    "new-members": lambda period: _members(period, stats.NEW),
    "active-members": lambda period: _members(period, stats.ACTIVE),
    "reservations": _holds,
    "kiosk": _kiosk,
    "search-terms": _terms,
    "page-views": _pages,
    "newsletter": _newsletter,
    "campaigns": _campaigns,
}


def _period(request: HttpRequest) -> stats.Period:
    months = params.ascii_number(request.GET.get("months"))
    return stats.period_of(months if months is not None else stats.DEFAULT_MONTHS)


@desk_view
@require_GET
def statistics_page(request: HttpRequest) -> HttpResponse:
    period = _period(request)
    context = {
        "period": period,
        "months": len(period.months),
        "periods": stats.PERIODS,
        "first_month": month_label(period.first),
        "last_month": month_label(period.months[-1]),
        "sections": [make(period) for make in SECTIONS.values()],
    }
    return desk_render(request, "desk/outreach/statistics_page.html", context)


@desk_view
@require_GET
def statistics_csv(request: HttpRequest, table: str) -> HttpResponse:
    make = SECTIONS.get(table)
    if make is None:
        raise Http404
    period = _period(request)
    section = make(period)
    name = f"{section.key}-{period.first:%Y-%m}-{period.months[-1]:%Y-%m}"
    return csv_response(name, section.header, section.rows)

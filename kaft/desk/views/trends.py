"""The privacy officer's charts and their CSV downloads: looks per week, disclosures per
recipient, consent answers per purpose and week. Counts only (from ``privacy.selectors_trends``),
so no access-log entry is written. The CSV files are not kept by the browser (no-store)."""

from __future__ import annotations

import csv
import datetime as dt
from collections.abc import Iterable, Sequence
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from kaft.desk.access import desk_view
from kaft.desk.charts import bar_chart, hbar_chart, line_chart
from kaft.members.models import StaffRole
from kaft.privacy.models import ConsentPurpose
from kaft.privacy.selectors.trends import (
    WEEKS,
    consents_per_week,
    disclosures_per_recipient,
    looks_per_week,
)

OFFICERS = (StaffRole.PRIVACY_OFFICER, StaffRole.ADMINISTRATOR)
LABEL_EVERY = 4  # a week label under every fourth week


def day(value: dt.date) -> str:
    """17-12-2026, the European way."""
    return date_format(value, "d-m-Y")


def short_day(value: dt.date) -> str:
    return date_format(value, "d-m")


def dashboard_charts(today: dt.date | None = None) -> dict[str, Any]:
    """The three charts with the numbers behind them (for the tables beside them)."""
    looks = looks_per_week(today)
    recipients = disclosures_per_recipient(today)
    consents = consents_per_week(today)
    weeks = [week.start for week in looks]
    purposes = [(str(ConsentPurpose(key).label), rows) for key, rows in consents.items()]
    return {
        "weeks": WEEKS,
        "looks": looks,
        "recipients": recipients,
        "consents": purposes,
        "consent_weeks": [
            (week, [(rows[n].given, rows[n].withdrawn) for _name, rows in purposes])
            for n, week in enumerate(weeks)
        ],
        "looks_chart": bar_chart(
            key="chart-looks",
            title=_("Looks at members' data per week"),
            desc=_(
                "Bars for the last %(weeks)s weeks, the oldest left. This week: %(count)s looks."
            )
            % {"weeks": WEEKS, "count": looks[-1].count},
            labels=[short_day(w) for w in weeks],
            values=[week.count for week in looks],
            every=LABEL_EVERY,
        ),
        "recipients_chart": hbar_chart(
            key="chart-recipients",
            title=_("Disclosures per recipient"),
            desc=_("One bar per recipient in the last %(weeks)s weeks, the most first.")
            % {"weeks": WEEKS},
            labels=[r.name for r in recipients],
            values=[r.count for r in recipients],
        ),
        "consents_chart": line_chart(
            key="chart-consents",
            title=_("Consents given per purpose and week"),
            desc=_(
                "One line per purpose over the last %(weeks)s weeks: how many members said yes "
                "that week."
            )
            % {"weeks": WEEKS},
            labels=[short_day(w) for w in weeks],
            series=[(name, [row.given for row in rows]) for name, rows in purposes],
            every=LABEL_EVERY,
        ),
    }


def _cell(value: Any) -> Any:
    """A text cell a spreadsheet would take for a formula gets a leading apostrophe."""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return value


def csv_response(name: str, header: Sequence[str], rows: Iterable[Sequence[Any]]) -> HttpResponse:
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{name}.csv"'
    response["Cache-Control"] = "no-store"
    writer = csv.writer(response)
    writer.writerow(header)
    for row in rows:
        writer.writerow([_cell(value) for value in row])
    return response


@desk_view(roles=OFFICERS)
@require_GET
def looks_csv(request: HttpRequest) -> HttpResponse:
    return csv_response(
        "looks-per-week",
        [_("Week starting"), _("Looks")],
        ((day(week.start), week.count) for week in looks_per_week()),
    )


@desk_view(roles=OFFICERS)
@require_GET
def disclosures_csv(request: HttpRequest) -> HttpResponse:
    return csv_response(
        "disclosures-per-recipient",
        [_("Recipient"), _("Disclosures in the last %(weeks)s weeks") % {"weeks": WEEKS}],
        ((r.name, r.count) for r in disclosures_per_recipient()),
    )


@desk_view(roles=OFFICERS)
@require_GET
def consents_csv(request: HttpRequest) -> HttpResponse:
    rows = consents_per_week()
    return csv_response(
        "consents-per-week",
        [_("Week starting"), _("Purpose"), _("Given"), _("Withdrawn or declined")],
        (
            (day(week.start), str(ConsentPurpose(key).label), week.given, week.withdrawn)
            for key, weeks in rows.items()
            for week in weeks
        ),
    )

"""Reads for the privacy officer's charts: counts per week and per partner, nothing personal.

Every count is made by the database (GROUP BY), over a bounded period: the last
:data:`WEEKS` weeks, this week included (weeks start on Monday at midnight, in the library's time
zone). The week of a row is found by comparing its moment with the week starts computed here
(:func:`week_of`), not by a date function per row: SQLite's ``TruncWeek`` runs in Python for
every row (four seconds for 100,000 looks; this way a tenth of that). Weeks without anything are
filled in with zero, so each series has exactly :data:`WEEKS` points.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Case, Count, IntegerField, Q, When
from django.utils import timezone

from kaft.privacy.models import AccessLogEntry, ConsentEvent, ConsentPurpose, Disclosure

WEEKS = 26
PARTNERS_SHOWN = 12  # the recipients with most disclosures; the rest as one "others" row


@dataclass(frozen=True)
class Week:
    start: dt.date
    count: int


@dataclass(frozen=True)
class ConsentWeek:
    start: dt.date
    given: int
    withdrawn: int


@dataclass(frozen=True)
class Recipient:
    name: str
    count: int


def weeks_start(today: dt.date | None = None) -> list[dt.date]:
    """The Mondays of the last :data:`WEEKS` weeks, oldest first."""
    today = today or timezone.localdate()
    monday = today - dt.timedelta(days=today.weekday())
    return [monday - dt.timedelta(weeks=n) for n in range(WEEKS - 1, -1, -1)]


def _midnight(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


def _since(weeks: list[dt.date]) -> dt.datetime:
    return _midnight(weeks[0])


def week_of(field: str, weeks: list[dt.date]) -> Case:
    """The index (0 = oldest) of the week a row's ``field`` falls in, for rows since weeks[0]."""
    return Case(
        *(
            When(**{f"{field}__lt": _midnight(start + dt.timedelta(weeks=1))}, then=n)
            for n, start in enumerate(weeks)
        ),
        default=None,
        output_field=IntegerField(),
    )


def looks_per_week(today: dt.date | None = None) -> list[Week]:
    """Looks at members' data per week. A look is one screen shown at one moment (the entries of
    the access log written together share their moment): one query."""
    weeks = weeks_start(today)
    rows = (
        AccessLogEntry.objects.filter(at__gte=_since(weeks))
        .annotate(week=week_of("at", weeks))
        .values("week")
        .annotate(n=Count("at", distinct=True))
        .values_list("week", "n")
    )
    counts = dict(rows)
    return [Week(start, counts.get(n, 0)) for n, start in enumerate(weeks)]


def disclosures_per_recipient(today: dt.date | None = None) -> list[Recipient]:
    """Disclosures in the last :data:`WEEKS` weeks per recipient, most first: one query."""
    weeks = weeks_start(today)
    rows = list(
        Disclosure.objects.filter(at__gte=_since(weeks))
        .values("recipient")
        .annotate(n=Count("pk"))
        .order_by("-n", "recipient")
        .values_list("recipient", "n")
    )
    shown = [Recipient(name, n) for name, n in rows[:PARTNERS_SHOWN]]
    rest = sum(n for _name, n in rows[PARTNERS_SHOWN:])
    if rest:
        from django.utils.translation import gettext

        shown.append(Recipient(gettext("Others"), rest))
    return shown


def consents_per_week(today: dt.date | None = None) -> dict[str, list[ConsentWeek]]:
    """Consent answers per purpose and week: how many said yes, how many withdrew or said no.
    Every purpose is there, also without answers; one query."""
    weeks = weeks_start(today)
    rows = (
        ConsentEvent.objects.filter(at__gte=_since(weeks))
        .annotate(week=week_of("at", weeks))
        .values("purpose", "week")
        .annotate(n_yes=Count("pk", filter=Q(given=True)), n_no=Count("pk", filter=Q(given=False)))
        .values_list("purpose", "week", "n_yes", "n_no")
    )
    found = {(purpose, week): (given, no) for purpose, week, given, no in rows}
    return {
        purpose.value: [
            ConsentWeek(start, *found.get((purpose.value, n), (0, 0)))
            for n, start in enumerate(weeks)
        ]
        for purpose in ConsentPurpose
    }

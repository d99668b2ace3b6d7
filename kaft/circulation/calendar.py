"""Opening days of a branch: weekly closed weekdays plus single closed days (``ClosedDay``)."""

from __future__ import annotations

import datetime as dt
import logging

from kaft.catalog.models import Branch, ClosedDay

logger = logging.getLogger(__name__)

# How far ahead we look for an open day. A branch closed for a whole year is a set-up mistake.
MAX_LOOKAHEAD_DAYS = 366


def closed_on_weekday(branch: Branch, day: dt.date) -> bool:
    """Whether ``day`` falls on one of the branch's weekly closed weekdays. No query."""
    return day.weekday() in {int(weekday) for weekday in branch.closed_weekdays or []}


def next_open_day(branch: Branch, day: dt.date) -> dt.date:
    """``day`` itself when the branch is open then, otherwise the first open day after it.

    One query (the closed days in the look-ahead window). When the branch has no open day in the
    next :data:`MAX_LOOKAHEAD_DAYS` days (e.g. every weekday is marked closed), ``day`` is
    returned unchanged and a warning is logged: a loan must still get a due date, and a wrong
    calendar must not stop the desk from lending.
    """
    closed_weekdays = {int(weekday) for weekday in branch.closed_weekdays or []}
    last = day + dt.timedelta(days=MAX_LOOKAHEAD_DAYS)
    closed_dates = set(
        ClosedDay.objects.filter(branch=branch, date__gte=day, date__lte=last).values_list(
            "date", flat=True
        )
    )
    candidate = day
    while candidate <= last:
        if candidate.weekday() not in closed_weekdays and candidate not in closed_dates:
            return candidate
        candidate += dt.timedelta(days=1)
    logger.warning("Branch %s has no open day after %s; keeping that date.", branch.code, day)
    return day

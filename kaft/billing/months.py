"""Counting in calendar months (fee periods, the 36 months after which a mandate lapses)."""

from __future__ import annotations

import datetime as dt


def add_months(day: dt.date, months: int) -> dt.date:
    """``day`` moved ``months`` calendar months (negative: back), on the same day of the month
    or, where that month is shorter, on its last day (31 January + 1 month: 28 or 29 February)."""
    year, month = divmod(day.year * 12 + day.month - 1 + months, 12)
    month += 1
    for last in (day.day, 30, 29, 28):
        try:
            return dt.date(year, month, last)
        except ValueError:
            continue
    raise AssertionError("unreachable")

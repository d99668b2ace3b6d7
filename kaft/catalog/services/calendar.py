"""The branches' opening days, changed by administrators at the desk: the weekdays a branch is
open, and single closed days (add a holiday to one branch or to all of them at once, or take it
away). Every change is recorded
(:mod:`kaft.core.settings_log`). A loan's due date never falls on a closed day: the checkout and
renewals move it to the next open day (``kaft.circulation``), from the moment the day is added.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from django.db import transaction
from django.utils import formats, timezone
from django.utils.dates import WEEKDAYS

from kaft.catalog.errors import CatalogError, CatalogErrorCode
from kaft.catalog.models import Branch, ClosedDay
from kaft.core.settings_log import setting_changes_write


@transaction.atomic
def closed_day_add(
    *, branches: Sequence[Branch], date: dt.date, reason: str, staff: Any
) -> list[ClosedDay]:
    """``date`` closed at each of ``branches`` (a branch closed that day already keeps its day and
    reason). Returns the days added. A day gone by is refused: loans due then are due already."""
    if date < timezone.localdate():
        raise CatalogError(CatalogErrorCode.CLOSED_DAY_IN_PAST)
    reason = reason.strip()[:120]
    taken = set(
        ClosedDay.objects.filter(branch__in=branches, date=date).values_list("branch_id", flat=True)
    )
    added = ClosedDay.objects.bulk_create(
        [
            ClosedDay(branch=branch, date=date, reason=reason)
            for branch in branches
            if branch.pk not in taken
        ]
    )
    day = formats.date_format(date, "d-m-Y")
    for closed in added:
        setting_changes_write(
            subject="closed_day",
            target=f"{closed.branch.name} {day}",
            changes={"": (None, reason or "-")},
            staff=staff,
        )
    return added


@transaction.atomic
def closed_day_remove(*, closed_day: ClosedDay, staff: Any) -> None:
    """The branch is open on that day again."""
    day = formats.date_format(closed_day.date, "d-m-Y")
    setting_changes_write(
        subject="closed_day",
        target=f"{closed_day.branch.name} {day}",
        changes={"": (closed_day.reason or "-", None)},
        staff=staff,
    )
    closed_day.delete()


WEEK = range(7)  # 0 = Monday ... 6 = Sunday, as date.weekday()


def _weekday_names(days: Sequence[int]) -> str:
    """The days in words, in the language of the administrator who made the change."""
    return ", ".join(str(WEEKDAYS[day]) for day in sorted(days)) or "-"


@transaction.atomic
def branch_open_weekdays_set(*, branch: Branch, open_weekdays: Sequence[int], staff: Any) -> Branch:
    """``branch`` is open on ``open_weekdays`` (0 = Monday ... 6 = Sunday) and closed on the
    others, from now on: due dates of new loans and renewals skip the closed ones. A branch
    that would never open is refused (a due date would have no day to fall on)."""
    opened = sorted({int(day) for day in open_weekdays if int(day) in WEEK})
    if not opened:
        raise CatalogError(CatalogErrorCode.BRANCH_NEVER_OPEN)
    branch = Branch.objects.select_for_update().get(pk=branch.pk)
    closed = [day for day in WEEK if day not in opened]
    before = sorted(int(day) for day in branch.closed_weekdays or [])
    if before == closed:
        return branch
    setting_changes_write(
        subject="opening_days",
        target=branch.name,
        changes={"closed_weekdays": (_weekday_names(before), _weekday_names(closed))},
        staff=staff,
    )
    branch.closed_weekdays = closed
    branch.save(update_fields=["closed_weekdays"])
    return branch

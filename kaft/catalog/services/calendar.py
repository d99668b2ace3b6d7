"""The branches' closed days, changed by administrators at the desk: add a day (a holiday) to one
branch or to all of them at once, or take it away. Every change is recorded
(:mod:`kaft.core.settings_log`). A loan's due date never falls on a closed day: the checkout and
renewals move it to the next open day (``kaft.circulation``), from the moment the day is added.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from django.db import transaction
from django.utils import formats

from kaft.catalog.models import Branch, ClosedDay
from kaft.core.settings_log import setting_changes_write


@transaction.atomic
def closed_day_add(
    *, branches: Sequence[Branch], date: dt.date, reason: str, staff: Any
) -> list[ClosedDay]:
    """``date`` closed at each of ``branches`` (a branch closed that day already keeps its day and
    reason). Returns the days added."""
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

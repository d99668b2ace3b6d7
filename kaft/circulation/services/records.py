"""Merging two titles and deleting a title: the catalogue's titles with circulation's rows that
point at them (reservations, and loans kept for statistics), so these live here, above the
catalogue (which may not import circulation); the catalogue's part is
:func:`kaft.catalog.services.records.record_absorb` / :func:`record_remove`.

Locks (``kaft.circulation.locks`` order, with titles before everything): both titles (lowest id
first, ``kaft.catalog.locks.records_for_update``); a locked title row keeps a new reservation or
copy from pointing at it meanwhile (on PostgreSQL the foreign-key check waits for the lock).
Then, for a member with an open reservation on both titles, the copy set aside for the one
that goes and that reservation (step 2, 3).

Policy decisions:

- A merge moves every copy, every reservation (open and closed) and every loan's statistics
  to the title kept, and the merged title's history; the queue of the title kept is then the
  two queues in the order they were placed.
- A member with an open reservation on both titles keeps one: the one further along (ready,
  then in transit, then waiting), else the one placed first; the other is cancelled (it would
  be a second reservation on one title, which the database forbids).
- A title is deleted only without copies and without open reservations; its closed
  reservations go with it (a cancelled reservation of a title nobody has is no statistic).
- The history names the staff member and the titles, never a member.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import ProtectedError

from kaft.catalog.errors import CatalogError, CatalogErrorCode
from kaft.catalog.locks import record_for_update, records_for_update
from kaft.catalog.models import Branch, Record, RecordEvent
from kaft.catalog.services.records import record_absorb, record_remove
from kaft.circulation.lifecycle import hold_apply
from kaft.circulation.locks import hold_and_item_for_update
from kaft.circulation.models import ACTIVE_HOLD_STATUSES, Hold, HoldAction, HoldStatus, Loan
from kaft.circulation.services._common import clock

# How far along an open reservation is: the one further along wins when two meet in a merge.
_ALONG = {HoldStatus.READY: 0, HoldStatus.IN_TRANSIT: 1, HoldStatus.WAITING: 2}


def _duplicate_holds(keep: Record, other: Record) -> list[int]:
    """For each member with an open reservation on both titles: the id of the one to cancel."""
    open_holds = Hold.objects.filter(
        record__in=[keep, other], status__in=ACTIVE_HOLD_STATUSES, member__isnull=False
    ).values_list("pk", "member_id", "status", "placed_at")
    by_member: dict[int, list[tuple[int, str, dt.datetime]]] = {}
    for hold_id, member_id, status, placed_at in open_holds:
        by_member.setdefault(member_id, []).append((hold_id, status, placed_at))
    losers = []
    for holds in by_member.values():
        if len(holds) > 1:
            holds.sort(key=lambda hold: (_ALONG[HoldStatus(hold[1])], hold[2], hold[0]))
            losers += [hold_id for hold_id, _status, _placed in holds[1:]]
    return losers


@transaction.atomic
def record_merge(
    *,
    keep_id: int,
    other_id: int,
    staff: Any,
    branch: Branch | None,
    now: dt.datetime | None = None,
) -> RecordEvent:
    """Merge title ``other_id`` into title ``keep_id`` (see the module docstring); returns the
    event on the title kept. Refused: a title merged with itself, a title that is gone."""
    if keep_id == other_id:
        raise CatalogError(CatalogErrorCode.MERGE_SAME_RECORD)
    now, _today = clock(now)
    records = records_for_update(keep_id, other_id)
    keep, other = records[keep_id], records[other_id]
    cancelled = 0
    for hold_id in _duplicate_holds(keep, other):
        hold, _item = hold_and_item_for_update(Hold.objects.filter(pk=hold_id))
        if hold is not None and hold.status in ACTIVE_HOLD_STATUSES:
            hold_apply(hold=hold, action=HoldAction.CANCEL, at=now, staff=staff)
            cancelled += 1
    holds = Hold.objects.filter(record=other).update(record=keep)
    loans = Loan.objects.filter(record=other).update(record=keep)
    moved = {"reservations": holds, "loans": loans, "reservations_cancelled": cancelled}
    try:
        with transaction.atomic():
            return record_absorb(
                keep=keep, other=other, staff=staff, branch=branch, moved=moved, now=now
            )
    except (IntegrityError, ProtectedError):  # a row that came to point at it meanwhile
        raise CatalogError(CatalogErrorCode.RECORD_CHANGED) from None


@transaction.atomic
def record_delete(
    *, record_id: int, staff: Any, branch: Branch | None, now: dt.datetime | None = None
) -> RecordEvent:
    """Delete a title without copies and without open reservations (its closed reservations go
    with it); returns the event, which keeps the title's number and title."""
    now, _today = clock(now)
    record = record_for_update(record_id)
    copies = record.items.count()
    if copies:
        raise CatalogError(CatalogErrorCode.RECORD_HAS_COPIES, count=copies)
    open_holds = Hold.objects.filter(record=record, status__in=ACTIVE_HOLD_STATUSES).count()
    if open_holds:
        raise CatalogError(CatalogErrorCode.RECORD_HAS_HOLDS, count=open_holds)
    if Loan.objects.filter(record=record).exists():
        raise CatalogError(CatalogErrorCode.RECORD_HAS_LOANS)
    try:
        with transaction.atomic():
            Hold.objects.filter(record=record).delete()
            return record_remove(record=record, staff=staff, branch=branch, now=now)
    except (IntegrityError, ProtectedError):
        raise CatalogError(CatalogErrorCode.RECORD_CHANGED) from None

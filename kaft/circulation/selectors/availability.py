"""Availability at a glance for the public catalogue: where a title is on the shelf, whether all
copies are lent, how many people wait for it, and the call numbers per branch.

Counts loanable copies only (not lost, withdrawn, damaged, reference or lent to us by another
library for one member), per branch where the
copies are now (``current_branch``).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db.models import Count, Q

from kaft.catalog.models import Branch, Item, ItemStatus, Record
from kaft.circulation.models import Hold, HoldStatus
from kaft.circulation.selectors.loans import UNHOLDABLE_TYPES, UNLOANABLE_STATUSES


@dataclass(frozen=True)
class Availability:
    """One title in a result list."""

    copies: int = 0  # loanable copies
    available_at: list[str] = field(default_factory=list)  # branch names, on the shelf there
    waiting: int = 0  # reservations waiting in the queue

    @property
    def all_lent(self) -> bool:
        """Every copy is out (lent, in transit or kept for someone): none on a shelf."""
        return self.copies > 0 and not self.available_at


def _loanable(items: Iterable[int] | Record) -> Q:
    where = Q(record__in=items) if not isinstance(items, Record) else Q(record=items)
    return where & ~Q(status__in=UNLOANABLE_STATUSES) & ~Q(item_type__in=UNHOLDABLE_TYPES)


def _waiting(record_ids: list[int]) -> dict[int, int]:
    rows = (
        Hold.objects.filter(record__in=record_ids, status=HoldStatus.WAITING)
        .values("record")
        .annotate(waiting=Count("pk"))
        .order_by()
    )
    return {row["record"]: row["waiting"] for row in rows}


def records_availability(record_ids: Iterable[int]) -> dict[int, Availability]:
    """Availability of each of these titles (a page of search results), in two queries."""
    ids = sorted(set(record_ids))
    if not ids:
        return {}
    rows = (
        Item.objects.filter(_loanable(ids))
        .values("record", "current_branch__name")
        .annotate(copies=Count("pk"), available=Count("pk", filter=Q(status=ItemStatus.AVAILABLE)))
        .order_by("record", "current_branch__name")
    )
    copies: dict[int, int] = {}
    shelves: dict[int, list[str]] = {}
    for row in rows:
        copies[row["record"]] = copies.get(row["record"], 0) + row["copies"]
        if row["available"]:
            shelves.setdefault(row["record"], []).append(row["current_branch__name"])
    waiting = _waiting(ids)
    return {
        record_id: Availability(
            copies=copies.get(record_id, 0),
            available_at=shelves.get(record_id, []),
            waiting=waiting.get(record_id, 0),
        )
        for record_id in ids
    }


@dataclass(frozen=True)
class BranchShelf:
    """One branch on a title's page: its copies there, how many on the shelf, where to look."""

    branch: Branch
    total: int
    available: int
    call_numbers: list[str]


def record_shelves(record: Record) -> list[BranchShelf]:
    """Per branch where loanable copies are now, by branch name, with their call numbers."""
    items = (
        Item.objects.filter(_loanable(record))
        .select_related("current_branch")
        .only("status", "call_number", "current_branch")
        .order_by("current_branch__name", "call_number")
    )
    branches: dict[int, Branch] = {}
    counts: dict[int, list[int]] = {}  # branch id -> [copies, on the shelf]
    call_numbers: dict[int, list[str]] = {}
    for item in items:
        branch_id = item.current_branch_id
        branches[branch_id] = item.current_branch
        count = counts.setdefault(branch_id, [0, 0])
        count[0] += 1
        count[1] += item.status == ItemStatus.AVAILABLE
        numbers = call_numbers.setdefault(branch_id, [])
        if item.call_number and item.call_number not in numbers:
            numbers.append(item.call_number)
    return [
        BranchShelf(branch, counts[branch_id][0], counts[branch_id][1], call_numbers[branch_id])
        for branch_id, branch in branches.items()
    ]


def record_waiting(record: Record) -> int:
    """How many reservations wait in the queue for this title."""
    return _waiting([record.pk]).get(record.pk, 0)

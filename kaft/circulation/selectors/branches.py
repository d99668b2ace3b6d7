"""Where a title's copies are and how many are on the shelf, per branch."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import (
    Count,
    Q,
)

from kaft.catalog.models import Branch, Item, ItemStatus, Record
from kaft.circulation.selectors.loans import UNLOANABLE_STATUSES, UNLOANABLE_TYPES


@dataclass(frozen=True)
class BranchAvailability:
    branch: Branch
    total: int
    available: int


def record_availability(record: Record) -> list[BranchAvailability]:
    """Per branch where copies are now (``current_branch``, as the search facet "available
    at"): ``total`` loanable copies there (not lost, withdrawn, damaged or reference) and
    ``available`` of them on the shelf (status AVAILABLE). Branches by name. Two queries.
    """
    rows = (
        Item.objects.filter(record=record)
        .exclude(status__in=UNLOANABLE_STATUSES)
        .exclude(item_type__in=UNLOANABLE_TYPES)
        .values("current_branch")
        .annotate(
            total=Count("pk"),
            available=Count("pk", filter=Q(status=ItemStatus.AVAILABLE)),
        )
        .order_by()
    )
    counts = {row["current_branch"]: (row["total"], row["available"]) for row in rows}
    branches = Branch.objects.filter(pk__in=counts).order_by("name")
    return [
        BranchAvailability(branch=b, total=counts[b.pk][0], available=counts[b.pk][1])
        for b in branches
    ]

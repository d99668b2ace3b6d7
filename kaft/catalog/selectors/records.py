"""Reading the catalogue: a title with its copies per branch, and the branches."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import QuerySet

from kaft.catalog.barcodes import barcode_is_valid
from kaft.catalog.errors import CatalogError, CatalogErrorCode
from kaft.catalog.isbn import normalise_isbn
from kaft.catalog.models import Branch, Item, ItemStatus, Record, RecordEvent
from kaft.core.params import id_from

# Copies that are gone do not count towards what a branch holds.
_GONE = (ItemStatus.LOST, ItemStatus.WITHDRAWN, ItemStatus.MISSING)


@dataclass(frozen=True)
class BranchAvailability:
    branch: Branch
    total: int  # copies now at this branch (not lost, missing or withdrawn)
    available: int  # of which on the shelf


@dataclass(frozen=True)
class RecordDetail:
    record: Record
    items: list[Item]  # with home_branch and current_branch, by branch name then barcode
    availability: list[BranchAvailability]  # per branch where copies are, by branch name

    @property
    def available(self) -> int:
        return sum(entry.available for entry in self.availability)


def record_detail(record_id: int) -> RecordDetail:
    """A title with its copies and their availability per branch, in two queries.

    Raises CatalogError(RECORD_NOT_FOUND) when there is no such record.
    """
    record = Record.objects.filter(pk=record_id).first()
    if record is None:
        raise CatalogError(CatalogErrorCode.RECORD_NOT_FOUND)
    items = list(
        Item.objects.filter(record=record)
        .select_related("home_branch", "current_branch")
        .order_by("current_branch__name", "barcode")
    )
    per_branch: dict[int, list[Item]] = {}
    for item in items:
        if item.status not in _GONE:
            per_branch.setdefault(item.current_branch_id, []).append(item)
    availability = [
        BranchAvailability(
            branch=copies[0].current_branch,
            total=len(copies),
            available=sum(item.status == ItemStatus.AVAILABLE for item in copies),
        )
        for copies in per_branch.values()
    ]
    availability.sort(key=lambda entry: entry.branch.name)
    return RecordDetail(record=record, items=items, availability=availability)


def branch_list() -> QuerySet[Branch]:
    """All branches, by name."""
    return Branch.objects.order_by("name")


def record_find(text: str) -> Record | None:
    """The title meant by what staff typed or scanned: an ISBN/EAN, a copy's barcode, or a title
    number (in that order), or None."""
    value = (text or "").strip()
    isbn = normalise_isbn(value)
    if isbn:
        found = Record.objects.filter(isbn=isbn).order_by("pk").first()
        if found is not None:
            return found
    if barcode_is_valid(value):
        item = Item.objects.select_related("record").filter(barcode=value).first()
        if item is not None:
            return item.record
    number = id_from(value)
    if number is not None:
        return Record.objects.filter(pk=number).first()
    return None


def record_events(record: Record) -> QuerySet[RecordEvent]:
    """The title's history at the desk, newest first, with the staff member and branch."""
    return (
        RecordEvent.objects.filter(record=record)
        .select_related("branch", "staff__staff_profile")
        .order_by("-at", "-pk")
    )


def record_copy_count(record: Record) -> int:
    return Item.objects.filter(record=record).count()

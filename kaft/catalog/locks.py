"""The locking querysets of the catalogue's copy and title services, in one place.

A service that changes a copy (its status, its details) locks the copy row first, as circulation
does (``kaft/circulation/locks.py``: the item row guards everything about a copy), and locks
nothing else after it. A service that changes a title locks the title row first
(:func:`record_for_update`; a merge locks two, lowest id first, before any copy or reservation).
On SQLite every transaction takes the database's write lock at its start.
"""

from __future__ import annotations

from kaft.catalog.errors import CatalogError, CatalogErrorCode
from kaft.catalog.models import Item, Record


def item_by_barcode_for_update(barcode: str) -> Item:
    """The copy with ``barcode``, locked, with its record and branches; ``ITEM_UNKNOWN`` when
    there is none."""
    item = (
        Item.objects.select_for_update(of=("self",))
        .select_related("record", "home_branch", "current_branch")
        .filter(barcode=barcode)
        .first()
    )
    if item is None:
        raise CatalogError(CatalogErrorCode.ITEM_UNKNOWN, barcode=barcode)
    return item


def record_for_update(record_id: int) -> Record:
    """The title with ``record_id``, locked (its MARC included); ``RECORD_NOT_FOUND`` when there
    is none. Merging locks two titles: in the order of their ids (:func:`records_for_update`)."""
    record = Record.objects.select_for_update().filter(pk=record_id).first()
    if record is None:
        raise CatalogError(CatalogErrorCode.RECORD_NOT_FOUND)
    return record


def records_for_update(*record_ids: int) -> dict[int, Record]:
    """Lock these titles, lowest id first, so that two merges never wait for each other."""
    return {record_id: record_for_update(record_id) for record_id in sorted(set(record_ids))}

"""The locking querysets of the catalogue's copy services, in one place.

A service that changes a copy (its status, its details) locks the copy row first, as circulation
does (``kaft/circulation/locks.py``: the item row guards everything about a copy), and locks
nothing else after it. On SQLite every transaction takes the database's write lock at its start.
"""

from __future__ import annotations

from kaft.catalog.errors import CatalogError, CatalogErrorCode
from kaft.catalog.models import Item


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

"""Stocktake: count what stands on the shelves of a branch (or a call-number range of it) by
scanning every copy there, then see what is missing, what does not belong, and what is unknown
(:mod:`kaft.catalog.selectors.stocktake`).

A scan is stored once per stocktake whatever its outcome (a barcode scanned twice is one scan),
and says at once what it found, so staff can take a copy that does not belong off the shelf
while they are at it. Marking the copies not found as missing, and the scanned missing or lost
copies as found, are copy moves (:mod:`kaft.catalog.lifecycle`), one transaction per copy.
Checking in a copy found on the shelf while on loan or in transit is circulation's, which the
desk calls.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import BooleanField, ExpressionWrapper
from django.utils import timezone
from django.utils.translation import gettext as _

from kaft.catalog.barcodes import barcode_is_valid
from kaft.catalog.errors import CatalogError, CatalogErrorCode
from kaft.catalog.models import (
    Branch,
    Item,
    ItemAction,
    ItemStatus,
    Stocktake,
    StocktakeScan,
    StocktakeStatus,
)
from kaft.catalog.selectors.stocktake import (
    FOUND,
    stocktake_not_found,
    stocktake_scanned_items,
    stocktake_scope,
)
from kaft.catalog.services.items import ItemOutcome, items_change
from kaft.core.actor import stored_login


def stocktake_start(
    *,
    branch: Branch,
    staff: Any,
    call_number_from: str = "",
    call_number_to: str = "",
    now: dt.datetime | None = None,
) -> Stocktake:
    """A new stocktake of ``branch`` (or of a call-number range there)."""
    low, high = call_number_from.strip()[:64], call_number_to.strip()[:64]
    if low and high and low > high:
        raise CatalogError(CatalogErrorCode.STOCKTAKE_RANGE_INVALID)
    return Stocktake.objects.create(
        branch=branch,
        call_number_from=low,
        call_number_to=high,
        started_at=now or timezone.now(),
        started_by=stored_login(staff),
    )


@dataclass(frozen=True)
class ScanSeen:
    """What one stocktake scan found: the copy (None: no copy has this barcode), and whether the
    barcode had been scanned in this stocktake before."""

    barcode: str
    item: Item | None
    again: bool
    in_scope: bool

    @property
    def on_its_shelf(self) -> bool:
        """Here and on the shelf, as it should be."""
        return self.item is not None and self.in_scope and self.item.status == ItemStatus.AVAILABLE


def stocktake_scan(
    *, stocktake: Stocktake, barcode: str, now: dt.datetime | None = None
) -> ScanSeen:
    """Record one scan (a malformed barcode is refused; any other is kept, known or not) and say
    what it found. Refused on a closed stocktake."""
    barcode = barcode.strip()
    if stocktake.status != StocktakeStatus.OPEN:
        raise CatalogError(CatalogErrorCode.STOCKTAKE_CLOSED)
    if not barcode_is_valid(barcode):
        raise CatalogError(CatalogErrorCode.BARCODE_MALFORMED)
    again = False
    try:
        with transaction.atomic():
            StocktakeScan.objects.create(
                stocktake=stocktake, barcode=barcode, scanned_at=now or timezone.now()
            )
    except IntegrityError:  # scanned before in this stocktake: kept once
        again = True
    scope = ExpressionWrapper(stocktake_scope(stocktake), output_field=BooleanField())
    item = (
        Item.objects.select_related("record", "current_branch", "home_branch")
        .filter(barcode=barcode)
        .annotate(in_scope=scope)
        .first()
    )
    return ScanSeen(barcode, item, again, bool(getattr(item, "in_scope", False)))


def stocktake_close(*, stocktake: Stocktake, now: dt.datetime | None = None) -> Stocktake:
    """No more scans; the result stays to be seen and downloaded."""
    updated = Stocktake.objects.filter(pk=stocktake.pk, status=StocktakeStatus.OPEN).update(
        status=StocktakeStatus.CLOSED, closed_at=now or timezone.now()
    )
    if not updated:
        raise CatalogError(CatalogErrorCode.STOCKTAKE_CLOSED)
    stocktake.refresh_from_db()
    return stocktake


def stocktake_mark_missing(
    *, stocktake: Stocktake, barcodes: list[str], staff: Any, branch: Branch | None
) -> list[ItemOutcome]:
    """Mark as missing the copies of ``barcodes`` that this stocktake expected and did not find
    (others in the list are refused, each with its reason)."""
    expected = set(
        stocktake_not_found(stocktake)
        .filter(barcode__in=barcodes)
        .values_list("barcode", flat=True)
    )
    outcomes = items_change(
        barcodes=[code for code in barcodes if code in expected],
        action=ItemAction.MISS,
        staff=staff,
        branch=branch,
        reason=_stocktake_reason(stocktake),
    )
    refused = [
        ItemOutcome(code, None, CatalogErrorCode.STOCKTAKE_NOT_EXPECTED.message)
        for code in dict.fromkeys(barcodes)
        if code not in expected and code.strip()
    ]
    return outcomes + refused


def stocktake_mark_found(
    *, stocktake: Stocktake, staff: Any, branch: Branch | None
) -> list[ItemOutcome]:
    """Every copy scanned in this stocktake that was marked missing or lost is found."""
    barcodes = list(
        stocktake_scanned_items(stocktake)
        .filter(status__in=FOUND)
        .values_list("barcode", flat=True)
    )
    return items_change(
        barcodes=barcodes,
        action=ItemAction.FIND,
        staff=staff,
        branch=branch,
        reason=_stocktake_reason(stocktake),
    )


def _stocktake_reason(stocktake: Stocktake) -> str:
    """The reason the copy events keep, in the language of the screen that asked."""
    day = timezone.localtime(stocktake.started_at).strftime("%d-%m-%Y")
    return _("Stocktake of %(day)s") % {"day": day}

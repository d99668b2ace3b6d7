"""What a stocktake found (:mod:`kaft.catalog.services.stocktake`), in SQL over the scans and
the copies, so that a stocktake of 10,000 scans at a branch of 300,000 copies is counted in
a handful of queries:

- **not found**: copies the stocktake expected (in its scope and on the shelf: available) that
  were not scanned; staff may mark them missing;
- **found**: scanned copies that were marked missing or lost;
- **check in**: scanned copies that are on loan or in transit (check in / receive them);
- **does not belong**: scanned copies on the shelf here that belong elsewhere (another branch,
  or outside the call-number range), or whose status says they should not be on this shelf
  (on the holds shelf, damaged, in repair, withdrawn);
- **unknown**: scanned barcodes that no copy has.

The lists are cut to :data:`SHOWN` rows for the screen; the CSV has them all.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Exists, OuterRef, Q, QuerySet

from kaft.catalog.models import Item, ItemStatus, Stocktake, StocktakeScan

SHOWN = 500

TO_CHECK_IN = (ItemStatus.ON_LOAN, ItemStatus.IN_TRANSIT)
FOUND = (ItemStatus.MISSING, ItemStatus.LOST)


def stocktake_scope(stocktake: Stocktake) -> Q:
    """The copies this stocktake counts: where they are now is its branch, and their call number
    lies in its range (``call_number_to`` counts every call number that begins with it)."""
    where = Q(current_branch_id=stocktake.branch_id)
    if stocktake.call_number_from:
        where &= Q(call_number__gte=stocktake.call_number_from)
    if stocktake.call_number_to:
        where &= Q(call_number__lte=stocktake.call_number_to) | Q(
            call_number__startswith=stocktake.call_number_to
        )
    return where


def _scanned(stocktake: Stocktake) -> Exists:
    return Exists(StocktakeScan.objects.filter(stocktake=stocktake, barcode=OuterRef("barcode")))


def stocktake_scanned_items(stocktake: Stocktake) -> QuerySet[Item]:
    """The copies whose barcode this stocktake scanned."""
    return Item.objects.filter(_scanned(stocktake))


def stocktake_not_found(stocktake: Stocktake) -> QuerySet[Item]:
    """Copies expected on the shelf (in scope, available) and not scanned."""
    return (
        Item.objects.filter(stocktake_scope(stocktake), status=ItemStatus.AVAILABLE)
        .exclude(_scanned(stocktake))
        .order_by("call_number", "barcode")
    )


def stocktake_unknown(stocktake: Stocktake) -> QuerySet[StocktakeScan]:
    """Scanned barcodes that no copy has."""
    return (
        StocktakeScan.objects.filter(stocktake=stocktake)
        .exclude(Exists(Item.objects.filter(barcode=OuterRef("barcode"))))
        .order_by("scanned_at", "pk")
    )


def stocktake_odd(stocktake: Stocktake) -> QuerySet[Item]:
    """Scanned copies that are not simply on their shelf here: found, to check in, or that do
    not belong (see the module docstring)."""
    fine = Q(stocktake_scope(stocktake)) & Q(status=ItemStatus.AVAILABLE)
    return (
        stocktake_scanned_items(stocktake)
        .exclude(fine)
        .select_related("record", "current_branch", "home_branch")
        .order_by("call_number", "barcode")
    )


@dataclass(frozen=True)
class StocktakeResult:
    scanned: int  # barcodes scanned (each once)
    expected: int  # copies in scope on the shelf (available) or marked missing
    on_shelf: int  # scanned, in scope and available: as it should be
    not_found: list[Item]
    not_found_count: int
    found: list[Item]
    check_in: list[Item]
    misplaced: list[Item]
    unknown: list[str]
    unknown_count: int


def stocktake_result(stocktake: Stocktake) -> StocktakeResult:
    """The stocktake's findings, the lists cut to :data:`SHOWN` rows."""
    scope = Item.objects.filter(stocktake_scope(stocktake))
    scanned = StocktakeScan.objects.filter(stocktake=stocktake).count()
    expected = scope.filter(status__in=(ItemStatus.AVAILABLE, ItemStatus.MISSING)).count()
    on_shelf = scope.filter(_scanned(stocktake), status=ItemStatus.AVAILABLE).count()
    not_found = stocktake_not_found(stocktake).select_related("record")
    odd = list(stocktake_odd(stocktake)[: SHOWN * 3])
    unknown = stocktake_unknown(stocktake)
    return StocktakeResult(
        scanned=scanned,
        expected=expected,
        on_shelf=on_shelf,
        not_found=list(not_found[:SHOWN]),
        not_found_count=not_found.count(),
        found=[item for item in odd if item.status in FOUND][:SHOWN],
        check_in=[item for item in odd if item.status in TO_CHECK_IN][:SHOWN],
        misplaced=[item for item in odd if item.status not in FOUND + TO_CHECK_IN][:SHOWN],
        unknown=list(unknown.values_list("barcode", flat=True)[:SHOWN]),
        unknown_count=unknown.count(),
    )

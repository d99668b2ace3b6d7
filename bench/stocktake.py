"""A stocktake of 10,000 scans at the branch with the most copies, measured and rolled back.

The scans are the branch's first 9,900 copies on the shelf (by barcode) and 100 barcodes no copy
has; the stocktake covers the whole branch, so nearly all of its other copies are "expected but
not scanned" (at scale 1m: about 320,000). Timed: :func:`stocktake_result` (the counts and the
first 500 rows of every list, as the result screen shows them), the first call and the median of
three. The scans are written straight into their table (as 10,000 scans at the desk would have
left them) inside a transaction that is rolled back afterwards.
"""

from __future__ import annotations

import statistics
import time
from typing import Any

from django.db import transaction
from django.db.models import Count
from django.utils import timezone

from kaft.catalog.models import Item, ItemStatus, Stocktake, StocktakeScan
from kaft.catalog.selectors.stocktake import stocktake_result

SCANS = 10_000
UNKNOWN = 100


class _RollBack(Exception):
    pass


def measure_stocktake() -> dict[str, Any]:
    figure: dict[str, Any] = {}
    try:
        with transaction.atomic():
            busiest = (
                Item.objects.values("current_branch")
                .annotate(copies=Count("pk"))
                .order_by("-copies")
                .first()
            )
            if busiest is None:
                return {}
            branch_id = busiest["current_branch"]
            stocktake = Stocktake.objects.create(branch_id=branch_id, started_at=timezone.now())
            barcodes = list(
                Item.objects.filter(current_branch_id=branch_id, status=ItemStatus.AVAILABLE)
                .order_by("barcode")
                .values_list("barcode", flat=True)[: SCANS - UNKNOWN]
            )
            barcodes += [f"BENCH-ONBEKEND-{n}" for n in range(UNKNOWN)]
            now = timezone.now()
            StocktakeScan.objects.bulk_create(
                [
                    StocktakeScan(stocktake=stocktake, barcode=code, scanned_at=now)
                    for code in barcodes
                ],
                batch_size=2_000,
            )
            times = []
            for _round in range(4):
                started = time.perf_counter()
                result = stocktake_result(stocktake)
                times.append(time.perf_counter() - started)
            figure = {
                "scans": result.scanned,
                "branch_copies": busiest["copies"],
                "not_found": result.not_found_count,
                "unknown": result.unknown_count,
                "first_seconds": round(times[0], 3),
                "seconds": round(statistics.median(times[1:]), 3),
            }
            raise _RollBack
    except _RollBack:
        pass
    return figure

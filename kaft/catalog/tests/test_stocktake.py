"""Stocktake: scan what stands on the shelf, then see what was not found, what was found again,
what to check in, what does not belong and what is unknown."""

from __future__ import annotations

from typing import cast

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from kaft.catalog.errors import CatalogError, CatalogErrorCode
from kaft.catalog.models import Branch, Item, ItemAction, ItemEvent, ItemStatus, StocktakeScan
from kaft.catalog.selectors.stocktake import stocktake_result
from kaft.catalog.services.stocktake import (
    stocktake_close,
    stocktake_mark_found,
    stocktake_mark_missing,
    stocktake_scan,
    stocktake_start,
)
from kaft.members.models import User
from tests.factories import BranchFactory, ItemFactory

pytestmark = pytest.mark.django_db


def _copy(branch: Branch, barcode: str, call_number: str, **fields: object) -> Item:
    return cast(
        Item, ItemFactory(barcode=barcode, home_branch=branch, call_number=call_number, **fields)
    )


@pytest.fixture
def shelf(branch: Branch) -> dict[str, Item]:
    """Copies of the shelf A–C at the central branch, and some that are not."""
    west = cast(Branch, BranchFactory(code="west", name="West"))
    return {
        "here": _copy(branch, "ST-1", "A JANS"),
        "gone": _copy(branch, "ST-2", "B VRIE"),
        "missing": _copy(branch, "ST-3", "B KOK", status=ItemStatus.MISSING),
        "lent": _copy(branch, "ST-4", "C BOS", status=ItemStatus.ON_LOAN),
        "west": _copy(west, "ST-5", "A DIJK"),
        "other_shelf": _copy(branch, "ST-6", "Z ZWART"),
        "not_scanned_elsewhere": _copy(branch, "ST-7", "Q PIET"),
        "c_prefix": _copy(branch, "ST-8", "C ZEE"),
    }


def test_the_result_sorts_every_scan_and_every_expected_copy(
    branch: Branch, staff: User, shelf: dict[str, Item]
) -> None:
    stocktake = stocktake_start(
        branch=branch, staff=staff, call_number_from="A", call_number_to="C"
    )
    for barcode in ("ST-1", "ST-3", "ST-4", "ST-5", "ST-6", "ONBEKEND-1", "ST-1", "ST-8"):
        stocktake_scan(stocktake=stocktake, barcode=barcode)
    with CaptureQueriesContext(connection) as queries:
        result = stocktake_result(stocktake)
    assert len(queries) <= 10
    assert result.scanned == 7  # ST-1 twice counts once
    assert result.on_shelf == 2  # ST-1 and ST-8 ("C ZEE" begins with the upper bound C)
    assert [item.barcode for item in result.not_found] == ["ST-2"]
    assert result.not_found_count == 1
    assert [item.barcode for item in result.found] == ["ST-3"]
    assert [item.barcode for item in result.check_in] == ["ST-4"]
    assert sorted(item.barcode for item in result.misplaced) == ["ST-5", "ST-6"]
    assert result.unknown == ["ONBEKEND-1"]
    assert result.expected == 4  # ST-1, ST-2, ST-3 (missing), ST-8


def test_each_scan_says_what_it_found_and_a_second_scan_is_kept_once(
    branch: Branch, staff: User, shelf: dict[str, Item]
) -> None:
    stocktake = stocktake_start(branch=branch, staff=staff, call_number_to="C")
    first = stocktake_scan(stocktake=stocktake, barcode="ST-1")
    again = stocktake_scan(stocktake=stocktake, barcode="ST-1")
    elsewhere = stocktake_scan(stocktake=stocktake, barcode="ST-5")
    unknown = stocktake_scan(stocktake=stocktake, barcode="ONBEKEND-2")
    assert (first.on_its_shelf, first.again) == (True, False)
    assert (again.on_its_shelf, again.again) == (True, True)
    assert (elsewhere.item is not None, elsewhere.in_scope) == (True, False)
    assert unknown.item is None
    assert StocktakeScan.objects.filter(stocktake=stocktake).count() == 3


def test_a_malformed_scan_or_a_closed_stocktake_stores_nothing(
    branch: Branch, staff: User, shelf: dict[str, Item]
) -> None:
    stocktake = stocktake_start(branch=branch, staff=staff)
    with pytest.raises(CatalogError) as malformed:
        stocktake_scan(stocktake=stocktake, barcode="geen barcode!")
    assert malformed.value.code == CatalogErrorCode.BARCODE_MALFORMED
    stocktake_close(stocktake=stocktake)
    with pytest.raises(CatalogError) as closed:
        stocktake_scan(stocktake=stocktake, barcode="ST-1")
    assert closed.value.code == CatalogErrorCode.STOCKTAKE_CLOSED
    assert not StocktakeScan.objects.exists()


def test_a_backwards_range_is_refused(branch: Branch, staff: User) -> None:
    with pytest.raises(CatalogError) as refused:
        stocktake_start(branch=branch, staff=staff, call_number_from="M", call_number_to="C")
    assert refused.value.code == CatalogErrorCode.STOCKTAKE_RANGE_INVALID


def test_copies_not_found_are_marked_missing_and_only_those(
    branch: Branch, staff: User, shelf: dict[str, Item]
) -> None:
    stocktake = stocktake_start(
        branch=branch, staff=staff, call_number_from="A", call_number_to="C"
    )
    stocktake_scan(stocktake=stocktake, barcode="ST-1")
    outcomes = stocktake_mark_missing(
        stocktake=stocktake, barcodes=["ST-2", "ST-1", "ST-7"], staff=staff, branch=branch
    )
    assert [(o.barcode, o.ok) for o in outcomes] == [
        ("ST-2", True),
        ("ST-1", False),  # it was scanned
        ("ST-7", False),  # outside the range
    ]
    statuses = dict(Item.objects.values_list("barcode", "status"))
    assert (statuses["ST-2"], statuses["ST-1"], statuses["ST-7"]) == (
        ItemStatus.MISSING,
        ItemStatus.AVAILABLE,
        ItemStatus.AVAILABLE,
    )
    event = ItemEvent.objects.get(item__barcode="ST-2")
    assert event.action == ItemAction.MISS
    assert "Inventarisatie" in event.reason or "Stocktake" in event.reason


def test_scanned_missing_copies_are_found(
    branch: Branch, staff: User, shelf: dict[str, Item]
) -> None:
    stocktake = stocktake_start(branch=branch, staff=staff)
    stocktake_scan(stocktake=stocktake, barcode="ST-3")
    outcomes = stocktake_mark_found(stocktake=stocktake, staff=staff, branch=branch)
    assert [(o.barcode, o.ok) for o in outcomes] == [("ST-3", True)]
    shelf["missing"].refresh_from_db()
    assert shelf["missing"].status == ItemStatus.AVAILABLE
    assert ItemEvent.objects.get(item=shelf["missing"]).action == ItemAction.FIND

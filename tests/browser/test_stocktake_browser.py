"""A stocktake in a real browser: barcodes scanned as fast as a scanner types are all kept, in
order; the result finds the copy that was not on the shelf, which is then marked missing."""

from __future__ import annotations

from typing import Any

import pytest

from kaft.catalog.models import Item, ItemStatus, StocktakeScan
from tests.browser.conftest import desk_log_in
from tests.factories import BranchFactory, StaffFactory
from tests.factories_desk import make_item

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ON_SHELF = [f"3000000000{n:04d}" for n in range(1, 13)]
GONE = "30000000009999"


@pytest.fixture
def shelf() -> None:
    centre = BranchFactory.create(code="centrum", name="Centrale Bibliotheek")
    StaffFactory.create(username="balie1", profile__branch=centre)
    for number, barcode in enumerate([*ON_SHELF, GONE]):
        make_item(centre, barcode, f"Boek {number}")


def test_fast_scans_are_all_counted_and_the_missing_copy_is_found(
    page: Any, live_server: Any, shelf: None
) -> None:
    base = live_server.url
    desk_log_in(page, base)
    page.goto(f"{base}/desk/stocktakes/")
    page.get_by_role("button", name="Beginnen met scannen").click()
    page.wait_for_function("document.activeElement && document.activeElement.id === 'scan-field'")

    # A scanner: every copy on the shelf, one unknown code and one scanned twice, no waiting.
    for barcode in [*ON_SHELF, "ONBEKEND-1", ON_SHELF[0]]:
        page.keyboard.type(barcode + "\n")
    rows = page.locator("#scan-log tr.stocktake-row")
    rows.nth(13).wait_for()
    assert rows.count() == 14
    assert page.locator("#scan-log tr.pending").count() == 0
    assert page.locator("#stocktake-count").inner_text() == "13"
    assert StocktakeScan.objects.count() == 13
    assert "Onbekende barcode" in page.locator("#scan-log").inner_text()

    page.get_by_role("link", name="Naar het resultaat").click()
    not_found = page.locator("#not-found")
    assert GONE in not_found.inner_text()
    assert ON_SHELF[0] not in not_found.inner_text()
    page.get_by_role("button", name="Deze exemplaren als vermist melden").click()
    page.get_by_text("1 van 1 exemplaren gewijzigd").wait_for()
    assert Item.objects.get(barcode=GONE).status == ItemStatus.MISSING

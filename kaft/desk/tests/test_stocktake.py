"""Stocktake at the desk: start, scan (as the scan script sends), the result, CSV, mark missing and
found, close. A refused scan stores nothing."""

from __future__ import annotations

import csv
import io
from typing import cast

import pytest
from django.test import Client
from django.urls import reverse

from kaft.catalog.models import Branch, Item, ItemStatus, Stocktake, StocktakeScan
from kaft.members.models import Member
from kaft.privacy.models import AccessLogEntry
from tests.factories import ItemFactory

pytestmark = pytest.mark.django_db
JSON = {"Accept": "application/json"}


@pytest.fixture
def shelf(central: Branch) -> list[Item]:
    return [
        cast(Item, ItemFactory(barcode="KAST-1", home_branch=central, call_number="A AAL")),
        cast(Item, ItemFactory(barcode="KAST-2", home_branch=central, call_number="B BOS")),
        cast(
            Item,
            ItemFactory(
                barcode="KAST-3",
                home_branch=central,
                call_number="B BEEK",
                status=ItemStatus.ON_LOAN,
            ),
        ),
    ]


def _start(desk: Client, central: Branch, **range_: str) -> Stocktake:
    answer = desk.post(reverse("desk:stocktakes"), {"branch": central.pk, **range_})
    assert answer.status_code == 302
    return Stocktake.objects.get()


def test_a_stocktake_from_start_to_result(desk: Client, central: Branch, shelf: list[Item]) -> None:
    stocktake = _start(desk, central, call_number_from="A", call_number_to="B")
    scan = reverse("desk:stocktake_scan", args=[stocktake.pk])
    page = desk.get(reverse("desk:stocktake", args=[stocktake.pk])).content.decode()
    assert f'action="{scan}"' in page and "data-scan" in page
    answers = [
        desk.post(scan, {"value": value}, headers=JSON).json()
        for value in ("KAST-1", "KAST-3", "ONBEKEND-7", "KAST-1")
    ]
    assert "Op zijn plek" in answers[0]["announce"]
    assert "Inleveren" in answers[1]["announce"]
    assert "Onbekende barcode" in answers[2]["announce"]
    assert "Al eerder gescand" in answers[3]["announce"]
    assert answers[3]["replace"] == {"stocktake-count": "3"}
    result = desk.get(reverse("desk:stocktake_result", args=[stocktake.pk])).content.decode()
    not_found = result.split('id="not-found"')[1].split("</section>")[0]
    assert "KAST-2" in not_found and "KAST-1" not in not_found
    check_in = result.split('id="check-in"')[1].split("</section>")[0]
    assert "KAST-3" in check_in
    assert "ONBEKEND-7" in result.split('id="unknown"')[1]
    assert not AccessLogEntry.objects.exists()


def test_a_malformed_scan_is_refused_and_not_stored(desk: Client, central: Branch) -> None:
    stocktake = _start(desk, central)
    answer = desk.post(
        reverse("desk:stocktake_scan", args=[stocktake.pk]), {"value": "geen code!"}, headers=JSON
    )
    assert answer.status_code == 409
    assert "geen geldige barcode" in answer.json()["error"]
    assert not StocktakeScan.objects.exists()


def test_marking_the_copies_not_found_as_missing(
    desk: Client, central: Branch, shelf: list[Item]
) -> None:
    stocktake = _start(desk, central)
    desk.post(
        reverse("desk:stocktake_scan", args=[stocktake.pk]), {"value": "KAST-1"}, headers=JSON
    )
    answer = desk.post(
        reverse("desk:stocktake_act", args=[stocktake.pk]),
        {"action": "missing", "barcode": ["KAST-2", "KAST-1"]},
        follow=True,
    )
    page = answer.content.decode()
    assert "1 van 2 exemplaren gewijzigd" in page
    statuses = dict(Item.objects.values_list("barcode", "status"))
    assert (statuses["KAST-1"], statuses["KAST-2"]) == (ItemStatus.AVAILABLE, ItemStatus.MISSING)


def test_the_csv_lists_every_finding(desk: Client, central: Branch, shelf: list[Item]) -> None:
    stocktake = _start(desk, central)
    for value in ("KAST-3", "=ONBEKEND"):
        desk.post(
            reverse("desk:stocktake_scan", args=[stocktake.pk]), {"value": value}, headers=JSON
        )
    answer = desk.get(reverse("desk:stocktake_csv", args=[stocktake.pk]))
    assert answer["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(answer.content.decode())))
    kinds = sorted((row[0], row[1]) for row in rows[1:])
    assert kinds == [
        ("innemen", "KAST-3"),
        ("niet gevonden", "KAST-1"),
        ("niet gevonden", "KAST-2"),
    ]


def test_a_closed_stocktake_takes_no_more_scans(
    desk: Client, central: Branch, shelf: list[Item]
) -> None:
    stocktake = _start(desk, central)
    desk.post(reverse("desk:stocktake_act", args=[stocktake.pk]), {"action": "close"})
    stocktake.refresh_from_db()
    assert stocktake.status == "closed"
    answer = desk.post(
        reverse("desk:stocktake_scan", args=[stocktake.pk]), {"value": "KAST-1"}, headers=JSON
    )
    assert answer.status_code == 409
    assert not StocktakeScan.objects.exists()


def test_a_backwards_range_is_refused_on_the_start_form(desk: Client, central: Branch) -> None:
    answer = desk.post(
        reverse("desk:stocktakes"),
        {"branch": central.pk, "call_number_from": "M", "call_number_to": "C"},
    )
    assert answer.status_code == 400
    assert "achteruit" in answer.content.decode()
    assert not Stocktake.objects.exists()


def test_a_members_card_scanned_on_the_shelf_is_refused_and_not_stored(
    desk: Client, central: Branch, member: Member
) -> None:
    stocktake = _start(desk, central)
    answer = desk.post(
        reverse("desk:stocktake_scan", args=[stocktake.pk]),
        {"value": member.card_number},
        headers=JSON,
    )
    assert answer.status_code == 409
    assert "pas van een lid" in answer.json()["error"]
    assert not StocktakeScan.objects.exists()

"""Availability at a glance in the public catalogue, and "Did you mean …?"."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from kaft.catalog.models import Branch, ItemStatus, ItemType, Record
from kaft.catalog.search import search_index_records
from kaft.circulation.models import Hold, HoldStatus
from tests.factories import BranchFactory, ItemFactory, MemberFactory, RecordFactory

pytestmark = pytest.mark.django_db

PLACED = dt.datetime(2026, 12, 1, 10, 0, tzinfo=dt.UTC)


def _indexed(*records: Record) -> None:
    search_index_records([record.pk for record in records])


def _hold(record: Record, branch: Branch, status: str) -> None:
    Hold.objects.create(
        record=record,
        member=MemberFactory.create(home_branch=branch),
        pickup_branch=branch,
        status=status,
        placed_at=PLACED,
    )


def _card(html: str, title: str) -> str:
    return html.split(f">{title}</a>")[1].split("</li>")[0]


def test_results_say_where_a_title_is_on_the_shelf_all_lent_and_the_queue(
    client: Client, branch: Branch
) -> None:
    west = BranchFactory.create(code="west", name="West")
    on_shelf = RecordFactory.create(title="Zee van licht")
    lent = RecordFactory.create(title="Zee van stilte")
    none = RecordFactory.create(title="Zee van niets")
    ItemFactory.create(record=on_shelf, home_branch=branch)
    ItemFactory.create(record=on_shelf, home_branch=west)
    ItemFactory.create(record=on_shelf, home_branch=west, status=ItemStatus.LOST)
    ItemFactory.create(record=lent, home_branch=branch, status=ItemStatus.ON_LOAN)
    ItemFactory.create(record=lent, home_branch=west, item_type=ItemType.REFERENCE)
    _hold(lent, branch, HoldStatus.WAITING)
    _hold(lent, west, HoldStatus.WAITING)
    _hold(lent, west, HoldStatus.CANCELLED)
    _indexed(on_shelf, lent, none)

    html = client.get("/zoeken/", {"q": "zee"}).content.decode()

    assert '<span class="badge good">Beschikbaar</span> in Centrale Bibliotheek, West</p>' in _card(
        html, "Zee van licht"
    )
    assert (
        '<span class="badge">Alle exemplaren uitgeleend</span> · 2 reserveringen wachten</p>'
        in _card(html, "Zee van stilte")
    )
    assert '<span class="badge">Geen exemplaren</span></p>' in _card(html, "Zee van niets")


def test_the_results_page_reads_availability_in_a_fixed_number_of_queries(
    client: Client, branch: Branch
) -> None:
    def queries_for(count: int) -> int:
        for n in range(count):
            record = RecordFactory.create(title=f"Vuurtoren {count} deel {n}")
            ItemFactory.create(record=record, home_branch=branch, call_number=f"VUU {n}")
            ItemFactory.create(record=record, home_branch=branch, status=ItemStatus.ON_LOAN)
            _hold(record, branch, HoldStatus.WAITING)
            _indexed(record)
        with CaptureQueriesContext(connection) as captured:
            response = client.get("/zoeken/", {"q": f"vuurtoren {count}"})
        assert response.status_code == 200
        return len(captured.captured_queries)

    # one of them reads the cached counts of a large result set (none here); one counts the
    # search term for the staff statistics (kaft/outreach/services/statistics.py)
    assert queries_for(3) == queries_for(13) == 9


def test_a_misspelt_search_offers_the_catalogues_spelling(client: Client) -> None:
    _indexed(*[RecordFactory.create(title=f"Wandelen in Maastricht {n}") for n in range(2)])

    html = client.get("/zoeken/", {"q": "maastrict", "language": "dut"}).content.decode()

    assert "Niets gevonden" in html
    assert (
        '<p class="suggestion">Bedoelde u: <a href="?q=maastricht&amp;language=dut">maastricht</a>?'
        in html
    )


def test_the_suggestion_in_english(client: Client) -> None:
    _indexed(RecordFactory.create(title="Maastricht"))
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})

    html = client.get("/zoeken/", {"q": "maastrict"}).content.decode()

    assert "Did you mean: <a" in html


def test_the_title_page_shows_call_numbers_per_branch_and_the_queue(
    client: Client, branch: Branch
) -> None:
    west = BranchFactory.create(code="west", name="West")
    record = RecordFactory.create(title="De Aanslag")
    ItemFactory.create(record=record, home_branch=branch, call_number="MULI")
    ItemFactory.create(record=record, home_branch=branch, call_number="MULI")
    ItemFactory.create(record=record, home_branch=branch, call_number="R MULI", status="on_loan")
    ItemFactory.create(record=record, home_branch=west, call_number="")
    _hold(record, branch, HoldStatus.WAITING)

    html = client.get(f"/titel/{record.pk}/").content.decode()

    centre = html.split('<th scope="row">Centrale Bibliotheek</th>')[1].split("</tr>")[0]
    assert '<td>3</td><td class="call-number">MULI, R MULI</td>' in centre
    west_row = html.split('<th scope="row">West</th>')[1].split("</tr>")[0]
    assert '<td>1</td><td class="call-number">—</td>' in west_row
    assert '<p class="queue">1 reservering wacht</p>' in html

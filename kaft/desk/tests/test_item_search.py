"""The item screen finds copies by barcode and by title or author: each copy with its status,
the branch where it is, its call number, and for a loan the due date (never who has it)."""

from __future__ import annotations

import pytest
from django.test import Client
from django.utils import formats

from kaft.catalog.models import Branch, Item, ItemStatus
from kaft.catalog.search import search_index_records
from kaft.circulation.services import loan_checkout
from kaft.members.models import Member, User
from kaft.privacy.models import AccessLogEntry
from tests.factories import ItemFactory, RecordFactory


@pytest.fixture
def titles(central: Branch, west: Branch) -> None:
    avonden = RecordFactory.create(title="De avonden", contributors="Reve, Gerard")
    havelaar = RecordFactory.create(title="Max Havelaar", contributors="Multatuli")
    ItemFactory(record=avonden, barcode="30000000000001", home_branch=central, call_number="REVE")
    ItemFactory(
        record=avonden,
        barcode="30000000000002",
        home_branch=west,
        call_number="R REVE",
        status=ItemStatus.DAMAGED,
    )
    ItemFactory(record=havelaar, barcode="30000000000003", home_branch=central)
    search_index_records([avonden.pk, havelaar.pk])


def copy_rows(html: str) -> list[str]:
    return [part.split("</tr>")[0] for part in html.split('<tr class="copy"')[1:]]


def test_by_author_lists_the_title_with_all_its_copies(
    desk: Client, staff: User, central: Branch, member: Member, titles: None
) -> None:
    loan = loan_checkout(
        item=Item.objects.get(barcode="30000000000001"),
        member=member,
        staff=staff,
        branch=central,
    )
    AccessLogEntry.objects.all().delete()

    response = desk.get("/desk/items/", {"q": "reve"})

    html = response.content.decode()
    assert [record.title for record, _copies in response.context["found"]] == ["De avonden"]
    rows = copy_rows(html)
    assert len(rows) == 2
    due = formats.date_format(loan.due_date, "DATE_FORMAT")
    assert "30000000000001" in rows[0] and f"Uitgeleend · terug op {due}" in rows[0]
    assert "Centrale Bibliotheek" in rows[0] and "REVE" in rows[0]
    assert "30000000000002" in rows[1] and "Beschadigd" in rows[1]
    assert "Vestiging West" in rows[1] and "R REVE" in rows[1]
    assert "Max Havelaar" not in html
    assert "Sanne" not in html and "Vries" not in html
    assert AccessLogEntry.objects.count() == 0


def test_by_title_words(desk: Client, titles: None) -> None:
    response = desk.get("/desk/items/", {"q": "havelaar max"})

    assert [record.title for record, _copies in response.context["found"]] == ["Max Havelaar"]
    assert "1 titel gevonden" in response.content.decode()


def test_by_barcode_shows_the_copy_and_the_other_copies_of_its_title(
    desk: Client, titles: None
) -> None:
    response = desk.get("/desk/items/", {"q": "30000000000002"})

    html = response.content.decode()
    assert response.context["item"].barcode == "30000000000002"
    assert [copy.barcode for copy in response.context["copies"]] == [
        "30000000000001",
        "30000000000002",
    ]
    assert "Exemplaren van deze titel" in html


def test_in_english(desk: Client, titles: None) -> None:
    desk.cookies["django_language"] = "en"

    html = desk.get("/desk/items/", {"q": "reve"}).content.decode()

    assert "Barcode, title or author" in html
    assert "1 title found" in html
    assert "Damaged" in html


def test_nothing_found(desk: Client, titles: None) -> None:
    html = desk.get("/desk/items/", {"q": "onvindbaar"}).content.decode()

    assert "Geen exemplaar met deze barcode, en geen titel of auteur die past." in html
    assert copy_rows(html) == []


def test_a_large_count_is_written_with_thousands(
    desk: Client, monkeypatch: pytest.MonkeyPatch
) -> None:
    from kaft.catalog import search, search_facets
    from kaft.catalog.models import Record

    monkeypatch.setattr(search, "CANDIDATE_LIMIT", 20)
    records = Record.objects.bulk_create(
        RecordFactory.build(title=f"Fietsen deel {n}") for n in range(1_001)
    )
    search_index_records(record.pk for record in records)

    exact = desk.get("/desk/items/", {"q": "fietsen"}).content.decode()
    monkeypatch.setattr(search_facets, "FACET_LIMIT", 1_000)
    more = desk.get("/desk/items/", {"q": "fietsen"}).content.decode()

    assert "1.001 titels gevonden" in exact
    assert "Meer dan 1.000 titels gevonden" in more

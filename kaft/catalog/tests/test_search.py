"""Search: ranking, accents, Dutch stemming, ISBN, facets, paging and hostile input."""

from __future__ import annotations

import pytest

from kaft.catalog import search, search_facets
from kaft.catalog.models import Branch, ItemStatus, MaterialType, Record
from kaft.catalog.search import FacetValue, SearchFilters, search_index_records, search_records
from tests.factories import BranchFactory, ItemFactory, RecordFactory

pytestmark = pytest.mark.django_db


def _indexed(*records: Record) -> list[Record]:
    search_index_records([record.pk for record in records])
    return list(records)


def _titles(query: str, filters: SearchFilters | None = None) -> list[str]:
    return [record.title for record in search_records(query=query, filters=filters).records]


def test_a_title_match_beats_a_subject_only_match() -> None:
    _indexed(
        RecordFactory.create(title="Koken voor iedereen", subjects="Fietsen\nReizen"),
        RecordFactory.create(title="Fietsen door Drenthe", subjects="Reizen"),
    )

    assert _titles("fietsen") == ["Fietsen door Drenthe", "Koken voor iedereen"]


def test_title_beats_contributor_beats_subject() -> None:
    _indexed(
        RecordFactory.create(title="Over koken", subjects="Zee"),
        RecordFactory.create(title="Over reizen", contributors="Zee, Anna"),
        RecordFactory.create(title="Over vissen", subjects="Zeilen"),
        RecordFactory.create(title="Over zee"),
    )

    assert _titles("zee") == ["Over zee", "Over reizen", "Over koken"]


def test_accents_do_not_matter_either_way() -> None:
    _indexed(
        RecordFactory.create(title="Éénvoudig koken"),
        RecordFactory.create(title="Alpenroutes", contributors="Müller, Hans"),
    )

    assert _titles("eenvoudig") == ["Éénvoudig koken"]
    assert _titles("muller") == ["Alpenroutes"]
    assert _titles("MÜLLER") == ["Alpenroutes"]


def test_dutch_stemming_finds_other_forms_of_a_word() -> None:
    _indexed(RecordFactory.create(title="De fiets van opa"))

    assert _titles("fietsen") == ["De fiets van opa"]


@pytest.mark.parametrize(
    "query", ["978-0-415-78265-4", "9780415782654", "0415782651", "0-415-78265-1"]
)
def test_isbn_search_in_any_form(query: str) -> None:
    _indexed(
        RecordFactory.create(title="Amateur media", isbn="9780415782654"),
        RecordFactory.create(title="Iets anders", isbn="9780201616224"),
    )

    assert _titles(query) == ["Amateur media"]


def test_facets_count_material_language_year_and_availability() -> None:
    centrum = BranchFactory.create(code="centrum", name="Centrum")
    oost = BranchFactory.create(code="oost", name="Oost")
    book = RecordFactory.create(
        title="Water 1", material_type=MaterialType.BOOK, language="dut", year=2020
    )
    dvd = RecordFactory.create(
        title="Water 2", material_type=MaterialType.DVD, language="eng", year=2020
    )
    other = RecordFactory.create(
        title="Water 3", material_type=MaterialType.BOOK, language="dut", year=2019
    )
    RecordFactory.create(title="Vuur", material_type=MaterialType.GAME, language="ger", year=2001)
    ItemFactory.create(record=book, home_branch=centrum)
    ItemFactory.create(record=book, home_branch=centrum)
    ItemFactory.create(record=dvd, home_branch=oost)
    ItemFactory.create(record=other, home_branch=oost, status=ItemStatus.ON_LOAN)
    search_index_records(Record.objects.values_list("pk", flat=True))

    result = search_records(query="water")

    assert (result.total, result.total_exact) == (3, True)
    assert result.facets == {
        "material_type": [FacetValue("book", "Boek", 2), FacetValue("dvd", "Dvd", 1)],
        "language": [FacetValue("dut", "Nederlands", 2), FacetValue("eng", "Engels", 1)],
        "year": [FacetValue(2020, "2020", 2), FacetValue(2019, "2019", 1)],
        "available_at": [FacetValue("centrum", "Centrum", 1), FacetValue("oost", "Oost", 1)],
    }


def test_filters_narrow_the_results() -> None:
    centrum = BranchFactory.create(code="centrum")
    book = RecordFactory.create(title="Zee boek", material_type=MaterialType.BOOK, year=2020)
    dvd = RecordFactory.create(
        title="Zee film", material_type=MaterialType.DVD, language="eng", year=2018
    )
    ItemFactory.create(record=dvd, home_branch=centrum)
    ItemFactory.create(record=book, home_branch=centrum, status=ItemStatus.ON_LOAN)
    _indexed(book, dvd)

    assert _titles("zee", SearchFilters(material_type="dvd")) == ["Zee film"]
    assert _titles("zee", SearchFilters(language="eng")) == ["Zee film"]
    assert _titles("zee", SearchFilters(year=2020)) == ["Zee boek"]
    assert _titles("zee", SearchFilters(available_at=centrum)) == ["Zee film"]
    assert _titles("", SearchFilters(material_type="book")) == ["Zee boek"]


def test_paging_returns_the_right_slice() -> None:
    _indexed(*[RecordFactory.create(title=f"Zee deel {n}") for n in range(25)])

    first = search_records(query="zee", page=1, per_page=20)
    second = search_records(query="zee", page=2, per_page=20)

    assert (first.total, len(first.records), len(second.records)) == (25, 20, 5)
    assert {r.pk for r in first.records}.isdisjoint({r.pk for r in second.records})
    assert (second.page, second.per_page) == (2, 20)


def test_more_matches_than_are_ranked_are_still_counted_exactly(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(search, "CANDIDATE_LIMIT", 3)
    _indexed(*[RecordFactory.create(title=f"Zee deel {n}") for n in range(5)])

    result = search_records(query="zee")

    assert (result.total, result.total_exact, len(result.records)) == (5, True, 3)


def test_facets_count_only_the_matches_within_the_facet_limit(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(search, "CANDIDATE_LIMIT", 2)
    monkeypatch.setattr(search_facets, "FACET_LIMIT", 3)
    centrum = BranchFactory.create(code="centrum", name="Centrum")
    for n in range(5):
        ItemFactory.create(
            record=RecordFactory.create(title=f"Zee deel {n}", language="dut", year=2020),
            home_branch=centrum,
        )
    search_index_records(Record.objects.values_list("pk", flat=True))

    result = search_records(query="zee")

    assert (result.total, result.total_exact) == (3, False)
    assert result.facets["language"] == [FacetValue("dut", "Nederlands", 3)]
    assert result.facets["year"] == [FacetValue(2020, "2020", 3)]
    assert result.facets["available_at"] == [FacetValue("centrum", "Centrum", 3)]


def test_filters_with_facets_page_and_records_take_four_queries(
    django_assert_num_queries: pytest.FixtureRequest,
) -> None:
    centrum = BranchFactory.create(code="centrum", name="Centrum")
    for n in range(30):
        ItemFactory.create(record=RecordFactory.create(title=f"Zee deel {n}"), home_branch=centrum)
    search_index_records(Record.objects.values_list("pk", flat=True))

    # The cached counts of a large result set (none here), the search itself, the page's
    # records, the branches of the "available at" facet.
    with django_assert_num_queries(4):  # type: ignore[operator]
        result = search_records(query="zee", filters=SearchFilters(available_at=centrum), page=2)

    assert (result.total, len(result.records), result.records[0].title) == (30, 10, "Zee deel 9")
    assert result.facets["available_at"] == [FacetValue("centrum", "Centrum", 30)]


def test_empty_query_without_filters_finds_nothing() -> None:
    _indexed(RecordFactory.create(title="Zee"))

    result = search_records(query="   ")

    assert (result.records, result.total, result.facets) == ([], 0, {})


@pytest.mark.parametrize(
    "query",
    [
        '"',
        '"zee',
        "*",
        "zee*",
        "-zee",
        "AND",
        "zee OR",
        "NOT zee",
        "NEAR(zee",
        "title:zee",
        "{title}: zee",
        "^zee",
        "(zee",
        "'; DROP TABLE catalog_record; --",
        "\x00",
        "💥",
        "a" * 500,
    ],
)
def test_search_syntax_characters_never_raise(query: str) -> None:
    _indexed(RecordFactory.create(title="Zee"))

    result = search_records(query=query)

    assert result.total in (0, 1)
    assert Record.objects.count() == 1


def test_reindexing_follows_changes_and_deletions() -> None:
    [record] = _indexed(RecordFactory.create(title="Oude titel"))
    record.title = "Nieuwe titel"
    record.save()
    search_index_records([record.pk])
    assert _titles("nieuwe") == ["Nieuwe titel"]
    assert _titles("oude") == []

    record_id = record.pk
    record.delete()
    search_index_records([record_id])

    assert search_records(query="nieuwe").total == 0


def test_unused_branch_does_not_appear_in_the_facets(branch: Branch | None = None) -> None:
    BranchFactory.create(code="leeg", name="Leeg")
    _indexed(RecordFactory.create(title="Zee"))

    assert search_records(query="zee").facets["available_at"] == []

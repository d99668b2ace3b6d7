"""Exact totals and facets beyond the ranked candidates, the "more than" limit, and the cache."""

from __future__ import annotations

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext

from kaft.catalog import search, search_facets
from kaft.catalog.models import Branch, Item, ItemStatus, Record
from kaft.catalog.search import FacetValue, SearchFilters, search_index_records, search_records
from tests.factories import BranchFactory, ItemFactory, RecordFactory

pytestmark = pytest.mark.django_db

# More than the 2,000 candidates the search ranks.
MANY = 2_600


@pytest.fixture(autouse=True)
def _empty_cache() -> None:
    cache.clear()


def _many_records(branch: Branch) -> None:
    """MANY records with "zee" in the title: every third in English, every fifth from 2019; each
    with one copy at ``branch``, available for all but every fourth record."""
    records = Record.objects.bulk_create(
        RecordFactory.build(
            title=f"De zee deel {n}",
            language="eng" if n % 3 == 0 else "dut",
            year=2019 if n % 5 == 0 else 2020,
        )
        for n in range(MANY)
    )
    Item.objects.bulk_create(
        ItemFactory.build(
            record=record,
            home_branch=branch,
            current_branch=branch,
            status=ItemStatus.ON_LOAN if n % 4 == 0 else ItemStatus.AVAILABLE,
        )
        for n, record in enumerate(records)
    )
    search_index_records(record.pk for record in records)


def test_total_and_facets_are_exact_beyond_the_ranked_candidates() -> None:
    centrum = BranchFactory.create(code="centrum", name="Centrum")
    _many_records(centrum)

    result = search_records(query="zee")

    assert (result.total, result.total_exact, len(result.records)) == (MANY, True, 20)
    assert result.facets["language"] == [
        FacetValue("dut", "Nederlands", 1_733),
        FacetValue("eng", "Engels", 867),
    ]
    assert result.facets["year"] == [FacetValue(2020, "2020", 2_080), FacetValue(2019, "2019", 520)]
    assert result.facets["available_at"] == [FacetValue("centrum", "Centrum", 1_950)]


def test_filters_are_counted_exactly_too() -> None:
    centrum = BranchFactory.create(code="centrum", name="Centrum")
    _many_records(centrum)

    result = search_records(query="zee", filters=SearchFilters(year=2020))

    assert (result.total, result.total_exact) == (2_080, True)
    assert result.facets["language"] == [
        FacetValue("dut", "Nederlands", 1_387),
        FacetValue("eng", "Engels", 693),
    ]
    assert result.facets["available_at"] == [FacetValue("centrum", "Centrum", 1_560)]


def test_beyond_the_facet_limit_the_result_says_more_than(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(search, "CANDIDATE_LIMIT", 3)
    monkeypatch.setattr(search_facets, "FACET_LIMIT", 4)
    centrum = BranchFactory.create(code="centrum", name="Centrum")
    for n in range(6):
        ItemFactory.create(record=RecordFactory.create(title=f"Zee deel {n}"), home_branch=centrum)
    search_index_records(Record.objects.values_list("pk", flat=True))

    result = search_records(query="zee")

    assert (result.total, result.total_exact, len(result.records)) == (4, False, 3)
    assert result.facets["available_at"] == [FacetValue("centrum", "Centrum", 4)]


def test_counts_of_a_large_result_set_are_cached_until_the_catalogue_changes(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(search_facets, "CACHE_ABOVE", 1_000)
    centrum = BranchFactory.create(code="centrum", name="Centrum")
    _many_records(centrum)
    search_records(query="zee")
    # A loan is no change of the catalogue: the cached availability may lag behind.
    Item.objects.filter(status=ItemStatus.AVAILABLE).update(status=ItemStatus.ON_LOAN)
    cached = search_records(query="zee")

    new = RecordFactory.create(title="Een zee van tijd", language="eng")
    ItemFactory.create(record=new, home_branch=centrum)
    search_index_records([new.pk])
    fresh = search_records(query="zee")

    assert cached.facets["available_at"] == [FacetValue("centrum", "Centrum", 1_950)]
    assert fresh.total == MANY + 1
    assert fresh.facets["language"][1] == FacetValue("eng", "Engels", 868)
    assert fresh.facets["available_at"] == [FacetValue("centrum", "Centrum", 1)]


def test_a_large_search_takes_a_bounded_number_of_queries(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(search_facets, "CACHE_ABOVE", 1_000)
    centrum = BranchFactory.create(code="centrum", name="Centrum")
    _many_records(centrum)

    with CaptureQueriesContext(connection) as cold:
        first = search_records(query="zee")
    with CaptureQueriesContext(connection) as warm:
        second = search_records(query="zee")

    # cold: cached counts, ranking, counting, caching (the database cache: 5), page records,
    # branches
    assert len(cold.captured_queries) <= 10
    # warm: cached counts, ranking (no facets), page records, branches
    assert len(warm.captured_queries) <= 4
    assert (second.total, second.facets) == (first.total, first.facets)

"""Exact totals and facet counts for large result sets, apart from the ranking.

The search ranks at most :data:`kaft.catalog.search.CANDIDATE_LIMIT` matches (relevance among
those). When a query finds more, :func:`exact_counts` counts the total and every facet over up
to :data:`FACET_LIMIT` matches in one lean statement: no ranking, and only the narrow columns the
counts need (SQLite reads the facet columns from the index ``record_facet_columns``, never the
wide record row with its MARC; PostgreSQL from the copies in ``catalog_record_search``; both the
*available at* counts from the covering item index).

Counting 100,000 matches still costs a few hundred milliseconds, so the counts of result sets
larger than :data:`CACHE_ABOVE` are kept in Django's shared cache for :data:`CACHE_SECONDS`,
keyed by the query's terms (a digest: no search words are stored) and the filters, and marked
with the catalogue's generation. Indexing records (:func:`catalogue_changed`) starts a new
generation, so an import or an edit shows at once; the availability counts of a large result
set may be up to :data:`CACHE_SECONDS` old. Expired entries stay in the database cache table
until Django culls it (at ``MAX_ENTRIES``).
"""

from __future__ import annotations

import hashlib
import time
from collections import Counter
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.core.cache import cache
from django.db import connection, transaction

from kaft.catalog import search_sql
from kaft.catalog.models import ItemStatus

if TYPE_CHECKING:
    from kaft.catalog.search import SearchFilters
    from kaft.catalog.search_text import QueryWord

FACET_LIMIT = 100_000  # totals and facets are exact up to this many matches
# Counts of larger result sets are cached ... (at 1m, counting 7,000 matches costs about 60 ms
# on SQLite, more than a whole ranked search: so every result set beyond the ranked candidates)
CACHE_ABOVE = 2_000
CACHE_SECONDS = 60  # ... this long (availability changes with every loan)
_GENERATION_KEY = "catalog:search-generation"

# SQLite: the facet columns of a record without its wide row (migration 0007).
_SQLITE_RECORD_INDEX = " INDEXED BY record_facet_columns"

_COUNT = """
    WITH c0 AS MATERIALIZED ({matches}),
    c AS MATERIALIZED (SELECT * FROM c0 LIMIT %s)
    SELECT 'total', NULL, NULL, NULL, COUNT(*) FROM c0
    UNION ALL SELECT 'records', material_type, language, year, COUNT(*)
        FROM c GROUP BY material_type, language, year
    UNION ALL {available}"""

# Records with a copy on the shelf, per branch. SQLite looks up each id in the covering item
# index. PostgreSQL guesses 200 ids for "IN (SELECT ...)" and would do 100,000 index look-ups
# (1-2 s at 1m); as a join (the ids are distinct) it knows there are many and merges the sorted
# ids with one pass over the item index, in a third of the time.
_AVAILABLE = {
    "sqlite": """SELECT 'available_at', NULL, NULL, i.current_branch_id,
        COUNT(DISTINCT i.record_id) FROM catalog_item i INDEXED BY item_record_status_branch
        WHERE i.record_id IN (SELECT id FROM c) AND i.status = %s GROUP BY i.current_branch_id""",
    "postgresql": """SELECT 'available_at', NULL, NULL, branch, COUNT(*) FROM (
        SELECT DISTINCT i.record_id, i.current_branch_id AS branch
        FROM c JOIN catalog_item i ON i.record_id = c.id AND i.status = %s) a
        GROUP BY branch""",
}


@dataclass(frozen=True)
class Counts:
    """Matches seen (at most the limit + 1) and the facet counts over up to the limit."""

    count: int
    facets: dict[str, list[tuple[Any, int]]]


def _matches(words: list[QueryWord], filters: SearchFilters, limit: int) -> tuple[str, list[Any]]:
    """Up to ``limit`` matches as (id, material_type, language, year), without ranking."""
    postgres = connection.vendor == "postgresql"
    if words and postgres:
        where, params = search_sql._filter_sql(filters, "s", "record_id")
        sql = (
            "SELECT s.record_id AS id, s.material_type, s.language, s.year"
            f" FROM catalog_record_search s WHERE s.document @@ %s::tsquery{where} LIMIT %s"
        )
        return sql, [search_sql.tsquery(words), *params, limit]
    record_index = "" if postgres else _SQLITE_RECORD_INDEX
    where, params = search_sql._filter_sql(filters, "r", "id")
    if not words:
        sql = (
            "SELECT r.id AS id, r.material_type, r.language, r.year"
            f" FROM catalog_record r{record_index} WHERE 1 = 1{where}"
            " ORDER BY r.id DESC LIMIT %s"
        )
        return sql, [*params, limit]
    sql = (
        "SELECT f.rowid AS id, r.material_type, r.language, r.year"
        f" FROM catalog_record_fts f JOIN catalog_record r{record_index} ON r.id = f.rowid"
        f" WHERE catalog_record_fts MATCH %s{where} ORDER BY f.rowid DESC LIMIT %s"
    )
    return sql, [search_sql.fts5_query(words), *params, limit]


def count_exactly(words: list[QueryWord], filters: SearchFilters, *, limit: int) -> Counts:
    """The total (up to ``limit`` + 1) and every facet counted over up to ``limit`` matches."""
    matches, params = _matches(words, filters, limit + 1)
    sql = _COUNT.format(matches=matches, available=_AVAILABLE[connection.vendor])
    with connection.cursor() as cursor:
        cursor.execute(sql, [*params, limit, ItemStatus.AVAILABLE.value])
        rows = cursor.fetchall()
    total = 0
    # One grouping by all three record columns (a few hundred groups) is cheaper than three.
    counted: dict[str, Counter[Any]] = {name: Counter() for name in search_sql.FACETS}
    for kind, material_type, language, key, number in rows:
        if kind == "total":
            total = int(number)
        elif kind == "available_at":
            counted["available_at"][int(key)] += int(number)
        else:
            counted["material_type"][material_type] += int(number)
            counted["language"][language] += int(number)
            if key is not None:
                counted["year"][int(key)] += int(number)
    return Counts(count=total, facets={name: list(c.items()) for name, c in counted.items()})


@dataclass(frozen=True)
class Lookup:
    """What the cache held for one search: its counts (None: not cached, or from an older
    catalogue), the current generation, and the key to keep new counts under."""

    counts: Counts | None
    generation: str
    key: str


def _key(words: list[QueryWord], filters: SearchFilters, limit: int) -> str:
    branch = filters.available_at.pk if filters.available_at is not None else None
    query = search_sql.fts5_query(words)  # the normalised terms, the same on both databases
    wanted = repr((query, filters.material_type, filters.language, filters.year, branch, limit))
    digest = hashlib.sha256(wanted.encode()).hexdigest()[:32]
    return f"catalog:search-counts:{connection.vendor}:{digest}"


def cached_counts(words: list[QueryWord], filters: SearchFilters, *, limit: int) -> Lookup:
    """The counts of this search if a large result set was counted less than a minute ago in
    the current catalogue (one cache read: the generation and the entry together)."""
    key = _key(words, filters, limit)
    found = cache.get_many([_GENERATION_KEY, key])
    generation = found.get(_GENERATION_KEY)
    if generation is None:  # never set, or evicted: a new one, so no old entry can match
        cache.add(_GENERATION_KEY, str(time.time_ns()), timeout=None)
        generation = cache.get(_GENERATION_KEY)
    entry = found.get(key)
    counts = entry[1] if isinstance(entry, tuple) and entry[0] == generation else None
    return Lookup(counts=counts, generation=str(generation), key=key)


def exact_counts(
    words: list[QueryWord], filters: SearchFilters, *, limit: int, lookup: Lookup
) -> Counts:
    """Count now; keep the counts of a large result set for :data:`CACHE_SECONDS`, marked with
    the generation read before counting (if indexing started a new one meanwhile, the entry is
    never used)."""
    counts = count_exactly(words, filters, limit=limit)
    if counts.count > CACHE_ABOVE:
        cache.set(lookup.key, (lookup.generation, counts), timeout=CACHE_SECONDS)
    return counts


def catalogue_changed() -> None:
    """Records were (re)indexed: cached counts are from an older catalogue.

    A new generation now (searches in this transaction see the change) and again after the
    commit (a search that counted the old catalogue meanwhile cached under the generation that
    was then current, which nobody asks for any more).
    """

    def bump() -> None:
        cache.set(_GENERATION_KEY, str(time.time_ns()), timeout=None)

    bump()
    transaction.on_commit(bump)

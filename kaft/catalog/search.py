"""Catalogue search behind one interface, on SQLite (FTS5) and PostgreSQL (tsvector + GIN).

Words are stemmed the Dutch way in Python (:mod:`kaft.catalog.search_text`), the same on both
databases; a query that finds little gets a "Did you mean …?" (:mod:`kaft.catalog.search_suggest`).

``search_records`` ranks records on title (weighted highest), contributors, subjects and ISBN and
counts facets over the matches. ``search_index_records(ids)`` (re)indexes records: every piece of
code that creates, changes or deletes records calls it with their ids in the same transaction
(the MARC import and the admin do). No signals keep the index in sync.

Cost is bounded for very common words: at most :data:`CANDIDATE_LIMIT` matches (on SQLite the
newest ones) are ranked, in one statement that also counts and groups the facets
(:func:`search_sql.search`); only the page's records are read as models. When there are more,
the total and the facets are counted apart, exactly over up to
:data:`search_facets.FACET_LIMIT` matches, in a lean statement whose result is cached for a
minute (:mod:`kaft.catalog.search_facets`). Beyond that limit the result says so with
``total_exact = False`` and ``total`` is the limit ("more than 100,000 results").
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction

from kaft.catalog import search_facets, search_sql, search_suggest, search_text
from kaft.catalog.isbn import normalise_isbn
from kaft.catalog.languages import language_name
from kaft.catalog.models import Branch, MaterialType, Record
from kaft.catalog.search_text import QueryWord

# The cost of ranking grows with the matches it ranks (at 1m records, per 1,000 matches: about
# 4 ms on SQLite and 7 ms on PostgreSQL, with the facets). 2,000 keeps a top-20 search under
# 25 ms; more matches are counted (not ranked) by kaft.catalog.search_facets.
CANDIDATE_LIMIT = 2_000
MAX_WORDS = 8
SUGGEST_BELOW = 3  # "Did you mean …?" only for queries that find fewer records than this
MAX_FACET_VALUES = 20
INDEX_CHUNK = 1_000
_QUERY_WORD = re.compile(r"([^\W_]+)(\*?)")
_ISBN_QUERY = re.compile(r"^[\d\s\-xX]{10,17}$")


@dataclass(frozen=True)
class SearchFilters:
    material_type: str | None = None
    language: str | None = None
    year: int | None = None
    available_at: Branch | None = None

    def any(self) -> bool:
        return any(
            value is not None and value != ""
            for value in (self.material_type, self.language, self.year, self.available_at)
        )


@dataclass(frozen=True)
class FacetValue:
    value: str | int
    label: str
    count: int


@dataclass
class SearchResult:
    records: list[Record]
    total: int
    page: int
    per_page: int
    facets: dict[str, list[FacetValue]] = field(default_factory=dict)
    total_exact: bool = True  # False: there are more than ``total`` matches
    suggestion: str | None = None  # "Did you mean …?": a query that finds more


def query_words(query: str) -> list[QueryWord]:
    """The words to look for: letters and digits only, so no search syntax reaches the database.

    A query that is an ISBN (with or without hyphens, ISBN-10 or -13) becomes its ISBN-13. A
    word directly followed by ``*`` is a prefix ("prent*"); other characters are separators.
    """
    if _ISBN_QUERY.match(query.strip()):
        isbn = normalise_isbn(query)
        if isbn:
            return [search_text.query_word(isbn)]
    found: dict[str, QueryWord] = {}
    for word, star in _QUERY_WORD.findall(search_text.fold(query)):
        word = word[: search_text.MAX_WORD]
        found.setdefault(word + star, search_text.query_word(word, prefix=bool(star)))
    return list(found.values())[:MAX_WORDS]


def search_index_records(record_ids: Iterable[int]) -> None:
    """(Re)index these records; ids of records that no longer exist are removed from the index."""
    ids = sorted({int(record_id) for record_id in record_ids})
    for start in range(0, len(ids), INDEX_CHUNK):
        search_sql.index(ids[start : start + INDEX_CHUNK])
    if ids:
        search_facets.catalogue_changed()  # cached counts of large result sets are stale now


def search_index_rebuild() -> int:
    """Index every record afresh (after a change in how words are indexed); returns the count."""
    with transaction.atomic():
        search_sql.clear()
        ids = list(Record.objects.order_by("pk").values_list("pk", flat=True))
        search_index_records(ids)
        search_sql.optimise()
    return len(ids)


def _empty(page: int, per_page: int) -> SearchResult:
    return SearchResult(records=[], total=0, page=page, per_page=per_page, facets={})


def search_records(
    *,
    query: str,
    filters: SearchFilters | None = None,
    page: int = 1,
    per_page: int = 20,
) -> SearchResult:
    """Ranked records matching all words of ``query`` and the filters, one page, with facets.

    An empty query with filters lists the filtered records, newest first. Never raises on odd
    input: quotes, ``*``, ``-``, AND/OR are just characters; a page past the capped result is the
    page after its last one (empty).
    """
    filters = filters or SearchFilters()
    per_page = max(1, min(per_page, 100))
    # Never more pages than the capped result has: an OFFSET past it would only overflow.
    page = max(1, min(page, -(-CANDIDATE_LIMIT // per_page)))
    words = query_words(query or "")
    if not words and not filters.any():
        return _empty(page, per_page)
    limit = search_facets.FACET_LIMIT
    # A large result set counted a moment ago: only the page is left to rank.
    lookup = search_facets.cached_counts(words, filters, limit=limit)
    found = search_sql.search(
        words,
        filters,
        cap=CANDIDATE_LIMIT,
        offset=(page - 1) * per_page,
        limit=per_page,
        facets=lookup.counts is None,
    )
    counts = lookup.counts
    if counts is None:
        counts = search_facets.Counts(count=found.count, facets=found.facets)
        if found.count > CANDIDATE_LIMIT:  # more than were ranked: count them all, leanly
            counts = search_facets.exact_counts(words, filters, limit=limit, lookup=lookup)
    # The source MARC record is the one big column, and a result list never shows it.
    by_id = Record.objects.defer("marc").in_bulk(found.page)
    return SearchResult(
        records=[by_id[record_id] for record_id in found.page if record_id in by_id],
        total=min(counts.count, limit),
        page=page,
        per_page=per_page,
        facets=_facets(counts.facets),
        total_exact=counts.count <= limit,
        suggestion=_suggestion(words, filters, counts.count) if words else None,
    )


def _suggestion(words: list[QueryWord], filters: SearchFilters, found: int) -> str | None:
    """A better spelling of the query, only when it finds little and the spelling finds more."""
    if found >= SUGGEST_BELOW:
        return None
    better = search_suggest.suggestion(words)
    if better is None or search_sql.count(better, filters, cap=found + 1) <= found:
        return None
    return " ".join(word.word + ("*" if word.prefix else "") for word in better)


def _top(counts: list[tuple[Any, int]]) -> list[tuple[Any, int]]:
    items = [(value, count) for value, count in counts if value not in (None, "")]
    items.sort(key=lambda pair: (-pair[1], str(pair[0])))
    return items[:MAX_FACET_VALUES]


def _facets(counts: dict[str, list[tuple[Any, int]]]) -> dict[str, list[FacetValue]]:
    labels = dict(MaterialType.choices)
    year_values = sorted(_top(counts["year"]), key=lambda pair: -int(pair[0]))
    available = dict(counts["available_at"])
    branches = Branch.objects.in_bulk(list(available)) if available else {}
    return {
        "material_type": [
            FacetValue(value, str(labels.get(str(value), value)), count)
            for value, count in _top(counts["material_type"])
        ],
        "language": [
            FacetValue(value, language_name(str(value)), count)
            for value, count in _top(counts["language"])
        ],
        "year": [FacetValue(value, str(value), count) for value, count in year_values],
        "available_at": sorted(
            (
                FacetValue(branches[branch_id].code, branches[branch_id].name, count)
                for branch_id, count in available.items()
                if branch_id in branches
            ),
            key=lambda facet: (-facet.count, facet.label),
        ),
    }

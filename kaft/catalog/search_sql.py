"""The SQL behind :mod:`kaft.catalog.search`, one variant per database.

Both index the same terms, made in Python by :mod:`kaft.catalog.search_text` (Dutch stems and
words as written): SQLite in the FTS5 table ``catalog_record_fts`` (rowid = record id), bm25
with column weights title 10, contributors 4, subjects 2, ISBN 1; PostgreSQL in
``catalog_record_search`` as a tsvector literal weighted A (title) B (contributors) C (subjects)
D (ISBN), ranked by ts_rank. Queries are built from the same terms (:func:`fts5_query`,
:func:`tsquery`), so both databases find the same records. Each index row also keeps the
record's own words, so that re-indexing can keep the vocabulary (``catalog_search_word``) in step.

:func:`search` answers a whole search in one statement: the capped matches are materialised
once, then ranked for one page, counted, and grouped for each facet. Nothing but the page's ids
and the counts travels to Python.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.db import connection

from kaft.catalog import search_text
from kaft.catalog.models import ItemStatus, ItemType

if TYPE_CHECKING:
    from kaft.catalog.search import SearchFilters
    from kaft.catalog.search_text import QueryWord


def _postgres() -> bool:
    return connection.vendor == "postgresql"


_WEIGHTS = "ABCD"  # title, contributors, subjects, ISBN (PostgreSQL weights)
_MAX_POSITION = 16_383  # the highest word position a PostgreSQL tsvector keeps


@dataclass(frozen=True)
class IndexRow:
    """A record as the index holds it: the terms of each field and the record's own words."""

    record_id: int
    fields: tuple[list[str], list[str], list[str], list[str]]
    words: set[str]
    material_type: str
    language: str
    year: int | None


def index_row(record: dict[str, Any]) -> IndexRow:
    title = f"{record['title']} {record['subtitle']}"
    texts = (title, record["contributors"], record["subjects"], record["isbn"])
    return IndexRow(
        record_id=record["id"],
        fields=(
            search_text.index_terms(texts[0]),
            search_text.index_terms(texts[1]),
            search_text.index_terms(texts[2]),
            search_text.words(texts[3]),
        ),
        words=set().union(*(search_text.vocabulary_words(text) for text in texts[:3])),
        material_type=record["material_type"],
        language=record["language"],
        year=record["year"],
    )


def _tsvector(fields: tuple[list[str], ...]) -> str:
    """The tsvector literal of the fields' terms, with positions and weights A-D."""
    positions: dict[str, list[str]] = {}
    position = 0
    for weight, terms in zip(_WEIGHTS, fields, strict=True):
        for term in terms:
            position = min(position + 1, _MAX_POSITION)
            positions.setdefault(term, []).append(f"{position}{weight}")
    # Terms hold letters and digits only: nothing in them needs escaping.
    return " ".join(f"'{term}':{','.join(where)}" for term, where in positions.items())


def _old_words(cursor: Any, ids: list[int]) -> dict[int, set[str]]:
    table = "catalog_record_search" if _postgres() else "catalog_record_fts"
    key = "record_id" if _postgres() else "rowid"
    placeholders = ", ".join(["%s"] * len(ids))
    cursor.execute(f"SELECT {key}, words FROM {table} WHERE {key} IN ({placeholders})", ids)
    return {int(record_id): set(words.split()) for record_id, words in cursor.fetchall()}


_VOCABULARY_ADD = """
    INSERT INTO catalog_search_word (word, records) VALUES (%s, %s)
    ON CONFLICT (word) DO UPDATE SET records = catalog_search_word.records + EXCLUDED.records"""


def _vocabulary_update(cursor: Any, delta: Counter[str]) -> None:
    """Add the change in the number of records per word; words in no record any more go."""
    changes = sorted((word, count) for word, count in delta.items() if count)
    if not changes:
        return
    cursor.executemany(_VOCABULARY_ADD, changes)
    gone = [word for word, count in changes if count < 0]
    for start in range(0, len(gone), 500):
        chunk = gone[start : start + 500]
        placeholders = ", ".join(["%s"] * len(chunk))
        cursor.execute(
            f"DELETE FROM catalog_search_word WHERE records <= 0 AND word IN ({placeholders})",
            chunk,
        )


_RECORD_COLUMNS = (
    "id", "title", "subtitle", "contributors", "subjects", "isbn", "material_type", "language",
    "year",
)  # fmt: skip


def index(ids: list[int]) -> None:
    """(Re)index these records and keep the vocabulary (words -> number of records) in step;
    records that are gone, or whose copies were all withdrawn (or are interlibrary copies, lent
    to us by another library for one member), leave the index."""
    if not ids:
        return
    placeholders = ", ".join(["%s"] * len(ids))
    with connection.cursor() as cursor:
        old = _old_words(cursor, ids)
        # A title whose copies were all withdrawn has left the public catalogue: not indexed,
        # as if it were gone (a title without copies yet, or with any copy left, is indexed).
        # An interlibrary copy is no copy of the catalogue's: it is there for one member.
        cursor.execute(
            f"SELECT {', '.join(_RECORD_COLUMNS)} FROM catalog_record r"
            f" WHERE id IN ({placeholders})"
            " AND (NOT EXISTS (SELECT 1 FROM catalog_item i WHERE i.record_id = r.id)"
            " OR EXISTS (SELECT 1 FROM catalog_item i WHERE i.record_id = r.id"
            " AND i.status <> %s AND i.item_type <> %s))",
            [*ids, ItemStatus.WITHDRAWN.value, ItemType.INTERLIBRARY.value],
        )
        rows = [index_row(dict(zip(_RECORD_COLUMNS, values, strict=True))) for values in cursor]
        delta: Counter[str] = Counter()
        for row in rows:
            before = old.pop(row.record_id, set())
            delta.update(row.words - before)
            delta.subtract(before - row.words)
        for before in old.values():  # records that are gone
            delta.subtract(before)
        if _postgres():
            cursor.execute(
                f"DELETE FROM catalog_record_search WHERE record_id IN ({placeholders})", ids
            )
            cursor.executemany(
                "INSERT INTO catalog_record_search"
                " (record_id, document, words, material_type, language, year)"
                " VALUES (%s, %s::tsvector, %s, %s, %s, %s)",
                [
                    (
                        row.record_id,
                        _tsvector(row.fields),
                        " ".join(sorted(row.words)),
                        row.material_type,
                        row.language,
                        row.year,
                    )
                    for row in rows
                ],
            )
        else:
            cursor.execute(f"DELETE FROM catalog_record_fts WHERE rowid IN ({placeholders})", ids)
            cursor.executemany(
                "INSERT INTO catalog_record_fts"
                " (rowid, title, contributors, subjects, isbn, words)"
                " VALUES (%s, %s, %s, %s, %s, %s)",
                [
                    (
                        row.record_id,
                        " ".join(row.fields[0]),
                        " ".join(row.fields[1]),
                        " ".join(row.fields[2]),
                        " ".join(row.fields[3]),
                        " ".join(sorted(row.words)),
                    )
                    for row in rows
                ],
            )
        _vocabulary_update(cursor, delta)


def optimise() -> None:
    """After indexing everything: SQLite merges the FTS5 index into one segment (faster reads)."""
    if not _postgres():
        with connection.cursor() as cursor:
            cursor.execute(
                "INSERT INTO catalog_record_fts (catalog_record_fts) VALUES ('optimize')"
            )


def clear() -> None:
    """Empty the index and the vocabulary (before indexing everything again)."""
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM catalog_search_word")
        if _postgres():
            cursor.execute("TRUNCATE catalog_record_search")
        else:
            cursor.execute("DELETE FROM catalog_record_fts")


FACETS = ("material_type", "language", "year", "available_at")

# SQLite has statistics for the older (record_id, status) index only after ANALYZE and would pick
# it; the covering index of migration 0004 answers without reading the items themselves.
_SQLITE_ITEM_INDEX = " INDEXED BY item_record_status_branch"

# ``c0``: up to cap + 1 matches (id, score, material_type, language, year), to know whether there
# are more; ``c``: the first ``cap`` of them, which are ranked and counted.
_SEARCH = """
    WITH c0 AS MATERIALIZED ({matches}),
    c AS MATERIALIZED (SELECT * FROM c0{keep} LIMIT %s)
    SELECT 'page', NULL, id, NULL, score
        FROM (SELECT id, score FROM c ORDER BY score DESC, id DESC LIMIT %s OFFSET %s) p
    UNION ALL SELECT 'total', NULL, NULL, COUNT(*), NULL FROM c0"""
# The facets over the capped set, left out when the counts come from elsewhere (search_facets).
_SEARCH_FACETS = """
    UNION ALL SELECT 'material_type', material_type, NULL, COUNT(*), NULL
        FROM c GROUP BY material_type
    UNION ALL SELECT 'language', language, NULL, COUNT(*), NULL FROM c GROUP BY language
    UNION ALL SELECT 'year', NULL, year, COUNT(*), NULL FROM c WHERE year IS NOT NULL GROUP BY year
    UNION ALL SELECT 'available_at', NULL, i.current_branch_id, COUNT(DISTINCT i.record_id), NULL
        FROM catalog_item i{item_index}
        WHERE i.record_id IN (SELECT id FROM c) AND i.status = %s GROUP BY i.current_branch_id"""


@dataclass
class Found:
    """What :func:`search` found: one page of ids (best first), and counts over the capped set."""

    page: list[int]
    count: int  # matches seen, at most cap + 1
    facets: dict[str, list[tuple[Any, int]]] = field(default_factory=dict)


def _item_index() -> str:
    return "" if _postgres() else _SQLITE_ITEM_INDEX


def _filter_sql(filters: SearchFilters, alias: str, id_column: str) -> tuple[str, list[Any]]:
    clauses: list[str] = []
    params: list[Any] = []
    if filters.material_type:
        clauses.append(f"{alias}.material_type = %s")
        params.append(filters.material_type)
    if filters.language:
        clauses.append(f"{alias}.language = %s")
        params.append(filters.language)
    if filters.year is not None:
        clauses.append(f"{alias}.year = %s")
        params.append(filters.year)
    if filters.available_at is not None:
        clauses.append(
            f"EXISTS (SELECT 1 FROM catalog_item i{_item_index()}"
            f" WHERE i.record_id = {alias}.{id_column} AND i.status = %s"
            " AND i.current_branch_id = %s)"
        )
        params += [ItemStatus.AVAILABLE.value, filters.available_at.pk]
    return "".join(f" AND {clause}" for clause in clauses), params


def _matches(
    words: list[QueryWord], filters: SearchFilters, limit: int
) -> tuple[str, list[Any], str]:
    """SQL for up to ``limit`` matches, its parameters, and the order in which the cap keeps them.

    SQLite and lists without words keep the newest records; PostgreSQL keeps the first ones the
    index hands over (a top-k by rank would have to rank every match: 186,000 for "de").
    """
    newest = " ORDER BY id DESC"
    if not words:
        where, params = _filter_sql(filters, "r", "id")
        sql = (
            "SELECT r.id AS id, CAST(0 AS DOUBLE PRECISION) AS score, r.material_type,"
            f" r.language, r.year FROM catalog_record r WHERE 1 = 1{where}"
            " ORDER BY r.id DESC LIMIT %s"
        )
        return sql, [*params, limit], newest
    if _postgres():
        # The facet columns are copied into the index table: no join with the records.
        where, params = _filter_sql(filters, "s", "record_id")
        sql = (
            "SELECT s.record_id AS id, CAST(ts_rank(s.document, q.query, 1) AS DOUBLE PRECISION)"
            " AS score, s.material_type, s.language, s.year"
            " FROM catalog_record_search s, (SELECT %s::tsquery AS query) q"
            f" WHERE s.document @@ q.query{where} LIMIT %s"
        )
        return sql, [tsquery(words), *params, limit], ""
    where, params = _filter_sql(filters, "r", "id")
    sql = (
        "SELECT f.rowid AS id, -bm25(catalog_record_fts, 10.0, 4.0, 2.0, 1.0) AS score,"
        " r.material_type, r.language, r.year"
        " FROM catalog_record_fts f JOIN catalog_record r ON r.id = f.rowid"
        f" WHERE catalog_record_fts MATCH %s{where} ORDER BY f.rowid DESC LIMIT %s"
    )
    return sql, [fts5_query(words), *params, limit], newest


def tsquery(words: list[QueryWord]) -> str:
    """PostgreSQL: every word must match, each as any of its terms (or as a prefix)."""
    parts = []
    for word in words:
        if word.prefix:
            parts.append(f"'{word.word}':*")
        else:
            parts.append("(" + " | ".join(f"'{term}'" for term in word.alternatives) + ")")
    return " & ".join(parts)


def fts5_query(words: list[QueryWord]) -> str:
    """SQLite FTS5: the same query as :func:`tsquery` (terms hold letters and digits only)."""
    parts = []
    for word in words:
        if word.prefix:
            parts.append(f'"{word.word}"*')
        else:
            parts.append("(" + " OR ".join(f'"{term}"' for term in word.alternatives) + ")")
    return " AND ".join(parts)


def search(
    words: list[QueryWord],
    filters: SearchFilters,
    *,
    cap: int,
    offset: int,
    limit: int,
    facets: bool = True,
) -> Found:
    """Rank the first ``cap`` matches, return ``limit`` ids from ``offset`` and facet counts
    (only when ``facets``)."""
    matches, params, keep = _matches(words, filters, cap + 1)
    sql = (_SEARCH + (_SEARCH_FACETS if facets else "")).format(
        matches=matches, keep=keep, item_index=_item_index()
    )
    args = [*params, cap, limit, offset] + ([ItemStatus.AVAILABLE.value] if facets else [])
    with connection.cursor() as cursor:
        cursor.execute(sql, args)
        rows = cursor.fetchall()
    found = Found(page=[], count=0, facets={name: [] for name in FACETS})
    page: list[tuple[float, int]] = []
    for kind, label, key, count, score in rows:
        if kind == "page":
            page.append((float(score or 0.0), int(key)))
        elif kind == "total":
            found.count = int(count)
        else:
            found.facets[kind].append((label if key is None else int(key), int(count)))
    # UNION ALL keeps no order: sort the page again, as the SQL did.
    found.page = [record_id for _score, record_id in sorted(page, reverse=True)]
    return found


def count(words: list[QueryWord], filters: SearchFilters, *, cap: int) -> int:
    """How many records match, counting up to ``cap``."""
    matches, params, _keep = _matches(words, filters, cap)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT COUNT(*) FROM ({matches}) m", params)
        return int(cursor.fetchone()[0])

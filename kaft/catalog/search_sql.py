"""The SQL behind :mod:`kaft.catalog.search`, one variant per database.

SQLite: FTS5 table ``catalog_record_fts`` (rowid = record id), bm25 with column weights
title 10, contributors 4, subjects 2, ISBN 1. PostgreSQL: ``catalog_record_search`` with a
tsvector weighted A (title) B (contributors) C (subjects) D (ISBN), text search configuration
``kaft_dutch`` (Dutch stemming, accents removed), ranked by ts_rank (ts_rank_cd, which also
rewards words standing close together, cost five times as much: 30 ms per 5,000 matches).

:func:`search` answers a whole search in one statement: the capped matches are materialised
once, then ranked for one page, counted, and grouped for each facet. Nothing but the page's ids
and the counts travels to Python.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.db import connection

from kaft.catalog.models import ItemStatus

if TYPE_CHECKING:
    from kaft.catalog.search import SearchFilters


_SQLITE_INDEX_DELETE = "DELETE FROM catalog_record_fts WHERE rowid IN ({ids})"
_SQLITE_INDEX_INSERT = """
    INSERT INTO catalog_record_fts (rowid, title, contributors, subjects, isbn)
    SELECT id, title || ' ' || subtitle, contributors, subjects, isbn
    FROM catalog_record WHERE id IN ({ids})"""
_POSTGRES_INDEX = """
    INSERT INTO catalog_record_search (record_id, document, material_type, language, year)
    SELECT id,
        setweight(kaft_document(title || ' ' || subtitle), 'A')
        || setweight(kaft_document(contributors), 'B')
        || setweight(kaft_document(subjects), 'C')
        || setweight(to_tsvector('simple', isbn), 'D'),
        material_type, language, year
    FROM catalog_record WHERE id = ANY(%s)
    ON CONFLICT (record_id) DO UPDATE SET document = EXCLUDED.document,
        material_type = EXCLUDED.material_type, language = EXCLUDED.language, year = EXCLUDED.year"""


def _postgres() -> bool:
    return connection.vendor == "postgresql"


def index(ids: list[int]) -> None:
    with connection.cursor() as cursor:
        if _postgres():
            # Deleted records leave the index through the foreign key's ON DELETE CASCADE.
            cursor.execute(_POSTGRES_INDEX, [ids])
            return
        placeholders = ", ".join(["%s"] * len(ids))
        cursor.execute(_SQLITE_INDEX_DELETE.format(ids=placeholders), ids)
        cursor.execute(_SQLITE_INDEX_INSERT.format(ids=placeholders), ids)


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
    UNION ALL SELECT 'total', NULL, NULL, COUNT(*), NULL FROM c0
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


def _matches(words: list[str], filters: SearchFilters, limit: int) -> tuple[str, list[Any], str]:
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
        # Each word as its Dutch stem or as itself; all words must match.
        word_query = "(plainto_tsquery('kaft_dutch', %s) || plainto_tsquery('kaft_simple', %s))"
        query = " && ".join([word_query] * len(words))
        query_args = [word for word in words for _ in range(2)]
        sql = (
            f"SELECT s.record_id AS id, CAST(ts_rank(s.document, {query}, 1) AS DOUBLE PRECISION)"
            " AS score, s.material_type, s.language, s.year FROM catalog_record_search s"
            f" WHERE s.document @@ ({query}){where} LIMIT %s"
        )
        return sql, [*query_args, *query_args, *params, limit], ""
    where, params = _filter_sql(filters, "r", "id")
    sql = (
        "SELECT f.rowid AS id, -bm25(catalog_record_fts, 10.0, 4.0, 2.0, 1.0) AS score,"
        " r.material_type, r.language, r.year"
        " FROM catalog_record_fts f JOIN catalog_record r ON r.id = f.rowid"
        f" WHERE catalog_record_fts MATCH %s{where} ORDER BY f.rowid DESC LIMIT %s"
    )
    match = " ".join('"' + word.replace('"', "") + '"' for word in words)
    return sql, [match, *params, limit], newest


def search(words: list[str], filters: SearchFilters, *, cap: int, offset: int, limit: int) -> Found:
    """Rank the first ``cap`` matches, return ``limit`` ids from ``offset`` and facet counts."""
    matches, params, keep = _matches(words, filters, cap + 1)
    sql = _SEARCH.format(matches=matches, keep=keep, item_index=_item_index())
    args = [*params, cap, limit, offset, ItemStatus.AVAILABLE.value]
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

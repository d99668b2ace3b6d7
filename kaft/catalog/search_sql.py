"""The SQL behind :mod:`kaft.catalog.search`, one variant per database.

SQLite: FTS5 table ``catalog_record_fts`` (rowid = record id), bm25 with column weights
title 10, contributors 4, subjects 2, ISBN 1. PostgreSQL: ``catalog_record_search`` with a
tsvector weighted A (title) B (contributors) C (subjects) D (ISBN), text search configuration
``kaft_dutch`` (Dutch stemming, accents removed), ranked by ts_rank_cd.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from django.db import connection

from kaft.catalog.models import ItemStatus

if TYPE_CHECKING:
    from kaft.catalog.search import SearchFilters

Row = tuple[int, float, str, str, "int | None"]

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
            f"EXISTS (SELECT 1 FROM catalog_item i WHERE i.record_id = {alias}.{id_column}"
            " AND i.status = %s AND i.current_branch_id = %s)"
        )
        params += [ItemStatus.AVAILABLE.value, filters.available_at.pk]
    return "".join(f" AND {clause}" for clause in clauses), params


def candidates(words: list[str], filters: SearchFilters, limit: int) -> list[Row]:
    """Up to ``limit`` matching records as (id, score (higher is better), material, lang, year)."""
    where, params = _filter_sql(filters, "r", "id")
    if not words:
        sql = (
            "SELECT r.id, 0.0, r.material_type, r.language, r.year FROM catalog_record r"
            f" WHERE 1 = 1{where} ORDER BY r.id DESC LIMIT %s"
        )
        args: list[Any] = [*params, limit]
    elif _postgres():
        # The facet columns are copied into the index table: no join with the records.
        where, params = _filter_sql(filters, "s", "record_id")
        # Each word as its Dutch stem or as itself; all words must match.
        word_query = "(plainto_tsquery('kaft_dutch', %s) || plainto_tsquery('kaft_simple', %s))"
        query = " && ".join([word_query] * len(words))
        query_args = [word for word in words for _ in range(2)]
        sql = (
            f"SELECT s.record_id, ts_rank_cd(s.document, {query}, 1),"
            " s.material_type, s.language, s.year FROM catalog_record_search s"
            f" WHERE s.document @@ ({query}){where} LIMIT %s"
        )
        args = [*query_args, *query_args, *params, limit]
    else:
        sql = (
            "SELECT f.rowid, -bm25(catalog_record_fts, 10.0, 4.0, 2.0, 1.0),"
            " r.material_type, r.language, r.year"
            " FROM catalog_record_fts f JOIN catalog_record r ON r.id = f.rowid"
            f" WHERE catalog_record_fts MATCH %s{where} ORDER BY f.rowid DESC LIMIT %s"
        )
        match = " ".join('"' + word.replace('"', "") + '"' for word in words)
        args = [match, *params, limit]
    with connection.cursor() as cursor:
        cursor.execute(sql, args)
        return [(row[0], float(row[1] or 0.0), row[2], row[3], row[4]) for row in cursor.fetchall()]


def available_counts(record_ids: list[int]) -> dict[int, int]:
    """Per branch id: how many of these records have a copy available there."""
    if not record_ids:
        return {}
    if _postgres():
        ids_sql, ids_param = "i.record_id = ANY(%s)", record_ids
    else:
        ids_sql = "i.record_id IN (SELECT value FROM json_each(%s))"
        ids_param = json.dumps(record_ids)  # type: ignore[assignment]
    sql = (
        "SELECT i.current_branch_id, COUNT(DISTINCT i.record_id) FROM catalog_item i"
        f" WHERE {ids_sql} AND i.status = %s GROUP BY i.current_branch_id"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [ids_param, ItemStatus.AVAILABLE.value])
        return {branch_id: count for branch_id, count in cursor.fetchall()}

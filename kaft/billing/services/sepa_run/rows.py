"""Writing many rows at once, for announcements and runs of 100,000 debits."""

from __future__ import annotations

from typing import Any

from django.db import connection


def insert_rows(table: str, columns: tuple[str, ...], rows: list[tuple[Any, ...]]) -> None:
    """Insert ``rows`` into ``table`` with multi-row INSERT statements, as many rows per
    statement as the database takes parameters: a run or an announcement may write 100,000
    rows, and one statement per row (or a model object per row) costs more than the writes."""
    if not rows:
        return
    limit = connection.features.max_query_params or 10_000
    per_statement = max(1, min(1_000, limit // len(columns)))
    quoted = connection.ops.quote_name(table)
    names = ", ".join(connection.ops.quote_name(c) for c in columns)
    one = "(" + ", ".join(["%s"] * len(columns)) + ")"
    with connection.cursor() as cursor:
        for start in range(0, len(rows), per_statement):
            batch = rows[start : start + per_statement]
            cursor.execute(
                f"INSERT INTO {quoted} ({names}) VALUES "  # noqa: S608
                + ", ".join([one] * len(batch)),
                [value for row in batch for value in row],
            )

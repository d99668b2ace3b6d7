"""Celery tasks of the core: clearing dead rows after an erasure, in a worker (a VACUUM of a large
table can take a while; the member's request does not wait for it)."""

from __future__ import annotations

from celery import shared_task

from kaft.core.dead_rows import dead_rows_clear


@shared_task(name="kaft.core.tasks.clear_dead_rows")
def clear_dead_rows(tables: list[str]) -> bool:
    """VACUUM these tables (PostgreSQL) or truncate the log (SQLite). Safe to run twice."""
    return dead_rows_clear(tables)

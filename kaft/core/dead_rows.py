"""Deleted rows must not linger in the database files.

A DELETE (or an UPDATE that empties a personal field) does not wipe the old bytes at once:

- SQLite keeps them in free pages and in the write-ahead log. Kaft turns ``secure_delete`` on
  for every connection (``kaft/settings.py``), so freed content is overwritten with zeros, and
  after an erasure :func:`dead_rows_clear` checkpoints the log and truncates it, so the old page
  images in ``-wal`` go too.
- PostgreSQL keeps the old row versions ("dead tuples") in the table until a VACUUM reclaims
  them. Autovacuum does so eventually, but only once a table has enough dead rows (by default
  20 % of it), so a few erased members in a large table could wait for weeks. After an erasure
  :func:`dead_rows_clear` runs ``VACUUM`` on the tables it changed.

Both run after the commit (VACUUM cannot run inside a transaction), in a Celery task (a VACUUM of
a large table may take a while; a member's request does not wait for it), are best effort (a
failure is logged, never raised: the erasure itself is done) and name tables only, never rows.
Work that changes many members at once (the retention job, itself in a worker) collects the
tables in :func:`dead_rows_batch` and clears them once at the end. The goodbye e-mail of an erased
member is sent after the erasure; the move that empties its address and text clears the outbox's
tables again (:mod:`kaft.notices.lifecycle`). Backups are another matter: see
``docs/operations.md`` ("Backups").
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from functools import partial

from django.db import DatabaseError, connection, models, transaction

logger = logging.getLogger(__name__)

_batch: ContextVar[set[str] | None] = ContextVar("kaft_dead_rows_batch", default=None)


def _tables(changed: Iterable[type[models.Model] | str]) -> set[str]:
    from django.apps import apps

    tables = set()
    for model in changed:
        found = apps.get_model(model) if isinstance(model, str) else model
        tables.add(found._meta.db_table)
    return tables


def dead_rows_clear_after_commit(changed: Iterable[type[models.Model] | str]) -> None:
    """Clear the dead rows of these models' tables once the current transaction has committed,
    by a task (or at the end of the open :func:`dead_rows_batch`). Models as classes or
    ``app.Model``."""
    tables = _tables(changed)
    if not tables:
        return
    batch = _batch.get()
    if batch is not None:
        batch.update(tables)
        return
    from kaft.core.tasks import clear_dead_rows

    transaction.on_commit(partial(clear_dead_rows.delay, sorted(tables)))


@contextmanager
def dead_rows_batch() -> Iterator[set[str]]:
    """Collect the tables to clear during the block, and clear them once at its end."""
    if _batch.get() is not None:  # nested: the outer batch clears
        yield _batch.get() or set()
        return
    tables: set[str] = set()
    token = _batch.set(tables)
    try:
        yield tables
    finally:
        _batch.reset(token)
        dead_rows_clear(sorted(tables))


def dead_rows_clear(tables: list[str]) -> bool:
    """VACUUM these tables (PostgreSQL) or checkpoint and truncate the log (SQLite), now.

    Must run outside a transaction; inside one it does nothing and says so in the log. Returns
    whether it ran. Best effort: a database error is logged, not raised."""
    if not tables:
        return False
    if connection.in_atomic_block:
        logger.info("dead rows of %s not cleared: still inside a transaction", ", ".join(tables))
        return False
    vendor = connection.vendor
    try:
        with connection.cursor() as cursor:
            if vendor == "postgresql":
                names = ", ".join(connection.ops.quote_name(table) for table in tables)
                cursor.execute(f"VACUUM {names}")
            elif vendor == "sqlite":
                cursor.execute("PRAGMA wal_checkpoint(TRUNCATE)")
            else:
                return False
    except DatabaseError as exc:
        logger.warning("clearing dead rows of %s failed: %s", ", ".join(tables), exc)
        return False
    logger.info("dead rows cleared: %s", ", ".join(tables))
    return True

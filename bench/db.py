"""The benchmark's own databases: where they are, how they are reset, and fast bulk writes.

Everything here that runs before ``django.setup()`` uses only the standard library and psycopg.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
VAR_BENCH = Path(os.environ.get("KAFT_VAR_DIR", ROOT / "var")) / "bench"
MARKER_TABLE = "kaft_bench_marker"


def is_postgres(url: str | None) -> bool:
    return bool(url) and urlsplit(url or "").scheme in {"postgres", "postgresql", "pgsql"}


def database_url(db_url: str | None, name: str) -> str:
    """The URL of the bench database ``name``: a file under var/bench/, or a PG database.

    ``KAFT_BENCH_DB_SUFFIX`` (default none) is added to the name, so that two people can run the
    bench against one PostgreSQL server without dropping each other's databases.
    """
    name += os.environ.get("KAFT_BENCH_DB_SUFFIX", "")
    if not is_postgres(db_url):
        VAR_BENCH.mkdir(parents=True, exist_ok=True)
        return f"sqlite:///{VAR_BENCH / (name + '.sqlite3')}"
    assert db_url is not None
    return urlunsplit(urlsplit(db_url)._replace(path="/" + name))


def database_create(url: str, *, fresh: bool) -> None:
    """Make sure the database exists; ``fresh`` drops it first (PG) or removes the file (SQLite)."""
    if not is_postgres(url):
        path = Path(urlsplit(url).path)
        if fresh:
            for suffix in ("", "-wal", "-shm", "-journal"):
                Path(str(path) + suffix).unlink(missing_ok=True)
        return
    import psycopg
    from psycopg import sql

    parts = urlsplit(url)
    name = parts.path.lstrip("/")
    server = urlunsplit(parts._replace(path="/postgres"))
    with psycopg.connect(server, autocommit=True) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
        if exists and fresh:
            conn.execute(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                "WHERE datname = %s AND pid <> pg_backend_pid()",
                [name],
            )
            conn.execute(sql.SQL("DROP DATABASE {}").format(sql.Identifier(name)))
            exists = None
        if not exists:
            conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))


def marker_read() -> dict[str, str]:
    """What the marker table says about the dataset in the current database (empty: none)."""
    from django.db import connection

    if MARKER_TABLE not in connection.introspection.table_names():
        return {}
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT key, value FROM {MARKER_TABLE}")
        return {key: value for key, value in cursor.fetchall()}


def marker_write(values: dict[str, str]) -> None:
    from django.db import connection, transaction

    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            f"CREATE TABLE IF NOT EXISTS {MARKER_TABLE} (key VARCHAR(40) PRIMARY KEY, value TEXT)"
        )
        cursor.execute(f"DELETE FROM {MARKER_TABLE}")
        for key, value in values.items():
            cursor.execute(f"INSERT INTO {MARKER_TABLE} (key, value) VALUES (%s, %s)", [key, value])


def timestamp_suffix() -> str:
    """Appended to "YYYY-MM-DD HH:MM:SS" (UTC): SQLite keeps Django's naive text, PG reads +00."""
    from django.db import connection

    return "" if connection.vendor == "sqlite" else "+00"


class BulkWriter:
    """Writes rows straight into a model's table: ``executemany`` on SQLite, ``COPY`` on PG.

    Columns the caller does not give (e.g. ones added by a later migration) get the field's
    default. Use inside a transaction; the caller commits per chunk.
    """

    def __init__(self, model: Any, columns: Sequence[str]) -> None:
        from django.db import connection

        self.connection = connection
        self.table = model._meta.db_table
        given = set(columns)
        extra_fields = [
            f for f in model._meta.concrete_fields if f.column not in given and not f.primary_key
        ]
        self.columns = [*columns, *(f.column for f in extra_fields)]
        extras = []
        for field in extra_fields:
            value = field.get_db_prep_save(field.get_default(), connection)
            if value is None and not field.null:
                raise RuntimeError(
                    f"{self.table}.{field.column} needs a value in the bench generator"
                )
            extras.append(value)
        self.extras = tuple(extras)

    def write(self, rows: Iterable[tuple[Any, ...]]) -> None:
        if self.extras:
            rows = (row + self.extras for row in rows)
        names = ", ".join(self.connection.ops.quote_name(c) for c in self.columns)
        raw = self.connection.connection
        if self.connection.vendor == "postgresql":
            with (
                raw.cursor() as cursor,
                cursor.copy(f"COPY {self.table} ({names}) FROM STDIN") as copy,
            ):
                for row in rows:
                    copy.write_row(row)
        else:
            marks = ", ".join("?" for _ in self.columns)
            raw.executemany(f"INSERT INTO {self.table} ({names}) VALUES ({marks})", rows)


def fast_writes(enabled: bool) -> None:
    """While building: no fsync per commit. Measurements run with the configured settings."""
    from django.db import connection

    if connection.in_atomic_block:  # e.g. inside a test: leave the settings alone
        return
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("PRAGMA synchronous=OFF" if enabled else "PRAGMA synchronous=FULL")
            cursor.execute("PRAGMA cache_size=-262144" if enabled else "PRAGMA cache_size=-2000")
        else:
            cursor.execute("SET synchronous_commit TO " + ("off" if enabled else "DEFAULT"))
            cursor.execute("SET maintenance_work_mem TO " + ("'256MB'" if enabled else "DEFAULT"))


def analyze() -> None:
    from django.db import connection

    with connection.cursor() as cursor:
        # VACUUM too on PostgreSQL: it sets the visibility map, so index-only scans work as they
        # would on a production server where autovacuum has run.
        # (VACUUM cannot run inside a transaction, as in the smoke test: ANALYZE alone then.)
        vacuum = connection.vendor == "postgresql" and not connection.in_atomic_block
        cursor.execute("VACUUM ANALYZE" if vacuum else "ANALYZE")


def reset_sequences(models: Sequence[Any]) -> None:
    """After inserting explicit ids on PG, move the id sequences past them."""
    from django.core.management.color import no_style
    from django.db import connection

    statements = connection.ops.sequence_reset_sql(no_style(), list(models))
    if statements:
        with connection.cursor() as cursor:
            for statement in statements:
                cursor.execute(statement)

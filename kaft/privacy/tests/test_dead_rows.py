"""Deleted rows do not linger: SQLite overwrites freed content (``secure_delete``, set by Kaft
whatever the library's build default), and after an erasure the changed tables are vacuumed
(PostgreSQL) or the write-ahead log is checkpointed and truncated (SQLite)."""

from __future__ import annotations

import sqlite3
from typing import Any

import pytest
from django.db import connection
from django.db.backends.sqlite3 import base as sqlite_base
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from kaft.core.dead_rows import dead_rows_batch, dead_rows_clear, dead_rows_clear_after_commit
from kaft.members.models import MemberEvent
from kaft.privacy.services.erasure import member_erase
from kaft.privacy.services.retention import retention_apply
from tests.factories_rights import make_member

ON_SQLITE = connection.vendor == "sqlite"
ON_POSTGRES = connection.vendor == "postgresql"


@pytest.mark.skipif(not ON_SQLITE, reason="secure_delete is an SQLite pragma")
@pytest.mark.django_db
def test_every_sqlite_connection_overwrites_deleted_content(monkeypatch: Any) -> None:
    """Even with an SQLite library built without SECURE_DELETE (Debian's build has it on), Kaft's
    connections turn it on: the library default is simulated off here."""
    real_connect = sqlite3.connect

    def connect_with_default_off(*args: Any, **kwargs: Any) -> sqlite3.Connection:
        conn = real_connect(*args, **kwargs)
        conn.execute("PRAGMA secure_delete=OFF")
        return conn

    monkeypatch.setattr(sqlite_base.Database, "connect", connect_with_default_off)  # type: ignore[attr-defined]
    fresh = connection.get_new_connection(connection.get_connection_params())
    try:
        assert fresh.execute("PRAGMA secure_delete").fetchone() == (1,)
    finally:
        fresh.close()
    # and the connection the tests use
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA secure_delete")
        assert cursor.fetchone() == (1,)


def _statements(queries: CaptureQueriesContext, start: str) -> list[str]:
    return [q["sql"] for q in queries.captured_queries if q["sql"].upper().startswith(start)]


@pytest.mark.skipif(not ON_POSTGRES, reason="VACUUM is PostgreSQL's; SQLite: see the test above")
@pytest.mark.django_db(transaction=True)
def test_erasure_vacuums_the_tables_it_changed_after_commit() -> None:
    member = make_member(email="weg@example.org")
    MemberEvent.objects.create(member=member, action="registered", at=timezone.now())

    with CaptureQueriesContext(connection) as queries:
        member_erase(member=member)

    # the erasure's, and the goodbye's once it was sent and its address emptied
    goodbye = 'VACUUM "notices_deliveryattempt", "notices_notice"'
    [vacuum] = [v for v in _statements(queries, "VACUUM") if v != goodbye]
    assert goodbye in _statements(queries, "VACUUM")
    for table in ("members_member", "members_memberevent", "members_user"):
        assert f'"{table}"' in vacuum
    assert '"circulation_loan"' not in vacuum  # nothing changed there
    # it ran outside the transaction: the tables were really vacuumed
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_stat_clear_snapshot()")
        cursor.execute(
            "SELECT relname FROM pg_stat_user_tables WHERE last_vacuum IS NOT NULL "
            "AND relname IN ('members_member', 'members_memberevent')"
        )
        assert sorted(row[0] for row in cursor.fetchall()) == [
            "members_member",
            "members_memberevent",
        ]


@pytest.mark.skipif(not ON_SQLITE, reason="the write-ahead log checkpoint is SQLite's")
@pytest.mark.django_db(transaction=True)
def test_erasure_checkpoints_and_truncates_the_sqlite_log_after_commit() -> None:
    member = make_member(email="weg@example.org")

    with CaptureQueriesContext(connection) as queries:
        member_erase(member=member)

    # one after the erasure, one after the goodbye was sent and its address emptied
    assert _statements(queries, "PRAGMA WAL_CHECKPOINT") == ["PRAGMA wal_checkpoint(TRUNCATE)"] * 2


@pytest.mark.django_db(transaction=True)
def test_the_retention_job_clears_once_for_all_it_changed() -> None:
    today = timezone.localdate()
    for _ in range(3):
        make_member(membership_end=today.replace(year=today.year - 2))

    with CaptureQueriesContext(connection) as queries:
        retention_apply()

    clears = _statements(queries, "VACUUM") + _statements(queries, "PRAGMA WAL_CHECKPOINT")
    assert len(clears) == 1
    if ON_POSTGRES:
        assert '"members_member"' in clears[0]


@pytest.mark.django_db
def test_inside_a_transaction_nothing_runs_and_nothing_breaks() -> None:
    # the test's own transaction is open: VACUUM would fail there, so it is left out
    assert dead_rows_clear(["members_member"]) is False
    with dead_rows_batch() as tables:
        dead_rows_clear_after_commit(["members.Member", "members.MemberEvent"])
        assert tables == {"members_member", "members_memberevent"}
    assert make_member().pk  # the connection still works

"""Prove that code holds a row lock, from a second database connection.

Only PostgreSQL has row locks: SQLite locks the whole database for every write transaction
(BEGIN IMMEDIATE), so a row-lock test there would pass whatever the code did. Tests using this
skip on SQLite with :data:`POSTGRESQL_ONLY` and run in the PostgreSQL pass (marker
``concurrency``, a ``transaction=True`` database, so the second connection sees the rows).
"""

from __future__ import annotations

import threading
from collections.abc import Callable

import pytest
from django.db import DatabaseError, connection, models, transaction

POSTGRESQL_ONLY = pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason=(
        "row locks exist only on PostgreSQL; SQLite locks the whole database per write "
        "transaction, so this proves nothing there (runs in the PostgreSQL pass)"
    ),
)


def _other_connection_can_lock(model: type[models.Model], pk: int) -> bool:
    """From a fresh connection in another thread: can ``model`` row ``pk`` be locked now?"""
    outcome: list[bool] = []

    def probe() -> None:
        try:
            with transaction.atomic():
                list(model._default_manager.select_for_update(nowait=True).filter(pk=pk))
            outcome.append(True)
        except DatabaseError:  # "could not obtain lock on row": someone holds it
            outcome.append(False)
        finally:
            connection.close()

    thread = threading.Thread(target=probe)
    thread.start()
    thread.join(timeout=30)
    assert outcome, "the probing connection did not finish"
    return outcome[0]


def assert_locks_row(model: type[models.Model], pk: int, action: Callable[[], object]) -> None:
    """``action``, run inside a transaction, leaves row ``pk`` of ``model`` locked until that
    transaction ends; before and after, another connection can lock it."""
    assert _other_connection_can_lock(model, pk), "the row was locked before the action"
    with transaction.atomic():
        action()
        assert not _other_connection_can_lock(model, pk), f"{model.__name__} {pk} was not locked"
    assert _other_connection_can_lock(model, pk), "the row stayed locked after the transaction"


def outcome_while_another_changes_the_row(
    model: type[models.Model], pk: int, change: dict[str, object], action: Callable[[], object]
) -> str:
    """Another connection locks row ``pk`` and changes it; while it still holds the lock,
    ``action`` starts in its own thread; then the other connection commits.

    A service that locks the row *before it reads* waits, then sees the change and decides on
    it. One that reads first and only locks when it writes decides on the old row and then
    overwrites the change (a lost update), although its UPDATE waits just the same. So the
    outcome ("ok" or the refusal code) tells whether the decision was taken under the lock.
    """
    from tests.threads import run_together

    outcome: list[str] = []
    with transaction.atomic():
        model._default_manager.select_for_update().filter(pk=pk).update(**change)
        worker = threading.Thread(target=lambda: outcome.extend(run_together([action])))
        worker.start()
        worker.join(timeout=0.5)  # the action now waits for this transaction's lock
        assert worker.is_alive(), "the action did not wait for the row lock at all"
    worker.join(timeout=30)
    assert outcome, "the action did not finish"
    return outcome[0]

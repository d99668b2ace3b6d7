"""On SQLite, Kaft's transactions queue for the one write lock (kaft/core/db_sqlite): a writer
waits on a file lock beside the database and takes it the moment the transaction before it ends,
instead of napping in SQLite's busy handler."""

from __future__ import annotations

import errno
import fcntl
import os
import threading
from collections.abc import Callable

import pytest
from django.db import OperationalError, connection, connections, transaction
from django.utils import timezone

from kaft.core.models import CacheEntry

pytestmark = [
    pytest.mark.skipif(connection.vendor != "sqlite", reason="the queue is SQLite's"),
    pytest.mark.django_db(transaction=True),
]


def _queue_taken() -> bool:
    """Whether some connection holds the writers' queue of the test database (asked through a
    descriptor of this test's own, as another process would)."""
    path = f"{connection.settings_dict['NAME']}-writers"
    if not os.path.exists(path):
        return False
    fd = os.open(path, os.O_RDWR)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError as error:
        assert error.errno in (errno.EWOULDBLOCK, errno.EAGAIN)
        return True
    else:
        fcntl.flock(fd, fcntl.LOCK_UN)
        return False
    finally:
        os.close(fd)


def _write(key: str) -> None:
    CacheEntry.objects.create(cache_key=key, value="1", expires=timezone.now())


def test_a_transaction_holds_the_queue_until_it_commits() -> None:
    assert not _queue_taken()
    with transaction.atomic():
        _write("queue-a")
        assert _queue_taken()
    assert not _queue_taken()
    assert CacheEntry.objects.filter(cache_key="queue-a").exists()


def test_a_rolled_back_transaction_lets_go_of_the_queue() -> None:
    with pytest.raises(RuntimeError), transaction.atomic():
        _write("queue-b")
        assert _queue_taken()
        raise RuntimeError("refused")
    assert not _queue_taken()
    assert not CacheEntry.objects.filter(cache_key="queue-b").exists()


def _in_thread(work: Callable[[], None], errors: list[BaseException]) -> threading.Thread:
    """``work`` in a thread of its own, on that thread's own connection (as another worker)."""

    def run() -> None:
        try:
            work()
        except BaseException as error:
            errors.append(error)
        finally:
            connections.close_all()

    thread = threading.Thread(target=run)
    thread.start()
    return thread


def test_a_second_writer_waits_for_the_first_and_then_writes() -> None:
    order: list[str] = []
    errors: list[BaseException] = []

    def second() -> None:
        with transaction.atomic():
            order.append("second writes")
            _write("queue-second")

    with transaction.atomic():
        _write("queue-first")
        worker = _in_thread(second, errors)
        worker.join(timeout=0.5)
        assert worker.is_alive()  # queued behind this transaction
        assert order == []
        order.append("first commits")
    worker.join(timeout=10)
    assert not worker.is_alive()
    assert errors == []
    assert order == ["first commits", "second writes"]
    assert CacheEntry.objects.filter(cache_key__startswith="queue-").count() == 2
    assert not _queue_taken()


def test_a_writer_that_waits_past_the_timeout_fails_and_writes_nothing() -> None:
    errors: list[BaseException] = []

    def late() -> None:
        mine = connections["default"]
        options = {**mine.settings_dict["OPTIONS"], "timeout": 0.2}
        mine.settings_dict = {**mine.settings_dict, "OPTIONS": options}
        with transaction.atomic():
            _write("queue-late")

    with transaction.atomic():
        _write("queue-early")
        worker = _in_thread(late, errors)
        worker.join(timeout=10)
        assert not worker.is_alive()
    assert len(errors) == 1
    assert isinstance(errors[0], OperationalError)
    assert "database is locked" in str(errors[0])
    assert list(CacheEntry.objects.values_list("cache_key", flat=True)) == ["queue-early"]
    assert not _queue_taken()

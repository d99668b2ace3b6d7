"""Django's SQLite backend, with writers that queue for the write lock instead of napping.

SQLite lets one transaction write at a time. A connection that finds the database busy sleeps and
tries again: 1, 2, 5, 10, 15, 20, 25 ms and so on (SQLite's busy handler), so the lock often
stands free while the next writer still sleeps, and a writer that keeps losing waits a second
or more. With several web workers, kiosk threads and task workers on one database file that was
most of a busy desk's waiting (30 desks on two cores: slowest scans of 1 to 2 s).

Here every transaction (Kaft's settings begin each with ``BEGIN IMMEDIATE``: it takes the write
lock at once) first takes an exclusive ``flock`` on a file beside the database
(``<database>-writers``), and lets go of it when the transaction commits or rolls back. Waiting
for it is cheap, and a writer takes the lock the moment the one before it is done. The wait is
bounded by the connection's ``timeout`` option, as SQLite's own; past it the transaction fails
with SQLite's own error ("database is locked"). The kernel releases the file lock of a process
that dies, so a crash never leaves it taken.

Statements outside a transaction (autocommit) and processes that are not Kaft still meet only
SQLite's own lock; they stay correct, they just wait the old way. In-memory databases have one
connection and no queue.
"""

from __future__ import annotations

import errno
import fcntl
import os
import sqlite3
import time
from typing import Any

from django.db.backends.sqlite3 import base

# Between two tries for a taken queue lock: short naps growing to 1 ms (a checkout's whole
# transaction takes 1 to 3 ms).
NAPS = (0.0001, 0.0002, 0.0005, 0.001)


class DatabaseWrapper(base.DatabaseWrapper):
    _queue_fd: int | None = None
    _queue_pid = 0
    _queued = False

    def _queue_path(self) -> str | None:
        name = str(self.settings_dict["NAME"])
        if self.is_in_memory_db() or name.startswith("file:"):
            return None
        return f"{name}-writers"

    def _queue_file(self) -> int | None:
        # A connection object carried into a forked child holds its parent's descriptor: the same
        # open file, whose lock the two would share. The child opens its own.
        if self._queue_fd is not None and self._queue_pid != os.getpid():
            self._queue_fd = None
        if self._queue_fd is None:
            path = self._queue_path()
            if path is None:
                return None
            self._queue_fd = os.open(path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o600)
            self._queue_pid = os.getpid()
        return self._queue_fd

    def _queue_take(self) -> None:
        fd = self._queue_file()
        if fd is None:
            return
        timeout = float(self.settings_dict.get("OPTIONS", {}).get("timeout", 5))
        deadline = time.monotonic() + timeout
        tries = 0
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except OSError as error:
                if error.errno not in (errno.EWOULDBLOCK, errno.EAGAIN, errno.EACCES):
                    raise
            else:
                self._queued = True
                return
            if time.monotonic() >= deadline:
                raise sqlite3.OperationalError("database is locked")
            time.sleep(NAPS[min(tries, len(NAPS) - 1)])
            tries += 1

    def _queue_leave(self) -> None:
        if self._queued and self._queue_fd is not None and self._queue_pid == os.getpid():
            fcntl.flock(self._queue_fd, fcntl.LOCK_UN)
        self._queued = False

    def _start_transaction_under_autocommit(self) -> None:
        with self.wrap_database_errors:
            self._queue_take()
        try:
            super()._start_transaction_under_autocommit()  # type: ignore[misc]  # private in the stubs
        except BaseException:
            self._queue_leave()
            raise

    def _commit(self) -> Any:
        try:
            return super()._commit()  # type: ignore[misc]  # private in the stubs
        finally:
            self._queue_leave()

    def _rollback(self) -> Any:
        try:
            return super()._rollback()  # type: ignore[misc]  # private in the stubs
        finally:
            self._queue_leave()

    def _close(self) -> Any:
        try:
            return super()._close()  # type: ignore[misc]  # private in the stubs
        finally:
            self._queue_leave()
            if self._queue_fd is not None and self._queue_pid == os.getpid():
                os.close(self._queue_fd)
            self._queue_fd = None

"""A value read from the database once and kept in the process for a while.

Some settings are read on every page or every message (the library's name, the message texts an
administrator wrote): a query each time would add a statement to every request and to every
chunk of a batch job. A :class:`Memo` keeps what its loader returned for ``seconds``; the process
that changes the setting forgets it at once, the other workers (web, kiosk server, Celery) read
it again within ``seconds``. Safe to share between threads.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import Generic, TypeVar

T = TypeVar("T")

EVERYWHERE_WITHIN = 60.0  # seconds before every worker sees a change


class Memo(Generic[T]):
    def __init__(self, load: Callable[[], T], seconds: float = EVERYWHERE_WITHIN) -> None:
        self._load = load
        self._seconds = seconds
        self._lock = threading.Lock()
        self._value: T | None = None
        self._until = 0.0

    def get(self) -> T:
        with self._lock:
            if time.monotonic() >= self._until:
                self._value = self._load()
                self._until = time.monotonic() + self._seconds
            return self._value  # type: ignore[return-value]

    def forget(self) -> None:
        """Read again next time (call after a change, in the process that made it)."""
        with self._lock:
            self._until = 0.0

    def preset(self, value: T) -> None:
        """Keep ``value`` as if it had been read just now (tests: an empty database)."""
        with self._lock:
            self._value = value
            self._until = time.monotonic() + self._seconds

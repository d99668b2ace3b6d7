"""Print-run PDFs: the desk's daily letters in one file (``letters/`` in ``storages["files"]``,
local disk or S3). Each holds the names and postal addresses of the members written to, so it
is kept only as long as staff need it to print (the ``print_runs`` rule, a week by default):
the daily job deletes the files older than that, through the storage API (so the same on disk
and in a bucket), and the proof counts the ones past it. A file's age is its modification time
in the store (when the run wrote it)."""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Iterator
from dataclasses import dataclass

from django.core.files.storage import storages

logger = logging.getLogger(__name__)

RULE = "print_runs"
LABEL = "letters/"  # the folder the print runs write to (kaft/notices/services/letters.py)
FOLDER = "letters"


@dataclass(frozen=True)
class PastFile:
    name: str
    due: dt.datetime


def print_files_past(*, now: dt.datetime, days: int | None) -> Iterator[PastFile]:
    """The print-run files older than ``days``; nothing when the rule keeps all."""
    if days is None:
        return
    store = storages["files"]
    try:
        _dirs, names = store.listdir(FOLDER)
    except (FileNotFoundError, NotADirectoryError):
        return
    period = dt.timedelta(days=days)
    for name in sorted(names):
        path = f"{FOLDER}/{name}"
        try:
            written = store.get_modified_time(path)
        except (FileNotFoundError, OSError):
            continue
        if written.tzinfo is None:
            written = written.replace(tzinfo=dt.UTC)
        if written < now - period:
            yield PastFile(path, written + period)


def print_files_prune(*, now: dt.datetime, days: int | None) -> int:
    """Delete the print-run files past their rule; returns how many."""
    deleted = 0
    store = storages["files"]
    for past in list(print_files_past(now=now, days=days)):
        try:
            store.delete(past.name)
        except OSError as exc:
            logger.warning("could not delete a print-run file: %s", type(exc).__name__)
            continue
        deleted += 1
    return deleted

"""Mail kept as files: in development Django's file e-mail backend writes every message Kaft
sends to ``EMAIL_FILE_PATH`` (``var/mail/``). Those files are copies of the outbox, so they keep
the outbox's rule (``messages``): the daily job deletes a file once it is older than that period,
and the proof counts the ones past it. A file's age is its modification time (when it was
written, that is, when the message was sent)."""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings

logger = logging.getLogger(__name__)

RULE = "messages"
LABEL = "EMAIL_FILE_PATH"  # how the job's counts and the proof name these files


@dataclass(frozen=True)
class PastFile:
    path: Path
    due: dt.datetime


def mail_file_dir() -> Path | None:
    """Where the file e-mail backend writes (None when no such directory is configured)."""
    configured = getattr(settings, "EMAIL_FILE_PATH", None)
    if not configured:
        return None
    path = Path(configured)
    return path if path.is_dir() else None


def mail_files_past(*, now: dt.datetime, days: int | None) -> Iterator[PastFile]:
    """The mail files older than ``days`` (sorted by name); nothing when the rule keeps all."""
    directory = mail_file_dir()
    if directory is None or days is None:
        return
    period = dt.timedelta(days=days)
    for path in sorted(directory.iterdir()):
        try:
            if not path.is_file():
                continue
            written = dt.datetime.fromtimestamp(path.stat().st_mtime, tz=dt.UTC)
        except OSError:  # gone meanwhile
            continue
        if written < now - period:
            yield PastFile(path, written + period)


def mail_files_prune(*, now: dt.datetime, days: int | None) -> int:
    """Delete the mail files past the messages rule; returns how many."""
    deleted = 0
    for past in mail_files_past(now=now, days=days):
        try:
            past.path.unlink()
        except FileNotFoundError:
            continue
        except OSError as exc:
            logger.warning("could not delete a mail file past its period: %s", type(exc).__name__)
            continue
        deleted += 1
    return deleted

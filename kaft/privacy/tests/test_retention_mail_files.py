"""Mail written to files in development (``EMAIL_FILE_PATH``, ``var/mail/``) keeps the outbox's
rule: the daily job deletes the files older than the messages period; the proof lists them."""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path
from typing import Any

import pytest
from django.utils import timezone

from kaft.privacy.services.retention import (
    retention_apply,
    retention_overdue,
    retention_setting_change,
)

pytestmark = pytest.mark.django_db


def _mail_file(directory: Path, name: str, age: dt.timedelta) -> Path:
    path = directory / name
    path.write_text("To: lid@example.org\nSubject: Uw reservering ligt klaar\n\nDe avonden\n")
    written = (timezone.now() - age).timestamp()
    os.utime(path, (written, written))
    return path


def test_the_job_prunes_mail_files_past_the_messages_period(settings: Any, tmp_path: Path) -> None:
    settings.EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
    settings.EMAIL_FILE_PATH = str(tmp_path)
    old = _mail_file(tmp_path, "20260801-old.log", dt.timedelta(days=91))
    recent = _mail_file(tmp_path, "20260910-recent.log", dt.timedelta(days=89))

    overdue = [row for row in retention_overdue() if row.table == "EMAIL_FILE_PATH"]
    assert [(row.pk, row.rule) for row in overdue] == [("20260801-old.log", "messages")]
    assert dt.timedelta(days=1) - dt.timedelta(minutes=5) < overdue[0].overdue
    assert overdue[0].overdue < dt.timedelta(days=1) + dt.timedelta(minutes=5)

    run = retention_apply()

    assert run.counts["messages"]["EMAIL_FILE_PATH"] == 1
    assert not old.exists()
    assert recent.exists()
    assert [row for row in retention_overdue() if row.table == "EMAIL_FILE_PATH"] == []


def test_the_library_period_counts_for_the_files_too(settings: Any, tmp_path: Path) -> None:
    settings.EMAIL_FILE_PATH = str(tmp_path)
    retention_setting_change(rule="messages", days=30, staff=None)
    past = _mail_file(tmp_path, "a.log", dt.timedelta(days=31))
    kept = _mail_file(tmp_path, "b.log", dt.timedelta(days=29))

    retention_apply()

    assert (past.exists(), kept.exists()) == (False, True)


def test_without_a_mail_directory_nothing_happens(settings: Any, tmp_path: Path) -> None:
    settings.EMAIL_FILE_PATH = str(tmp_path / "absent")

    run = retention_apply()

    assert run.counts["messages"]["EMAIL_FILE_PATH"] == 0

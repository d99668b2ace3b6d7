"""Print-run PDFs hold members' names and addresses: the retention job deletes them through the
storage API once they are older than the ``print_runs`` rule (7 days by default)."""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path
from typing import Any

import pytest
from django.utils import timezone

from kaft.privacy.services.retention import retention_apply, retention_overdue

pytestmark = pytest.mark.django_db


def _print_file(folder: Path, name: str, age: dt.timedelta) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_bytes(b"%PDF-1.3 Joost van den Berg, Lange Nieuwstraat 12")
    written = (timezone.now() - age).timestamp()
    os.utime(path, (written, written))
    return path


def test_the_job_deletes_print_files_past_their_period(settings: Any, tmp_path: Path) -> None:
    settings.STORAGES = {
        **settings.STORAGES,
        "files": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path)},
        },
    }
    old = _print_file(tmp_path / "letters", "2026-11-20-run-1.pdf", dt.timedelta(days=8))
    recent = _print_file(tmp_path / "letters", "2026-11-30-run-2.pdf", dt.timedelta(days=6))

    overdue = [row for row in retention_overdue() if row.rule == "print_runs"]
    assert [(row.table, row.pk) for row in overdue] == [
        ("letters/", "letters/2026-11-20-run-1.pdf")
    ]

    run = retention_apply()

    assert run.counts["print_runs"]["letters/"] == 1
    assert not old.exists()
    assert recent.exists()
    assert [row for row in retention_overdue() if row.rule == "print_runs"] == []

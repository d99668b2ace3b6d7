from collections.abc import Iterator
from pathlib import Path

import pytest
from django.conf import settings
from django.test import override_settings

from tests.smtp import smtp_server

__all__ = ["smtp_server"]


@pytest.fixture(autouse=True)
def files_in_tmp(tmp_path: Path) -> Iterator[Path]:
    """Letters and other files a test writes go to its own folder, never to var/files."""
    storages = {**settings.STORAGES}
    storages["files"] = {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": str(tmp_path / "files")},
    }
    with override_settings(STORAGES=storages):
        yield tmp_path / "files"

"""What the database settings make of the environment (read in a fresh interpreter each)."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

PG = "postgresql://kaft@db.example/kaft"


def _options(**env: str) -> dict[str, object]:
    code = "from kaft import settings; import json; print(json.dumps(settings.DATABASES['default'].get('OPTIONS', {}), default=str))"
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("DATABASE_URL", "KAFT_DB_"))}
    result = subprocess.run(
        [sys.executable, "-c", code],
        env={**clean, **env},
        capture_output=True,
        text=True,
        check=True,
    )
    return dict(json.loads(result.stdout))


@pytest.mark.parametrize(
    ("switch", "bound"), [(None, True), ("1", True), ("0", False)], ids=["default", "on", "off"]
)
def test_postgresql_prepares_repeated_statements_unless_switched_off(
    switch: str | None, bound: bool
) -> None:
    env = {"DATABASE_URL": PG}
    if switch is not None:
        env["KAFT_DB_SERVER_SIDE_BINDING"] = switch
    assert bool(_options(**env).get("server_side_binding")) is bound


def test_sqlite_has_no_such_option() -> None:
    assert "server_side_binding" not in _options(DATABASE_URL="sqlite:////tmp/kaft-x.sqlite3")

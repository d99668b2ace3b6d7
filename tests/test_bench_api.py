"""bench/api.py: the API search figure runs on a tiny dataset, leaves no client behind, and is
in the report (no timing checked)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from oauth2_provider.models import AccessToken, Application

from bench import dataset, report
from bench.api import measure_api_search

pytestmark = pytest.mark.django_db


def test_the_api_search_figure_runs_rolls_back_and_is_reported(tmp_path: Path) -> None:
    dataset.ensure(dataset.SCALES["tiny"])
    figure = measure_api_search(rounds=1, queries=("de", "geheim"))
    results: dict[str, Any] = {
        "scale": "tiny", "vendor": "sqlite", "vendor_version": "3", "date": "2026-12-07",
        "machine": report.machine(), "built_now": False, "build_seconds": 1,
        "dataset": {"items": 800, "records": 200, "members": 100, "loans": 830},
        "figures": {"api_search": figure},
    }  # fmt: skip
    results["checks"] = report.checks(results["figures"])
    text = report.write(results, folder=tmp_path)
    assert (figure["queries"], figure["api"]["n"], figure["in_process"]["n"]) == (2, 2, 2)
    assert figure["ratio_p95"] > 0
    assert (Application.objects.count(), AccessToken.objects.count()) == (0, 0)
    assert "API / in-process (p95)" in text

"""The benchmark's dataset builder and measuring functions work (on a tiny dataset; no timing)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from bench import dataset, measure, report
from bench.marcfile import marc_file
from kaft.catalog.models import Branch, Item, ItemStatus, Record
from kaft.circulation.models import Loan, LoanEvent, LoanStatus
from kaft.members.models import Member, User

pytestmark = pytest.mark.django_db
TINY = dataset.SCALES["tiny"]


@pytest.fixture
def tiny() -> dict[str, str]:
    marker, built = dataset.ensure(TINY)
    assert built is True
    return marker


def test_the_tiny_dataset_has_the_planned_rows(tiny: dict[str, str]) -> None:
    assert tiny["scale"] == "tiny"
    assert Record.objects.count() == 200
    assert Item.objects.count() == 800
    assert Member.objects.count() == 100
    assert Loan.objects.filter(status=LoanStatus.RETURNED).count() == 800
    heavy = Loan.objects.filter(member_id=dataset.HEAVY_MEMBER_ID, status=LoanStatus.OPEN)
    assert heavy.count() == 30
    assert Item.objects.filter(status=ItemStatus.ON_LOAN).count() == 30
    assert LoanEvent.objects.count() == 2 * 800 + 30
    # the same scale and generator version is reused, not built again
    assert dataset.ensure(TINY) == (tiny, False)


def test_the_measurements_run_and_leave_the_items_on_the_shelf(tiny: dict[str, str]) -> None:
    staff = User.objects.get(username=dataset.STAFF_USERNAME)
    members = list(Member.objects.filter(pk__gte=3).select_related("category").order_by("pk")[:3])
    on_loan_before = Item.objects.filter(status=ItemStatus.ON_LOAN).count()

    circulation = measure.measure_circulation(members=members, staff=staff, iterations=3)
    loan_count = measure.measure_loan_count_effect(
        idle=Member.objects.get(pk=dataset.IDLE_MEMBER_ID),
        heavy=Member.objects.get(pk=dataset.HEAVY_MEMBER_ID),
        staff=staff,
        iterations=2,
        skip=6,
    )
    search = measure.measure_search(rounds=1, queries=("de", "geheim", "xylofoonzolder"))

    assert circulation["checkout"]["n"] == 3
    assert circulation["bare_checkin"]["n"] == 3
    assert circulation["checkout_ratio_p95"] > 0
    assert loan_count["heavy_open_loans"] == 30
    assert loan_count["idle_checkout"]["n"] == 2
    assert search["n"] == 3
    assert search["hits"]["xylofoonzolder"] == 0
    assert search["hits"]["geheim"] > 0
    assert Item.objects.filter(status=ItemStatus.ON_LOAN).count() == on_loan_before
    assert Loan.objects.filter(status=LoanStatus.OPEN).count() == 30
    returned = Loan.objects.filter(status=LoanStatus.RETURNED).count()
    assert returned == 800 + 2 * 3 + 2 * 2


def test_the_import_figure_and_the_report(tmp_path: Path) -> None:
    path = marc_file(tmp_path, 40, "smoke")
    branch = Branch.objects.create(code="smoke", name="Smoke", isil="NL-Smoke")

    figure = measure.measure_import(path=path, branch=branch, items_per_record=1)

    assert (figure["records"], figure["errors"], figure["items_created"]) == (40, 0, 40)
    assert Record.objects.filter(control_number__startswith="bench-smoke-").count() == 40
    results: dict[str, Any] = {
        "scale": "tiny", "vendor": "sqlite", "vendor_version": "3", "date": "2026-01-05",
        "machine": report.machine(), "built_now": True, "build_seconds": 1,
        "dataset": {"items": 800, "records": 200, "members": 100, "loans": 830},
        "figures": {"import": figure},
    }  # fmt: skip
    results["checks"] = report.checks(results["figures"])
    text = report.write(results, folder=tmp_path)
    assert "MARC import" in text
    assert (tmp_path / "results.json").exists()
    assert [c["pass"] for c in results["checks"]][:5] == [None] * 5


def test_the_search_figures_cold_and_warm_and_their_report(
    tiny: dict[str, str], tmp_path: Path
) -> None:
    search = measure.measure_search(rounds=1, queries=("de", "geheim"))
    cold = measure.measure_search(rounds=1, queries=("de", "geheim"), cold=True)
    exact = measure.measure_exact_facets(rounds=1, queries=("de",))
    results: dict[str, Any] = {
        "scale": "tiny", "vendor": "sqlite", "vendor_version": "3", "date": "2026-01-05",
        "machine": report.machine(), "built_now": False, "build_seconds": 1,
        "dataset": {"items": 800, "records": 200, "members": 100, "loans": 830},
        "figures": {"search": search, "search_cold": cold, "search_exact_facets": exact},
    }  # fmt: skip
    results["checks"] = report.checks(results["figures"])

    text = report.write(results, folder=tmp_path)

    assert (cold["cold"], search["cold"], exact["limit"]) == (True, False, 100_000)
    assert exact["cold"]["hits"]["de"] == exact["warm"]["hits"]["de"] == search["hits"]["de"]
    assert "search top-20, cache emptied before each, ms (x 1)" in text
    assert "search, facets exact to 100,000, cold (1 q x 1)" in text
    assert "search, facets exact to 100,000, warm (1 q x 1)" in text


def test_the_reminders_figures_leave_the_dataset_as_it_was(
    tiny: dict[str, str], tmp_path: Path
) -> None:
    from bench.reminders import measure_reminders
    from kaft.notices.models import LoanReminder, Notice

    open_before = Loan.objects.filter(status=LoanStatus.OPEN).count()

    figure = measure_reminders(TINY)

    daily, catch_up = figure["daily"], figure["catch_up"]
    assert (daily["overdue_loans"], catch_up["overdue_loans"]) == (80, 80)
    # the heavy member's 30 loans are long overdue and never reminded: caught up in both
    assert catch_up["first"]["loans"] == 80 + 30
    assert catch_up["first"]["messages"] == 40 + 1
    assert 30 < daily["first"]["loans"] < 80 + 30
    for part in (daily, catch_up):
        assert (part["rerun"]["loans"], part["rerun"]["notices_added"]) == (0, 0)
        assert part["rerun"]["records_added"] == 0
        assert part["rerun"]["statements_per_chunk"] == 2.0
    assert Loan.objects.filter(status=LoanStatus.OPEN).count() == open_before
    assert not Notice.objects.exists() and not LoanReminder.objects.exists()

    results: dict[str, Any] = {
        "scale": "tiny", "vendor": "sqlite", "vendor_version": "3", "date": "2026-01-05",
        "machine": report.machine(), "built_now": False, "build_seconds": 1,
        "dataset": {"items": 800, "records": 200, "members": 100, "loans": 830},
        "figures": {"reminders": figure},
    }  # fmt: skip
    results["checks"] = report.checks(results["figures"])
    text = report.write(results, folder=tmp_path)
    assert "reminders daily, s (80 overdue" in text
    assert "reminders first ever (catch-up), s (80 overdue, 41 messages)" in text
    checks = {c["key"]: c for c in results["checks"]}
    assert checks["reminders_rerun_changes"]["pass"] is True


def test_the_print_run_bench_builds_and_rolls_back(tiny: dict[str, str], tmp_path: Path) -> None:
    from django.conf import settings
    from django.test import override_settings

    from bench.letters import measure_print_run
    from kaft.notices.models import Notice, PrintRun

    files = {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": str(tmp_path)},
    }
    with override_settings(STORAGES={**settings.STORAGES, "files": files}):
        figure = measure_print_run(20)

    assert figure["letters"] == 20
    assert figure["pdf_bytes"] > 0
    assert not Notice.objects.exists() and not PrintRun.objects.exists()
    assert not any(tmp_path.rglob("*.pdf"))


def test_the_direct_debit_figure_runs_and_leaves_nothing(
    tiny: dict[str, str], tmp_path: Path
) -> None:
    from bench.sepa import measure_sepa
    from kaft.billing.models import Mandate, Payment, SepaRun

    figure = measure_sepa(150)  # more than the tiny dataset's 100 members: 50 are added

    assert (figure["mandates"], figure["announced"], figure["collected"]) == (150, 150, 150)
    assert figure["run_seconds"] > 0
    assert not Mandate.objects.exists() and not SepaRun.objects.exists()
    assert not Payment.objects.exists()
    assert Member.objects.count() == 100
    results: dict[str, Any] = {
        "scale": "tiny", "vendor": "sqlite", "vendor_version": "3", "date": "2026-01-05",
        "machine": report.machine(), "built_now": False, "build_seconds": 1,
        "dataset": {"items": 800, "records": 200, "members": 100, "loans": 830},
        "figures": {"sepa": figure},
    }  # fmt: skip
    results["checks"] = report.checks(results["figures"])
    text = report.write(results, folder=tmp_path)
    assert "sepa-run, s (150 debits" in text
    assert [c for c in results["checks"] if c["key"] == "sepa_run_s_per_100k"][0][
        "pass"
    ] is not None


def test_the_stocktake_figure_counts_its_scans_and_leaves_nothing(tiny: dict[str, str]) -> None:
    from bench.stocktake import UNKNOWN, measure_stocktake
    from kaft.catalog.models import Stocktake, StocktakeScan

    figure = measure_stocktake()
    on_shelf = Item.objects.filter(status=ItemStatus.AVAILABLE)
    busiest = max(
        Branch.objects.all(), key=lambda branch: Item.objects.filter(current_branch=branch).count()
    )
    expected = min(on_shelf.filter(current_branch=busiest).count(), 10_000 - UNKNOWN)
    assert figure["scans"] == expected + UNKNOWN
    assert figure["unknown"] == UNKNOWN
    assert figure["first_seconds"] >= 0 and figure["seconds"] >= 0
    assert not Stocktake.objects.exists() and not StocktakeScan.objects.exists()
    lines = report.table(
        {
            "figures": {"stocktake": figure},
            "checks": report.checks({"stocktake": figure}),
            "dataset": {"items": 0, "records": 0, "members": 0, "loans": 0},
            "scale": "tiny",
            "vendor": "sqlite",
            "vendor_version": "3",
            "machine": {"cores": 2},
            "date": "2026-12-07",
            "built_now": False,
            "build_seconds": 0,
        }
    )
    assert "stocktake result, s" in lines

"""The SIP2 benchmark's kiosks, messages and report work (tiny dataset, a server in a thread
instead of a process; no timing): every message is answered yes, and the copies end on the shelf."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from bench import dataset, report
from bench.sip2 import OPERATIONS, in_process, over_the_wire, prepare
from kaft.catalog.models import Item, ItemStatus
from kaft.circulation.models import Loan, LoanEvent, LoanStatus
from kaft.sip2.server import Sip2Server, running

pytestmark = pytest.mark.django_db(transaction=True)


def test_the_sip2_bench_kiosks_lend_and_return_and_leave_the_shelf_as_it_was(
    tmp_path: Path,
) -> None:
    dataset.ensure(dataset.SCALES["tiny"])
    on_loan_before = Item.objects.filter(status=ItemStatus.ON_LOAN).count()
    kiosks = prepare(3)

    local = in_process(kiosks, 1)
    with running(Sip2Server(workers=2)) as address:
        paced, refused_paced, _ = over_the_wire(address, kiosks, 2, pace=0.05)
        flat, refused_flat, _ = over_the_wire(address, kiosks, 1)

    assert [len(local[name]) for name in OPERATIONS] == [3, 3, 3]
    assert [len(paced[name]) for name in OPERATIONS] == [6, 6, 6]
    assert [len(flat[name]) for name in OPERATIONS] == [3, 3, 3]
    assert refused_paced == refused_flat == 0
    assert Item.objects.filter(status=ItemStatus.ON_LOAN).count() == on_loan_before
    assert LoanEvent.objects.filter(via="kiosk").count() == 2 * 3 * (1 + 2 + 1)
    barcodes = [k.barcode for k in kiosks]
    assert not Loan.objects.filter(item__barcode__in=barcodes, status=LoanStatus.OPEN).exists()

    stats = {"n": 3, "p50": 1.0, "p95": 2.0, "worst": 3.0, "p99": 3.0}
    figure: dict[str, Any] = {
        "connections": 3, "rounds": 1, "pace_s": 2.0, "server_workers": 2, "server_processes": 1,
        "refused": 0,
        "round_trips_per_s": 10.0,
        "all": {"paced": stats, "back_to_back": stats, "in_process": stats, "ratio_p99": 1.0},
        **{
            name: {"paced": stats, "back_to_back": stats, "in_process": stats, "ratio_p99": 1.0}
            for name in OPERATIONS
        },
    }  # fmt: skip
    results: dict[str, Any] = {
        "scale": "tiny", "vendor": "sqlite", "vendor_version": "3", "date": "2026-01-05",
        "machine": report.machine(), "built_now": True, "build_seconds": 1,
        "dataset": {"items": 800, "records": 200, "members": 100, "loans": 830},
        "figures": {"sip2": figure},
    }  # fmt: skip
    results["checks"] = report.checks(results["figures"])
    text = report.write(results, folder=tmp_path)
    assert "SIP2 round trip, 3 kiosks paced 2 s" in text
    assert {c["key"]: c["pass"] for c in results["checks"]}["sip2_p99_ms"] is True

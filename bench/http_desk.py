"""The desk's checkout scan over HTTP, through gunicorn, against the in-process checkout.

What a desk does all day: scan a member's card, then scan the member's items one after another,
each scan a POST to ``/desk/scan/`` answered with the JSON the scan script uses. Measured:

- one desk scanning back to back: the latency of each item scan (p50/p95), and its ratio to the
  in-process ``loan_checkout`` timed between those scans (:class:`Alongside`; the HTTP scan also
  authenticates, reads the session, writes the access log and draws the new loan's row), and
  to the in-process figure measured alone before the server started;
- ``DESKS`` desks at once (one connection each, every desk its own member and its own copies):
  p50/p95/p99 of the item scans and the scans per second the server kept up.

Before the timing, :data:`WARM_DESKS` desks scan a few copies each at once (not timed), so that
every worker has loaded what a server that has run for a while has loaded.

The server is gunicorn with Kaft's WSGI application on the benchmark's database, bound to a
socket this process opened on 127.0.0.1 port 0 (handed over as ``fd://``), in the worker
configurations of :func:`configs`. The desk sessions are made directly in the session store (a
logged-in member of desk staff; a second factor is marked passed when the role needs one), and
the CSRF secret is chosen here and sent as cookie and header, as the scan script does. The
clients are plain ``http.client`` connections in threads. Every copy lent is taken back in
afterwards through the services, so the dataset stays as it was.
"""

from __future__ import annotations

import json
import os
import statistics
import sys
import threading
import time
from collections.abc import Sequence
from typing import Any

from bench.desk_client import Desk, Server, desk_run, desks_prepare

DESKS = 30


def configs(vendor: str, cores: int) -> dict[str, list[str]]:
    """(name, gunicorn arguments): the set-up docs/operations.md recommends for this database
    first (its figures are the ones held to the targets), then gunicorn's usual rule of
    (2 x cores) + 1 sync workers for comparison.

    SQLite: one sync worker per core. SQLite lets one transaction write at a time (Kaft's
    transactions queue for it, kaft/core/db_sqlite): workers beyond the cores only wait.
    PostgreSQL: two per core (each worker also waits on the database's answers)."""
    workers = cores if vendor == "sqlite" else 2 * cores
    usual = 2 * cores + 1
    chosen = {f"sync-{workers}": ["--worker-class", "sync", "--workers", str(workers)]}
    if usual != workers:
        chosen[f"sync-{usual}"] = ["--worker-class", "sync", "--workers", str(usual)]
    return chosen


MEMBER_SCANS = 20
# Before anything is timed, this many desks scan WARM_SCANS copies each at once, so that every
# worker has imported its modules, compiled its templates and opened its database connection,
# as a server that has run for a while has: the figures are a working day's, not a cold start's.
WARM_DESKS = 10
WARM_SCANS = 5


def _in_process(items: int, *, skip: int) -> dict[str, Any]:
    """``loan_checkout`` through the service, in this process, for one member: the reference."""
    from bench import dataset
    from bench.measure import _timed, available_items, summary
    from kaft.circulation.services import loan_checkin, loan_checkout
    from kaft.members.models import Member, User

    staff = User.objects.get(username=dataset.STAFF_USERNAME)
    member = Member.objects.select_related("category").get(pk=dataset.IDLE_MEMBER_ID)
    times, cpu = [], []
    for item in available_items(items, skip=skip):
        began = time.process_time()
        took, _loan = _timed(
            loan_checkout, item=item, member=member, staff=staff, branch=item.home_branch
        )
        cpu.append((time.process_time() - began) * 1000)
        times.append(took)
        loan_checkin(item=item, branch=item.home_branch, staff=staff)
    return {**summary(times), "cpu_ms_p50": round(statistics.median(cpu), 3)}


class Alongside:
    """``loan_checkout`` in this process between the one desk's HTTP scans (each lend checked in
    again at once): the in-process reference at the same moments, on the same machine, as the
    scans it is compared with. A shared machine's speed drifts by tens of percents within
    minutes; a reference measured before the server started would compare two moments."""

    def __init__(self, *, skip: int) -> None:
        from bench import dataset
        from kaft.members.models import Member, User

        self.skip = skip
        self.staff = User.objects.get(username=dataset.STAFF_USERNAME)
        self.member = Member.objects.select_related("category").get(pk=dataset.IDLE_MEMBER_ID)
        self.times: list[float] = []
        self.items: list[Any] = []

    def __call__(self) -> None:
        from bench.measure import _timed, available_items
        from kaft.circulation.services import loan_checkin, loan_checkout

        if not self.items:
            self.items = available_items(20, skip=self.skip)
        item = self.items.pop()
        took, _loan = _timed(
            loan_checkout, item=item, member=self.member, staff=self.staff, branch=item.home_branch
        )
        self.times.append(took)
        loan_checkin(item=item, branch=item.home_branch, staff=self.staff)


def _take_back(desks: Sequence[Desk]) -> int:
    """Check in every copy the desks lent (the dataset stays as it was)."""
    from bench import dataset
    from kaft.catalog.models import Item
    from kaft.circulation.services import loan_checkin
    from kaft.members.models import User

    staff = User.objects.get(username=dataset.STAFF_USERNAME)
    barcodes = [barcode for desk in desks for barcode in desk.barcodes]
    lent = Item.objects.filter(barcode__in=barcodes, status="on_loan").select_related("home_branch")
    count = 0
    for item in lent:
        loan_checkin(item=item, branch=item.home_branch, staff=staff)
        count += 1
    return count


def _run_config(arguments: Sequence[str], one_scans: int, many_scans: int) -> dict[str, Any]:
    from django.db import connection

    from bench.measure import percentile, summary

    # One desk serves members one after another, each lending at most MEMBER_SCANS copies (the
    # default loan limit is 20); the many desks each serve one member.
    alone = [min(one_scans, MEMBER_SCANS)] * max(1, one_scans // MEMBER_SCANS)
    desks = desks_prepare([*alone, *[many_scans] * DESKS, *[WARM_SCANS] * WARM_DESKS])
    one, many = desks[: len(alone)], desks[len(alone) : len(alone) + DESKS]
    warm = desks[len(alone) + DESKS :]
    connection.close()  # the server's workers write; this process holds no lock meanwhile
    server = Server(arguments)
    started = server.ready_at
    try:
        warming = [threading.Thread(target=desk_run, args=(server.port, desk)) for desk in warm]
        for thread in warming:
            thread.start()
        for thread in warming:
            thread.join()
        cpu_before = server.cpu()
        alongside = Alongside(skip=sum(len(desk.barcodes) for desk in desks) + 100)
        for desk in one:
            desk_run(server.port, desk, between=alongside)
        start = threading.Barrier(DESKS + 1)
        threads = [
            threading.Thread(target=desk_run, args=(server.port, desk, start)) for desk in many
        ]
        for thread in threads:
            thread.start()
        start.wait()
        began, client_began = time.perf_counter(), time.process_time()
        for thread in threads:
            thread.join()
        wall = time.perf_counter() - began
        client_cpu = time.process_time() - client_began
        server_cpu = server.cpu() - cpu_before
    finally:
        server.stop()
    _take_back([*one, *many, *warm])
    latencies = [ms for desk in many for ms in desk.latencies]
    one_latencies = [ms for desk in one for ms in desk.latencies]
    failures = [text for desk in [*one, *many, *warm] for text in desk.failures]
    result: dict[str, Any] = {
        "one_desk": summary(one_latencies) if one_latencies else {},
        "in_process_alongside": summary(alongside.times) if alongside.times else {},
        "desks": DESKS,
        "many_desks": summary(latencies) if latencies else {},
        "scans_per_second": round(len(latencies) / wall, 1) if wall else 0.0,
        "failures": len(failures),
    }
    if latencies:
        result["many_desks"]["p99"] = round(percentile(latencies, 0.99), 3)
    if failures:
        result["first_failure"] = failures[0][:300]
    requests = sum(len(desk.latencies) + 1 for desk in [*one, *many])  # the card scans too
    # CPU of gunicorn and its workers per request, from the end of the warm-up to done: less
    # disturbed than latencies by other work on the machine.
    result["server_cpu_ms_per_scan"] = round(server_cpu * 1000 / requests, 2) if requests else 0.0
    # What the 30 desks' own HTTP clients took of the same two cores, per scan.
    result["client_cpu_ms_per_scan"] = (
        round(client_cpu * 1000 / len(latencies), 2) if latencies else 0.0
    )
    result["server_seconds"] = round(time.monotonic() - started, 1)
    return result


def measure_http_desk(*, quick: bool) -> dict[str, Any]:
    """The HTTP figure: one desk and :data:`DESKS` desks, per gunicorn configuration.

    Quick mode (CI): one configuration, a few scans per desk.
    """
    one_scans, many_scans = (10, 3) if quick else (100, 20)
    reference = _in_process(10 if quick else 100, skip=0)
    from django.db import connection

    chosen = configs(connection.vendor, os.cpu_count() or 2)
    if quick:
        chosen = dict(list(chosen.items())[:1])
    result: dict[str, Any] = {"in_process_checkout": reference, "configs": {}}
    for name, arguments in chosen.items():
        figures = _run_config(arguments, one_scans, many_scans)
        if figures["one_desk"]:
            alongside = figures["in_process_alongside"]
            for rank in ("p50", "p95"):
                # against the checkouts timed between the scans (the target's figure), and
                # against the reference measured alone before the server started
                figures[f"one_desk_ratio_{rank}"] = round(
                    figures["one_desk"][rank] / alongside[rank], 2
                )
                figures[f"one_desk_ratio_alone_{rank}"] = round(
                    figures["one_desk"][rank] / reference[rank], 2
                )
            figures["cpu_ratio"] = round(
                figures["server_cpu_ms_per_scan"] / reference["cpu_ms_p50"], 2
            )
        result["configs"][name] = figures
    return result


def target_figures(figures: dict[str, Any]) -> dict[str, float | None]:
    """The figures held to the targets: those of the recommended set-up (the first measured)."""
    http = figures.get("http_desk")
    first = next(iter(http["configs"].values()), None) if http else None
    if not first:
        return {"desk_one_ratio_p50": None, "desk_many_p95_ms": None}
    many = first["many_desks"]
    return {
        "desk_one_ratio_p50": first.get("one_desk_ratio_p50"),
        "desk_many_p95_ms": many["p95"] if many else None,
    }


def report_rows(figures: dict[str, Any]) -> list[tuple[str, str, str | None]]:
    """Rows for bench/report.py's table: (label, the p50/p95/worst or value column, the key of
    the target the row is held to, for the first set-up only)."""
    http = figures.get("http_desk")
    if not http:
        return []

    def ms(stats: dict[str, float]) -> str:
        return f"{stats['p50']:>8.1f} {stats['p95']:>8.1f} {stats['worst']:>8.1f}"

    rows: list[tuple[str, str, str | None]] = [
        ("in-process loan_checkout, ms", ms(http["in_process_checkout"]), None)
    ]
    for index, (name, one) in enumerate(http["configs"].items()):
        held = index == 0
        if one["one_desk"]:
            rows.append((f"HTTP scan, 1 desk, gunicorn {name}, ms", ms(one["one_desk"]), None))
            rows.append(
                (
                    "  1 desk / in-process between its scans (p50)",
                    f"{one['one_desk_ratio_p50']:>17.2f}x",
                    "desk_one_ratio_p50" if held else None,
                )
            )
            rows.append(
                ("  in-process between the scans, ms", ms(one["in_process_alongside"]), None)
            )
            rows.append(
                (
                    "  1 desk / in-process measured alone before (p50)",
                    f"{one['one_desk_ratio_alone_p50']:>17.2f}x",
                    None,
                )
            )
        if one["many_desks"]:
            many = one["many_desks"]
            rows.append(
                (
                    f"HTTP scan, {one['desks']} desks, gunicorn {name}, ms",
                    ms(many),
                    "desk_many_p95_ms" if held else None,
                )
            )
            rows.append(
                (
                    f"  {one['desks']} desks: p99 ms, scans/s",
                    f"{many['p99']:>8.1f} {one['scans_per_second']:>8.1f}",
                    None,
                )
            )
        rows.append(
            (
                "  server CPU ms per scan / in-process CPU",
                f"{one['server_cpu_ms_per_scan']:>8.1f} {one['cpu_ratio']:>8.2f}x",
                None,
            )
        )
        if "client_cpu_ms_per_scan" in one:
            rows.append(
                (
                    f"  the {one['desks']} desks' clients, CPU ms per scan",
                    f"{one['client_cpu_ms_per_scan']:>8.1f}",
                    None,
                )
            )
    return rows


if __name__ == "__main__":  # python -m bench.http_desk [--quick]: this figure alone
    from bench import db
    from bench.run import _django, _migrate

    url = db.database_url(None if "--db-url" not in sys.argv else sys.argv[-1], "kaft_bench_small")
    _django(url)
    _migrate()
    print(json.dumps(measure_http_desk(quick="--quick" in sys.argv), indent=2))

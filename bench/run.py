"""Kaft benchmarks: ``python -m bench.run [--scale small|100k|1m] [--quick] [--db-url URL]``.

Builds (or reuses) a deterministic dataset in the benchmark's own database, measures, and writes
bench/results.json and bench/results.txt. See bench/README.md. Always exits 0 when the
measurements ran: a benchmark reports, it does not judge the build.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from bench import db

ITERATIONS = {"full": (200, 100, 5), "quick": (30, 20, 2)}  # circulation, loan count, search rounds


def _arguments(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench.run", description=__doc__)
    parser.add_argument("--scale", choices=("small", "100k", "1m"), default="small")
    parser.add_argument("--quick", action="store_true", help="small scale, few iterations (CI)")
    parser.add_argument("--db-url", help="postgresql://user@host:port/db (default: SQLite file)")
    parser.add_argument("--import-worker", type=Path, help=argparse.SUPPRESS)
    return parser.parse_args(argv)


def _django(url: str) -> None:
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kaft.settings")
    os.environ.setdefault("KAFT_LOG_LEVEL", "WARNING")
    import django

    django.setup()


def _migrate() -> None:
    from django.core.management import call_command

    call_command("migrate", verbosity=0, interactive=False)


def _say(text: str) -> None:
    print(text, file=sys.stderr, flush=True)


def import_worker(path: Path, db_url: str | None) -> None:
    """Child process: the import figure in an empty scratch database; prints one JSON line."""
    url = db.database_url(db_url, "kaft_bench_scratch")
    db.database_create(url, fresh=True)
    _django(url)
    _migrate()
    from bench.measure import measure_import
    from kaft.catalog.models import Branch

    branch = Branch.objects.create(code="scratch", name="Scratch", isil="NL-Scratch")
    print(json.dumps(measure_import(path=path, branch=branch, items_per_record=1)))


def _import_figure(scale_name: str, count: int, db_url: str | None) -> dict[str, Any]:
    from bench.marcfile import marc_file

    path = marc_file(db.VAR_BENCH, count, scale_name)
    command = [sys.executable, "-m", "bench.run", "--import-worker", str(path)]
    if db_url:
        command += ["--db-url", db_url]
    done = subprocess.run(command, capture_output=True, text=True, cwd=db.ROOT, check=False)
    if done.returncode != 0:
        _say(done.stdout + done.stderr)
        raise RuntimeError("the import measurement failed")
    result: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def _dataset(scale_name: str, url: str) -> tuple[dict[str, str], bool]:
    from django.db import connection

    from bench import dataset

    scale = dataset.SCALES[scale_name]
    try:
        return dataset.ensure(scale)
    except dataset.NeedsReset:
        _say(f"database holds another dataset: starting {url.rsplit('/', 1)[-1]} afresh")
        connection.close()
        db.database_create(url, fresh=True)
        _migrate()
        return dataset.ensure(scale)


def measure_all(scale_name: str, quick: bool) -> dict[str, Any]:
    from bench import dataset, measure
    from kaft.members.models import Member, User

    circulation_n, heavy_n, rounds = ITERATIONS["quick" if quick else "full"]
    staff = User.objects.get(username=dataset.STAFF_USERNAME)
    members = list(
        Member.objects.filter(pk__gte=dataset.FIRST_REGULAR_MEMBER_ID, category__code="volwassen")
        .select_related("category")
        .order_by("pk")[:circulation_n]
    )
    figures: dict[str, Any] = {}
    _say(f"measuring checkout/checkin x {circulation_n}")
    figures["circulation"] = measure.measure_circulation(
        members=members, staff=staff, iterations=circulation_n
    )
    _say(f"measuring 0 vs many loans x {heavy_n}")
    figures["loan_count"] = measure.measure_loan_count_effect(
        idle=Member.objects.get(pk=dataset.IDLE_MEMBER_ID),
        heavy=Member.objects.get(pk=dataset.HEAVY_MEMBER_ID),
        staff=staff,
        iterations=heavy_n,
        skip=2 * circulation_n,
    )
    from bench.http_desk import measure_http_desk

    _say("measuring the desk's checkout scan over HTTP through gunicorn (1 desk, 30 desks)")
    figures["http_desk"] = measure_http_desk(quick=quick)
    _say(f"measuring search, {len(measure.SEARCH_QUERIES)} queries x {rounds}")
    figures["search"] = measure.measure_search(rounds=rounds)
    figures["search_cold"] = measure.measure_search(rounds=max(1, rounds // 2), cold=True)
    from bench.api import measure_api_search

    _say("measuring the API's catalogue search against the in-process search")
    figures["api_search"] = measure_api_search(rounds=rounds)
    _say("measuring search with exact facets, cold and warm")
    figures["search_exact_facets"] = measure.measure_exact_facets(rounds=max(1, rounds // 2))
    from bench.retention import measure_retention

    _say("measuring the nightly retention job over the dataset (rolled back afterwards)")
    figures["retention"] = measure_retention()
    from bench.stocktake import measure_stocktake

    _say("measuring the result of a stocktake of 10,000 scans (rolled back afterwards)")
    figures["stocktake"] = measure_stocktake()
    from bench.newsletter import measure_newsletter

    _say("measuring a newsletter issue to every member: queued, a sample sent by 2 workers")
    figures["newsletter"] = measure_newsletter()
    from bench.reminders import measure_reminders

    _say("measuring the reminders job over a tenth of the copies overdue (rolled back afterwards)")
    figures["reminders"] = measure_reminders(dataset.SCALES[scale_name])
    from bench.letters import LETTERS, measure_print_run

    _say(f"measuring the desk's print run of {LETTERS:,} letters (rolled back afterwards)")
    figures["print_run"] = measure_print_run(LETTERS)
    from bench.sepa import measure_sepa

    count = Member.objects.count()
    _say(f"measuring a direct-debit run of {count:,} mandates (rolled back afterwards)")
    figures["sepa"] = measure_sepa(count)
    from bench.sip2 import measure_sip2

    _say("measuring SIP2 round trips: 50 kiosks at once against a sip2-server process")
    figures["sip2"] = measure_sip2(connections=50, rounds=2 if quick else 10)
    return figures


def main(argv: list[str] | None = None) -> int:
    args = _arguments(argv)
    if args.import_worker:
        import_worker(args.import_worker, args.db_url)
        return 0
    scale_name = "small" if args.quick else args.scale
    url = db.database_url(args.db_url, f"kaft_bench_{scale_name}")
    db.database_create(url, fresh=False)
    _django(url)
    _migrate()
    from django.db import connection

    from bench import dataset, report

    started = time.monotonic()
    _say(f"dataset {scale_name} in {connection.vendor} database {connection.settings_dict['NAME']}")
    marker, built_now = _dataset(scale_name, url)
    _say(f"dataset ready after {time.monotonic() - started:.0f} s")
    figures = measure_all(scale_name, args.quick)
    scale = dataset.SCALES[scale_name]
    import_count = 1_000 if args.quick else scale.import_records
    _say(f"measuring MARC import of {import_count:,} records (scratch database)")
    figures["import"] = _import_figure(scale_name, import_count, args.db_url)
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT sqlite_version()" if connection.vendor == "sqlite" else "SHOW server_version"
        )
        vendor_version = cursor.fetchone()[0]
    results: dict[str, Any] = {
        "date": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "scale": scale_name,
        "quick": args.quick,
        "vendor": connection.vendor,
        "vendor_version": vendor_version,
        "machine": report.machine(),
        "dataset": {
            "records": scale.records,
            "items": scale.items,
            "members": scale.members,
            "loans": scale.loans + scale.heavy_loans,
            "generator_version": marker.get("generator_version"),
        },
        "built_now": built_now,
        "build_seconds": int(marker.get("build_seconds", "0")),
        "figures": figures,
    }
    results["checks"] = report.checks(figures)
    print(report.write(results))
    return 0


if __name__ == "__main__":
    sys.exit(main())

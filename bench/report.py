"""Targets, the PASS/FAIL verdicts, and results.json / results.txt."""

from __future__ import annotations

import json
import os
import platform
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent

# (key, description, limit, "max" = value must be at most the limit, "min" = at least)
TARGETS: tuple[tuple[str, str, float, str], ...] = (
    ("checkout_p95_ms", "checkout p95 <= 25 ms", 25.0, "max"),
    ("checkout_vs_bare_p95", "checkout p95 <= 3x bare SQL", 3.0, "max"),
    ("loans_1000_vs_0_p95", "1,000 loans <= 1.2x of 0 loans", 1.2, "max"),
    ("search_p95_ms", "search p95 <= 50 ms (at 1m)", 50.0, "max"),
    ("search_worst_ms", "search worst <= 300 ms (at 1m)", 300.0, "max"),
    ("api_search_vs_in_process_p95", "API search p95 <= 1.5x in-process (at 1m)", 1.5, "max"),
    ("import_records_per_s", "import >= 2,000 records/s", 2000.0, "min"),
    ("reminders_seconds", "reminders <= 60 s (at 1m)", 60.0, "max"),
    ("reminders_rerun_changes", "rerun changes nothing", 0.0, "max"),
    ("print_run_seconds", "print run of 1,000 letters <= 60 s", 60.0, "max"),
    ("sepa_run_s_per_100k", "sepa-run <= 30 s per 100,000", 30.0, "max"),
    ("sip2_p99_ms", "SIP2 p99 <= 50 ms, 50 kiosks", 50.0, "max"),
    ("stocktake_seconds", "stocktake result <= 2 s (at 1m)", 2.0, "max"),
    ("newsletter_queue_seconds", "newsletter queued <= 60 s (100,000 at 1m)", 60.0, "max"),
    ("newsletter_sent_twice", "newsletter: no delivery sent twice", 0.0, "max"),
    ("desk_one_ratio_p50", "1 desk p50 <= 2.5x in-process", 2.5, "max"),
    ("desk_many_p95_ms", "30 desks p95 <= 150 ms", 150.0, "max"),
)


def checks(figures: dict[str, Any]) -> list[dict[str, Any]]:
    from bench.http_desk import target_figures

    circulation, heavy = figures.get("circulation"), figures.get("loan_count")
    search, marc = figures.get("search"), figures.get("import")
    reminders = figures.get("reminders")
    printed = figures.get("print_run")
    values: dict[str, float | None] = {
        "checkout_p95_ms": circulation["checkout"]["p95"] if circulation else None,
        "checkout_vs_bare_p95": circulation["checkout_ratio_p95"] if circulation else None,
        "loans_1000_vs_0_p95": heavy["checkout_ratio_p95"] if heavy else None,
        "search_p95_ms": search["p95"] if search else None,
        "search_worst_ms": search["worst"] if search else None,
        "api_search_vs_in_process_p95": figures.get("api_search", {}).get("ratio_p95"),
        "import_records_per_s": marc["records_per_s"] if marc else None,
        "reminders_seconds": reminders["daily"]["first"]["seconds"] if reminders else None,
        "reminders_rerun_changes": (
            sum(
                reminders[situation]["rerun"][key]
                for situation in ("daily", "catch_up")
                for key in ("notices_added", "records_added", "loans")
            )
            if reminders
            else None
        ),
        "print_run_seconds": printed["seconds"] if printed else None,
        # scaled to 100,000 mandates (the dataset's members; 100,000 at scale 1m)
        "sepa_run_s_per_100k": (
            figures["sepa"]["run_seconds"] * 100_000 / figures["sepa"]["collected"]
            if figures.get("sepa", {}).get("collected")
            else None
        ),
        "sip2_p99_ms": figures["sip2"]["all"]["paced"]["p99"] if figures.get("sip2") else None,
        **target_figures(figures),
        "stocktake_seconds": (figures.get("stocktake") or {}).get("first_seconds"),
        "newsletter_queue_seconds": (figures.get("newsletter") or {}).get("queue_seconds"),
        "newsletter_sent_twice": (
            (figures.get("newsletter") or {}).get("send_sample", {}).get("sent_twice")
        ),
    }
    result = []
    for key, text, limit, kind in TARGETS:
        value = values[key]
        ok = None if value is None else (value <= limit if kind == "max" else value >= limit)
        result.append({"key": key, "target": text, "value": value, "pass": ok})
    return result


def machine() -> dict[str, Any]:
    return {
        "cores": os.cpu_count(),
        "platform": platform.platform(),
        "processor": platform.processor() or platform.machine(),
        "python": platform.python_version(),
    }


def _verdict(check: dict[str, Any]) -> str:
    return {True: "PASS", False: "FAIL", None: "n/a"}[check["pass"]]


def _ms(stats: dict[str, float]) -> str:
    return f"{stats['p50']:>8.2f} {stats['p95']:>8.2f} {stats['worst']:>8.2f}"


def table(results: dict[str, Any]) -> str:
    figures = results["figures"]
    by_key = {c["key"]: c for c in results["checks"]}
    data = results["dataset"]
    lines = [
        f"Kaft benchmarks, scale {results['scale']}: {data['items']:,} items, {data['records']:,} "
        f"records, {data['members']:,} members, {data['loans']:,} loans",
        f"{results['vendor']} {results['vendor_version']} | {results['machine']['cores']} cores | "
        f"{results['date']} | dataset {'built now' if results['built_now'] else 'reused'}, "
        f"build took {results['build_seconds']} s",
        "",
        f"{'figure':<44} {'p50':>8} {'p95':>8} {'worst':>8}   {'target':<32} verdict",
    ]

    def row(label: str, stats: str, key: str | None = None) -> None:
        check = by_key.get(key) if key else None
        target = check["target"] if check else ""
        verdict = _verdict(check) if check else ""
        lines.append(f"{label:<44} {stats:<26}   {target:<32} {verdict}".rstrip())

    circ = figures.get("circulation")
    if circ:
        n = circ["checkout"]["n"]
        row(f"checkout via services, ms (n={n})", _ms(circ["checkout"]), "checkout_p95_ms")
        row("checkin via services, ms", _ms(circ["checkin"]))
        row("checkout as bare SQL, ms", _ms(circ["bare_checkout"]))
        row("checkin as bare SQL, ms", _ms(circ["bare_checkin"]))
        row(
            "checkout services / bare (p95)",
            f"{circ['checkout_ratio_p95']:>17.2f}x",
            "checkout_vs_bare_p95",
        )
        row("checkin services / bare (p95)", f"{circ['checkin_ratio_p95']:>17.2f}x")
        row("checkout+checkin services / bare (p95)", f"{circ['pair_ratio_p95']:>17.2f}x")
    heavy = figures.get("loan_count")
    if heavy:
        row(
            f"checkout, member with 0 loans, ms (n={heavy['idle_checkout']['n']})",
            _ms(heavy["idle_checkout"]),
        )
        row(
            f"checkout, member with {heavy['heavy_open_loans']:,} loans, ms",
            _ms(heavy["heavy_checkout"]),
        )
        row(
            "many loans / 0 loans, checkout (p95)",
            f"{heavy['checkout_ratio_p95']:>17.2f}x",
            "loans_1000_vs_0_p95",
        )
        row("many loans / 0 loans, checkout+checkin (p95)", f"{heavy['pair_ratio_p95']:>17.2f}x")
    search = figures.get("search")
    if search:
        label = f"search top-20, ms ({search['queries']} queries x {search['rounds']})"
        row(label, _ms(search), "search_p95_ms")
        row("", "", "search_worst_ms")
        slow = search["slowest_query"]
        lines.append(f"  slowest query: {slow!r} (median {search['per_query_p50'][slow]:.1f} ms, "
                     f"{search['hits'][slow]:,} hits)")  # fmt: skip
        for query in ("prentenboek", "thriller", "maastrict"):
            if query in search["per_query_p50"]:
                hint = search.get("suggestions", {}).get(query)
                lines.append(
                    f"  {query!r}: median {search['per_query_p50'][query]:.1f} ms, "
                    f"{search['hits'][query]:,} hits" + (f", suggests {hint!r}" if hint else "")
                )
    api = figures.get("api_search")
    if api:
        row("API catalogue search, ms (same queries)", _ms(api["api"]))
        row("  in-process search beside it, ms", _ms(api["in_process"]))
        row("API / in-process (p95)", f"{api['ratio_p95']:>17.2f}x", "api_search_vs_in_process_p95")
        row("API with availability, ms", _ms(api["api_availability"]))
    cold = figures.get("search_cold")
    if cold:
        row(f"search top-20, cache emptied before each, ms (x {cold['rounds']})", _ms(cold))
        slow = cold["slowest_query"]
        lines.append(f"  slowest query: {slow!r} (median {cold['per_query_p50'][slow]:.1f} ms)")
    exact = figures.get("search_exact_facets")
    if exact:
        for kind in ("cold", "warm"):
            part = exact[kind]
            label = (
                f"search, facets exact to {exact['limit']:,}, {kind} "
                f"({part['queries']} q x {part['rounds']})"
            )
            row(label, _ms(part))
            for query, median in part["per_query_p50"].items():
                more = "" if part["exact"][query] else "more than "
                lines.append(
                    f"  {query!r}: median {median:.1f} ms, {more}{part['hits'][query]:,} hits"
                )
    sepa = figures.get("sepa")
    if sepa:
        row(
            f"sepa-run, s ({sepa['collected']:,} debits, {sepa['file_mb']} MB, XSD included)",
            f"{sepa['run_seconds']:>26.1f}",
            "sepa_run_s_per_100k",
        )
        row("sepa-announce, s", f"{sepa['announce_seconds']:>26.1f}")
    kept = figures.get("retention")
    if kept:
        row(
            f"retention job, rows/s ({kept['rows']:,} rows, {kept['seconds']:.1f} s)",
            f"{kept['rows_per_s']:>8,.0f}",
        )
        row(
            f"retention statements per {kept['chunk']}-row chunk",
            f"{kept['statements_per_loan_chunk']:>8.1f}",
        )
    counted = figures.get("stocktake")
    if counted:
        row(
            f"stocktake result, s ({counted['scans']:,} scans, "
            f"{counted['branch_copies']:,} copies at the branch)",
            f"{counted['first_seconds']:>8.2f}",
            "stocktake_seconds",
        )
        row(
            f"  again (median of 3); {counted['not_found']:,} not found",
            f"{counted['seconds']:>8.2f}",
        )
    letter = figures.get("newsletter")
    if letter:
        row(
            f"newsletter queued, s ({letter['queued']:,} deliveries, chunks of {letter['chunk']:,})",
            f"{letter['queue_seconds']:>8.2f}",
            "newsletter_queue_seconds",
        )
        row(
            f"  statements per chunk ({letter['statements']} in {letter['chunks']} chunks; "
            f"half the chunk: {letter['statements_half_chunk']} in {letter['chunks_half_chunk']})",
            f"{letter['statements_per_chunk']:>8.1f}",
        )
        sample = letter["send_sample"]
        row(
            f"  sample sent by {sample['workers']} workers ({sample['mails']:,} mails, "
            f"{sample['recipients']:,} recipients, {sample['seconds']} s), sent twice",
            f"{sample['sent_twice']:>8}",
            "newsletter_sent_twice",
        )
    reminders = figures.get("reminders")
    for situation, label in (("daily", "daily"), ("catch_up", "first ever (catch-up)")):
        part = reminders.get(situation) if reminders else None
        if not part:
            continue
        first, rerun = part["first"], part["rerun"]
        row(
            f"reminders {label}, s ({part['overdue_loans']:,} overdue, "
            f"{first['messages']:,} messages)",
            f"{first['seconds']:>8.1f}",
            "reminders_seconds" if situation == "daily" else None,
        )
        row(
            f"  statements per {reminders['chunk']}-member chunk",
            f"{first['statements_per_chunk']:>8.1f}",
        )
        row(
            f"  rerun, s ({rerun['notices_added'] + rerun['records_added']} rows added)",
            f"{rerun['seconds']:>8.1f}",
            "reminders_rerun_changes" if situation == "daily" else None,
        )
        row("  rerun statements per chunk", f"{rerun['statements_per_chunk']:>8.1f}")
    printed = figures.get("print_run")
    if printed:
        row(
            f"print run of {printed['letters']:,} letters, seconds",
            f"{printed['seconds']:>8.1f}",
            "print_run_seconds",
        )
        row(
            f"print run statements ({printed['chunk']} letters per chunk, "
            f"PDF {printed['pdf_bytes'] / 1e6:.1f} MB)",
            f"{printed['statements']:>8,}",
        )
    marc = figures.get("import")
    if marc:
        row(
            f"MARC import, records/s ({marc['records']:,} records)",
            f"{marc['records_per_s']:>8,.0f}",
            "import_records_per_s",
        )
        row("bare pymarc parsing, records/s", f"{marc['parse_records_per_s']:>8,.0f}")
        row("import / bare parsing", f"{marc['ratio_to_parse']:>17.3f}x")
    sip2 = figures.get("sip2")
    if sip2:
        _sip2_rows(sip2, row)
    from bench.http_desk import report_rows

    for label, stats, key in report_rows(figures):
        row(label, stats, key)
    return "\n".join(lines) + "\n"


def _sip2_rows(sip2: dict[str, Any], row: Any) -> None:
    """SIP2 round trips (bench/sip2.py): paced, back to back, in process, per message."""
    kiosks = f"{sip2['connections']} kiosks"
    row(
        f"SIP2 round trip, {kiosks} paced {sip2['pace_s']:g} s, ms",
        _ms(sip2["all"]["paced"]) + f" p99 {sip2['all']['paced']['p99']:.1f}",
        "sip2_p99_ms",
    )
    for name in ("patron_information", "checkout", "checkin"):
        part = sip2[name]
        row(f"  {name} paced, ms (p99 {part['paced']['p99']:.1f})", _ms(part["paced"]))
        row(
            f"  {name} in process, ms (p99 {part['in_process']['p99']:.1f})",
            _ms(part["in_process"]),
        )
        row(f"  {name} paced / in process (p99)", f"{part['ratio_p99']:>17.2f}x")
    row(
        f"SIP2 back to back, {kiosks}, ms (p99 {sip2['all']['back_to_back']['p99']:.1f})",
        _ms(sip2["all"]["back_to_back"]),
    )
    row(
        f"SIP2 capacity, round trips/s ({sip2['server_processes']} processes x "
        f"{sip2['server_workers']} workers, {sip2['refused']} refused)",
        f"{sip2['round_trips_per_s']:>8,.1f}",
    )


def write(results: dict[str, Any], folder: Path = HERE) -> str:
    text = table(results)
    (folder / "results.json").write_text(json.dumps(results, indent=2, ensure_ascii=False) + "\n")
    (folder / "results.txt").write_text(text)
    return text

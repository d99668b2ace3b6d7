"""The measurements. Each function works on whatever database Django is connected to.

Timings are wall-clock milliseconds per call (``time.perf_counter``). Service calls and their
bare-SQL counterparts are interleaved, so background noise on the machine hits both alike.
"""

from __future__ import annotations

import datetime as dt
import statistics
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from django.db import connection, transaction
from django.utils import timezone

from kaft.catalog.models import Branch, Item, ItemStatus, ItemType
from kaft.circulation.models import Loan, LoanAction, LoanEvent, LoanStatus
from kaft.circulation.services import loan_checkin, loan_checkout
from kaft.members.models import Member, User

# A fixed mix: the most common words ("de" is in 2 of 3 titles), titles, authors, subjects,
# phrases, a word nobody wrote, forms the catalogue only has stemmed ("prentenboek",
# "thriller": the data says "Prentenboeken", "Thrillers") and a misspelling ("maastrict", which
# finds nothing and gets a "Did you mean …?" suggestion: the slow path of a search).
SEARCH_QUERIES = (
    "de", "het", "van", "romans", "verhalen", "de zee", "het geheim", "liefde", "moord in zwolle",
    "brieven", "jansen", "de vries", "anna", "koken", "tweede wereldoorlog", "prentenboeken",
    "vuurtoren", "het grote boek", "zomer", "xylofoonzolder", "prentenboek", "thriller",
    "maastrict",
)  # fmt: skip
# Large result sets, whose totals and facets are counted apart from the ranking
# (kaft.catalog.search_facets): "de" has more matches than are counted exactly (100,000).
EXACT_FACET_QUERIES = ("de", "romans", "liefde", "jansen", "moord in zwolle")


def percentile(values: Sequence[float], fraction: float) -> float:
    """Nearest-rank percentile (p95 of 20 values is the 19th smallest)."""
    ordered = sorted(values)
    rank = max(1, min(len(ordered), round(fraction * len(ordered) + 0.4999)))
    return ordered[rank - 1]


def summary(values: Sequence[float]) -> dict[str, float]:
    return {
        "n": len(values),
        "p50": round(statistics.median(values), 3),
        "p95": round(percentile(values, 0.95), 3),
        "worst": round(max(values), 3),
    }


def _timed(call: Callable[..., Any], *args: Any, **kwargs: Any) -> tuple[float, Any]:
    """Milliseconds one call took, and what it returned."""
    started = time.perf_counter()
    returned = call(*args, **kwargs)
    return (time.perf_counter() - started) * 1000, returned


def available_items(count: int, *, skip: int = 0) -> list[Item]:
    """``count`` copies on the shelf of their home branch, in a fixed order."""
    items = Item.objects.filter(
        status=ItemStatus.AVAILABLE,
        item_type__in=(ItemType.BOOK, ItemType.YOUTH_BOOK, ItemType.AUDIOVISUAL),
    ).select_related("home_branch", "current_branch")
    found = list(items.order_by("pk")[skip : skip + count])
    if len(found) < count:
        raise RuntimeError(f"only {len(found)} available items, {count} needed")
    return found


def _bare_checkout(item: Item, member: Member, staff: User, now: dt.datetime) -> int:
    """Insert the loan and its event, mark the item on loan: the writes a checkout makes."""
    loan_table, event_table = Loan._meta.db_table, LoanEvent._meta.db_table
    at = connection.ops.adapt_datetimefield_value(now)
    due = connection.ops.adapt_datefield_value(timezone.localdate(now) + dt.timedelta(days=21))
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {loan_table} (item_id, member_id, status, checked_out_at, due_date, "
            "renewals, returned_at, record_id, branch_id, return_branch_id, member_category_id, "
            "age_band) VALUES (%s, %s, %s, %s, %s, 0, NULL, %s, %s, NULL, %s, %s) RETURNING id",
            [item.pk, member.pk, LoanStatus.OPEN, at, due, item.record_id, item.home_branch_id, member.category_id, "30-64"],
        )  # fmt: skip
        loan_id = cursor.fetchone()[0]
        cursor.execute(
            f"INSERT INTO {event_table} (loan_id, action, at, branch_id, staff_id, via) "
            "VALUES (%s, %s, %s, %s, %s, %s)",
            [loan_id, LoanAction.CHECKOUT, at, item.home_branch_id, staff.pk, "desk"],
        )
        cursor.execute(
            f"UPDATE {Item._meta.db_table} SET status = %s, current_branch_id = %s WHERE id = %s",
            [ItemStatus.ON_LOAN, item.home_branch_id, item.pk],
        )
    return int(loan_id)


def _bare_checkin(item: Item, loan_id: int, staff: User, now: dt.datetime) -> None:
    """Close the loan, write the return event, put the item back on the shelf."""
    at = connection.ops.adapt_datetimefield_value(now)
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {Loan._meta.db_table} SET status = %s, returned_at = %s, "
            "return_branch_id = %s WHERE id = %s",
            [LoanStatus.RETURNED, at, item.home_branch_id, loan_id],
        )
        cursor.execute(
            f"INSERT INTO {LoanEvent._meta.db_table} (loan_id, action, at, branch_id, staff_id, "
            "via) VALUES (%s, %s, %s, %s, %s, %s)",
            [loan_id, LoanAction.RETURN, at, item.home_branch_id, staff.pk, "desk"],
        )
        cursor.execute(
            f"UPDATE {Item._meta.db_table} SET status = %s WHERE id = %s",
            [ItemStatus.AVAILABLE, item.pk],
        )


def measure_circulation(
    *, members: Sequence[Member], staff: User, iterations: int
) -> dict[str, Any]:
    """Checkout then checkin through the services, against the same writes in bare SQL.

    Iteration i lends one copy to ``members[i % len(members)]`` through the services and another
    copy through bare SQL, then takes both back in.
    """
    items = available_items(2 * iterations)
    times: dict[str, list[float]] = {
        "checkout": [],
        "checkin": [],
        "bare_checkout": [],
        "bare_checkin": [],
    }
    for i in range(iterations):
        member = members[i % len(members)]
        item, bare_item = items[2 * i], items[2 * i + 1]
        branch = item.home_branch
        now = timezone.now()
        took, _loan = _timed(loan_checkout, item=item, member=member, staff=staff, branch=branch)
        times["checkout"].append(took)
        took, loan_id = _timed(_bare_checkout, bare_item, member, staff, now)
        times["bare_checkout"].append(took)
        took, _result = _timed(loan_checkin, item=item, branch=branch, staff=staff)
        times["checkin"].append(took)
        took, _none = _timed(_bare_checkin, bare_item, loan_id, staff, now)
        times["bare_checkin"].append(took)
    result: dict[str, Any] = {name: summary(values) for name, values in times.items()}
    result["pair"] = summary(
        [a + b for a, b in zip(times["checkout"], times["checkin"], strict=True)]
    )
    result["bare_pair"] = summary(
        [a + b for a, b in zip(times["bare_checkout"], times["bare_checkin"], strict=True)]
    )
    result["checkout_ratio_p95"] = round(
        result["checkout"]["p95"] / result["bare_checkout"]["p95"], 2
    )
    result["checkin_ratio_p95"] = round(result["checkin"]["p95"] / result["bare_checkin"]["p95"], 2)
    result["pair_ratio_p95"] = round(result["pair"]["p95"] / result["bare_pair"]["p95"], 2)
    return result


def measure_loan_count_effect(
    *, idle: Member, heavy: Member, staff: User, iterations: int, skip: int = 0
) -> dict[str, Any]:
    """Checkout + checkin for a member with no loans and one with many, interleaved."""
    open_loans = Loan.objects.filter(member=heavy, status=LoanStatus.OPEN).count()
    items = available_items(2 * iterations, skip=skip)
    times: dict[str, list[float]] = {
        "idle_checkout": [],
        "heavy_checkout": [],
        "idle_pair": [],
        "heavy_pair": [],
    }
    for i in range(iterations):
        for who, member, item in (("idle", idle, items[2 * i]), ("heavy", heavy, items[2 * i + 1])):
            branch = item.home_branch
            out, _loan = _timed(loan_checkout, item=item, member=member, staff=staff, branch=branch)
            back, _result = _timed(loan_checkin, item=item, branch=branch, staff=staff)
            times[f"{who}_checkout"].append(out)
            times[f"{who}_pair"].append(out + back)
    result: dict[str, Any] = {name: summary(values) for name, values in times.items()}
    result["heavy_open_loans"] = open_loans
    result["checkout_ratio_p95"] = round(
        result["heavy_checkout"]["p95"] / result["idle_checkout"]["p95"], 2
    )
    result["pair_ratio_p95"] = round(result["heavy_pair"]["p95"] / result["idle_pair"]["p95"], 2)
    return result


def measure_search(
    *, rounds: int, queries: Sequence[str] = SEARCH_QUERIES, cold: bool = False
) -> dict[str, Any]:
    """Top-20 search for each query: one untimed warm-up round, then ``rounds`` timed rounds.

    As users see it (``cold=False``): the counts of large result sets that the warm-up round or
    an earlier round cached (:mod:`kaft.catalog.search_facets`, 60 s) are used. ``cold=True``
    empties the cache (untimed) before every timed search, so every large result set is counted.
    """
    from django.core.cache import cache

    from kaft.catalog.search import search_records

    per_query: dict[str, list[float]] = {q: [] for q in queries}
    hits: dict[str, int] = {}
    exact: dict[str, bool] = {}
    suggestions: dict[str, str] = {}
    for round_number in range(rounds + 1):
        for query in queries:
            if cold:
                cache.clear()
            started = time.perf_counter()
            result = search_records(query=query, per_page=20)
            titles = [record.title for record in result.records]
            elapsed = (time.perf_counter() - started) * 1000
            if round_number:
                per_query[query].append(elapsed)
            hits[query] = result.total
            exact[query] = result.total_exact
            if result.suggestion:
                suggestions[query] = result.suggestion
            assert len(titles) <= 20
    everything = [t for values in per_query.values() for t in values]
    slowest = max(queries, key=lambda q: max(per_query[q]))
    return {
        **summary(everything),
        "queries": len(queries),
        "rounds": rounds,
        "cold": cold,
        "slowest_query": slowest,
        "per_query_p50": {q: round(statistics.median(v), 2) for q, v in per_query.items()},
        "hits": hits,
        "exact": exact,
        "suggestions": suggestions,
    }


def measure_exact_facets(
    *, rounds: int, queries: Sequence[str] = EXACT_FACET_QUERIES
) -> dict[str, Any]:
    """Searches whose totals and facets are counted exactly over up to ``FACET_LIMIT`` matches:
    cold (the cache emptied before every search) and warm (counts cached by the round before)."""
    from kaft.catalog.search_facets import FACET_LIMIT

    return {
        "limit": FACET_LIMIT,
        "cold": measure_search(rounds=rounds, queries=queries, cold=True),
        "warm": measure_search(rounds=rounds, queries=queries),
    }


def measure_import(
    *, path: Path, branch: Branch | None, items_per_record: int = 1
) -> dict[str, Any]:
    """MARC import of ``path`` through the catalog import, against bare pymarc parsing."""
    from kaft.catalog.services.marc_import import marc_import

    parse_seconds, parsed = parse_only(path)
    started = time.perf_counter()
    report = marc_import(paths=[path], branch=branch, items_per_record=items_per_record)
    seconds = time.perf_counter() - started
    imported = report.created + report.updated
    rate = imported / seconds if seconds else 0.0
    parse_rate = parsed / parse_seconds if parse_seconds else 0.0
    return {
        "records": imported,
        "errors": len(report.errors),
        "items_created": report.items_created,
        "seconds": round(seconds, 3),
        "records_per_s": round(rate, 1),
        "parse_records_per_s": round(parse_rate, 1),
        "ratio_to_parse": round(rate / parse_rate, 4) if parse_rate else None,
    }


def parse_only(path: Path) -> tuple[float, int]:
    """Bare pymarc: read every record of the file, nothing else."""
    import pymarc

    started = time.perf_counter()
    count = 0
    with path.open("rb") as handle:
        for record in pymarc.MARCReader(handle, to_unicode=True):
            if record is not None:
                count += 1
    return time.perf_counter() - started, count

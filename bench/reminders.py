"""The reminder schedule's daily run over many overdue loans, measured twice and rolled back.

Inside one transaction that is rolled back afterwards (so the dataset stays as it was): a tenth
of the copies go out on loan to the regular members (two loans each), overdue so that every loan
has a step of the default schedule due on the measured day: a quarter herinnering 1 (7 days), a
quarter herinnering 2 (21), a quarter the invoice (42: fee, replacement price, invoice) and a
quarter long overdue (95: invoice and lost). Then ``reminders_run`` for that day, twice: the
second run must change nothing. Figures: seconds and statements of each run, statements per
chunk, and what the first run did.
"""

from __future__ import annotations

import datetime as dt
import time
from typing import Any

from django.db import connection, transaction

from bench.dataset import FIRST_REGULAR_MEMBER_ID, Scale
from kaft.catalog.models import Item, ItemStatus
from kaft.circulation.models import Loan, LoanStatus
from kaft.members.models import Member
from kaft.notices.models import LoanReminder, Notice
from kaft.notices.services.reminders import CHUNK_SIZE, reminders_run

TODAY = dt.date(2026, 6, 1)
OVERDUE_DAYS = (7, 21, 42, 95)


class _RollBack(Exception):
    pass


def _overdue_loans(scale: Scale, count: int) -> int:
    items = list(
        Item.objects.filter(status=ItemStatus.AVAILABLE)
        .order_by("pk")
        .values_list("pk", "record_id", "home_branch_id")[:count]
    )
    members = scale.members - FIRST_REGULAR_MEMBER_ID + 1
    category = dict(
        Member.objects.filter(pk__gte=FIRST_REGULAR_MEMBER_ID).values_list("pk", "category_id")
    )
    loans = []
    for k, (item_id, record_id, branch_id) in enumerate(items):
        member_id = FIRST_REGULAR_MEMBER_ID + (k // 2) % members
        due = TODAY - dt.timedelta(days=OVERDUE_DAYS[(k // 2) % len(OVERDUE_DAYS)])
        loans.append(
            Loan(
                item_id=item_id,
                member_id=member_id,
                status=LoanStatus.OPEN,
                checked_out_at=dt.datetime.combine(
                    due - dt.timedelta(days=21), dt.time(12), tzinfo=dt.UTC
                ),
                due_date=due,
                record_id=record_id,
                branch_id=branch_id,
                member_category_id=category[member_id],
            )
        )
    Loan.objects.bulk_create(loans, batch_size=5_000)
    Item.objects.filter(pk__in=[item[0] for item in items]).update(status=ItemStatus.ON_LOAN)
    return len(loans)


def _written() -> tuple[int, int]:
    return Notice.objects.count(), LoanReminder.objects.count()


def measure_reminders(scale: Scale) -> dict[str, Any]:
    count = min(100_000, scale.items // 10)
    figure: dict[str, Any] = {}
    try:
        with transaction.atomic():
            started = time.perf_counter()
            figure["overdue_loans"] = _overdue_loans(scale, count)
            figure["setup_seconds"] = time.perf_counter() - started
            statements = [0]

            def counting(execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
                if not sql.startswith(("SAVEPOINT", "RELEASE SAVEPOINT")):
                    statements[0] += 1
                return execute(sql, params, many, context)

            for name in ("first", "rerun"):
                statements[0] = 0
                before = _written()
                with connection.execute_wrapper(counting):
                    started = time.perf_counter()
                    run = reminders_run(today=TODAY)
                    seconds = time.perf_counter() - started
                after = _written()
                chunks = max(run.chunks, 1)
                figure[name] = {
                    "seconds": seconds,
                    "statements": statements[0],
                    # the schedules (2) and the empty chunk that ends the run (1) apart
                    "statements_per_chunk": (statements[0] - 3) / chunks,
                    "chunks": run.chunks,
                    "loans": run.loans,
                    "messages": run.messages,
                    "skipped": run.skipped,
                    "charges": run.charges,
                    "invoices": run.invoices,
                    "lost": run.lost,
                    "notices_added": after[0] - before[0],
                    "records_added": after[1] - before[1],
                }
            figure["chunk"] = CHUNK_SIZE
            raise _RollBack
    except _RollBack:
        pass
    return figure

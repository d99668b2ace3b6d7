"""The reminder schedule's daily run over many overdue loans, measured and rolled back.

A tenth of the copies (100,000 at 1m) go out on loan to the regular members, two loans each,
inside a transaction that is rolled back afterwards, so the dataset stays as it was. Two
situations, each run twice for the same day (the second run must change nothing):

- ``daily``: the loans are 1 to 90 days overdue, spread evenly, and every step that fell due
  before the measured day is recorded as done, as after months of daily runs. The run reads all
  of them and acts on those that reach a step of the default schedule that day (7, 21, 42, 90
  days: about one in twenty-two).
- ``catch_up``: the worst case, the first run ever: a quarter each 7, 21, 42 and 95 days overdue
  and nothing done yet, so every loan gets a message (herinnering 1 or 2, or the invoice with
  fee and replacement price, the last quarter also lost).

Figures: seconds and statements of each run, statements per chunk, and what the run did.
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
from kaft.notices.models import (
    LoanReminder,
    Notice,
    ReminderOutcome,
    ReminderSchedule,
    ReminderStep,
)
from kaft.notices.services.reminders import CHUNK_SIZE, reminders_run

TODAY = dt.date(2026, 6, 1)
CATCH_UP_DAYS = (7, 21, 42, 95)


class _RollBack(Exception):
    pass


def _overdue_loans(scale: Scale, count: int, overdue: Any) -> list[Loan]:
    """``count`` open loans of regular members (two each), ``overdue(k)`` days overdue."""
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
        due = TODAY - dt.timedelta(days=overdue(k // 2))
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
    loans = Loan.objects.bulk_create(loans, batch_size=5_000)
    Item.objects.filter(pk__in=[item[0] for item in items]).update(status=ItemStatus.ON_LOAN)
    return loans


def _steps_done_before_today(loans: list[Loan]) -> int:
    """Record, for each loan, the steps of the default schedule that fell due before today."""
    steps = list(
        ReminderStep.objects.filter(schedule__category__isnull=True).order_by("days_after_due")
    )
    assert not ReminderSchedule.objects.filter(category__isnull=False).exists()
    done = [
        LoanReminder(
            loan_id=loan.pk,
            step=step,
            days_after_due=step.days_after_due,
            message=step.message,
            outcome=ReminderOutcome.SENT,
            done_on=loan.due_date + dt.timedelta(days=step.days_after_due),
        )
        for loan in loans
        for step in steps
        if step.days_after_due < (TODAY - loan.due_date).days
    ]
    LoanReminder.objects.bulk_create(done, batch_size=5_000)
    return len(done)


def _written() -> tuple[int, int]:
    return Notice.objects.count(), LoanReminder.objects.count()


def _runs() -> dict[str, Any]:
    """The run for TODAY, then again: seconds, statements and what each did."""
    figure: dict[str, Any] = {}
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
        figure[name] = {
            "seconds": seconds,
            "statements": statements[0],
            # the schedules (2) and the members with overdue loans (1) apart
            "statements_per_chunk": (statements[0] - 3) / max(run.chunks, 1),
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
    return figure


def measure_reminders(scale: Scale) -> dict[str, Any]:
    count = min(100_000, scale.items // 10)
    figures: dict[str, Any] = {"chunk": CHUNK_SIZE}
    for situation in ("daily", "catch_up"):
        try:
            with transaction.atomic():
                started = time.perf_counter()
                if situation == "daily":
                    loans = _overdue_loans(scale, count, lambda n: 1 + n % 90)
                    done = _steps_done_before_today(loans)
                else:
                    loans = _overdue_loans(
                        scale, count, lambda n: CATCH_UP_DAYS[n % len(CATCH_UP_DAYS)]
                    )
                    done = 0
                figure = _runs()
                figure["overdue_loans"] = len(loans)
                figure["steps_done_before"] = done
                figure["setup_seconds"] = (
                    time.perf_counter()
                    - started
                    - sum(figure[name]["seconds"] for name in ("first", "rerun"))
                )
                figures[situation] = figure
                raise _RollBack
        except _RollBack:
            pass
    return figures

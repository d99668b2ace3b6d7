"""``kaft reminders-run [--date YYYY-MM-DD]``: the reminder schedule's daily run, now."""

from __future__ import annotations

import datetime as dt
from argparse import ArgumentTypeError
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from kaft.notices.services.reminders import reminders_run


def _day(text: str) -> dt.date:
    try:
        day = dt.date.fromisoformat(text)
    except ValueError:
        raise ArgumentTypeError(f"not a date (YYYY-MM-DD): {text!r}") from None
    if not dt.date(1900, 1, 1) <= day <= dt.date(2100, 12, 31):
        raise ArgumentTypeError(f"date out of range: {text}")
    return day


class Command(BaseCommand):
    help = (
        "Send the reminders and invoices of the reminder schedule that are due (the job Celery "
        "beat runs every morning); days the job did not run are caught up. Running it twice "
        "changes nothing."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--date", type=_day, default=None, help="the day to run for (default: today)"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        run = reminders_run(today=options["date"])
        self.stdout.write(
            f"{run.day.isoformat()}: {run.loans} loans, {run.messages} messages, "
            f"{run.skipped} steps passed over, {run.charges} charges, {run.invoices} invoices, "
            f"{run.lost} lost"
        )

"""``kaft sepa-announce --collection-date YYYY-MM-DD``: announce a direct-debit collection.

The console face of the desk's finance screen: billing records the debits of the date (every
open membership fee of a member with an active mandate), then notices queues the announcement
to each member. The date must be at least ``KAFT_SEPA_PRENOTICE_DAYS`` days away."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from kaft.billing.errors import BillingError
from kaft.billing.services.sepa_run import sepa_announce
from kaft.notices.services.collections import notices_queue_sepa_prenotices


def collection_date(value: str) -> dt.date:
    try:
        day = dt.date.fromisoformat(value)
    except ValueError:
        raise CommandError(f"--collection-date: {value!r} is not a date (YYYY-MM-DD)") from None
    if not 2000 <= day.year <= 2100:
        raise CommandError(f"--collection-date: {value!r} is out of range")
    return day


class Command(BaseCommand):
    help = "Announce the direct debits of a collection date to each member (pre-notification)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--collection-date", required=True, help="YYYY-MM-DD")

    def handle(self, *args: Any, **options: Any) -> None:
        day = collection_date(options["collection_date"])
        try:
            announced = sepa_announce(collection_date=day)
        except BillingError as refused:
            raise CommandError(refused.message) from None
        queued = notices_queue_sepa_prenotices(collection_date=day)
        self.stdout.write(
            f"{announced.count} direct debits announced for {day:%Y-%m-%d}, "
            f"EUR {announced.total:.2f}; {queued} messages queued"
        )

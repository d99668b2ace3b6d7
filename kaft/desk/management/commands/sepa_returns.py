"""``kaft sepa-returns FILE``: read a bank's returned direct debits (pain.002 or camt.054).

Billing reopens the charges, charges the return fee if the library has one and ends mandates
the bank says are dead; then notices tells each member in plain words. A file that is not a
pain.002/camt.054, or was read before, is refused with a clear message and changes nothing."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from kaft.billing.errors import BillingError
from kaft.billing.services.sepa_returns import sepa_returns_import
from kaft.notices.services.collections import notices_queue_debit_returned

MAX_BYTES = 50 * 1024 * 1024


class Command(BaseCommand):
    help = "Read a bank's file of returned direct debits (pain.002 or camt.054)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file")

    def handle(self, *args: Any, **options: Any) -> None:
        path = Path(options["file"])
        if not path.is_file():
            raise CommandError(f"{path}: no such file")
        if path.stat().st_size > MAX_BYTES:
            raise CommandError(f"{path}: larger than 50 MB, not a bank's return file")
        try:
            report = sepa_returns_import(data=path.read_bytes(), source=path.name)
        except BillingError as refused:
            raise CommandError(refused.message) from None
        queued = notices_queue_debit_returned(return_file=report)
        self.stdout.write(
            f"{report.kind} {report.message_id}: {report.returned} returned debits booked, "
            f"{report.unknown} not found; {queued} messages queued"
        )

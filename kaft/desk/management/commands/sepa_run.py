"""``kaft sepa-run --collection-date YYYY-MM-DD [--format F] --out FILE``: collect by direct debit.

Builds one pain.008 file of everything announced for the date, checked against the official
XSD before it is written, stores it in the files storage (the desk can download it again) and
writes a copy to ``FILE`` for the bank. Refused with a clear message, nothing written: creditor
settings missing or wrong, nothing announced for the date, an unknown format."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from kaft.billing.errors import BillingError
from kaft.billing.models import SepaFormat
from kaft.billing.services.sepa_run import sepa_run, sepa_run_file
from kaft.desk.management.commands.sepa_announce import collection_date


class Command(BaseCommand):
    help = "Build the pain.008 direct-debit file of a collection date (announced debits only)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--collection-date", required=True, help="YYYY-MM-DD")
        parser.add_argument(
            "--format", default=SepaFormat.PAIN_008_001_02.value, choices=SepaFormat.values
        )
        parser.add_argument("--out", required=True, help="where to write a copy for the bank")

    def handle(self, *args: Any, **options: Any) -> None:
        day = collection_date(options["collection_date"])
        out = Path(options["out"])
        if not out.parent.is_dir():
            raise CommandError(f"--out: the folder {out.parent} does not exist")
        try:
            run = sepa_run(collection_date=day, fmt=options["format"])
        except BillingError as refused:
            raise CommandError(refused.message) from None
        out.write_bytes(sepa_run_file(run))
        self.stdout.write(
            f"{run.count} direct debits, EUR {run.total:.2f}, {run.format}, "
            f"message {run.message_id}: {out} (stored as {run.stored_as})"
        )

"""``kaft apply-retention``: run the nightly retention job now, and say what it did."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from kaft.privacy.errors import PrivacyError
from kaft.privacy.services.retention import retention_apply


class Command(BaseCommand):
    help = "Apply every retention rule now (the same job Celery beat runs every night)."

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            run = retention_apply()
        except PrivacyError as refused:  # a run asked for at the desk still works
            raise CommandError(refused.message) from None
        total = 0
        for rule, tables in sorted(run.counts.items()):
            for table, count in sorted(tables.items()):
                if count:
                    self.stdout.write(f"{rule}\t{table}\t{count}")
                total += count
        self.stdout.write(f"{total} rows handled (run {run.pk})")

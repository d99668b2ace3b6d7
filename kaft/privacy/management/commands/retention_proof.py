"""`kaft retention-proof [--fail]`: every row kept past its retention rule, and their total.

Prints ids only (table, id, rule, how far past), never personal data. It reads the same
definitions as the daily job (:mod:`kaft.privacy.services.retention`). Exit code 0, also when
rows are found (it is a report); with ``--fail`` it exits with 1 when any row is past its rule.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from kaft.privacy.services.retention import retention_overdue


def _shown_id(pk: object) -> str:
    """Numeric ids as they are; a text key (a session key) only by its start: it is a secret."""
    return str(pk) if isinstance(pk, int) else f"{str(pk)[:6]}..."


class Command(BaseCommand):
    help = "List every row kept past its retention period (ids only) and their total."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--fail", action="store_true", help="exit with code 1 when any row is past its rule"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        total = 0
        for row in retention_overdue():
            total += 1
            days = row.overdue.days
            hours = row.overdue.seconds // 3600
            past = ngettext("%(days)d day", "%(days)d days", days) % {"days": days}
            self.stdout.write(
                _("%(table)s\t%(id)s\t%(rule)s\t%(past)s %(hours)dh past")
                % {
                    "table": row.table,
                    "id": _shown_id(row.pk),
                    "rule": row.rule,
                    "past": past,
                    "hours": hours,
                }
            )
        summary = ngettext(
            "%(count)d row past its retention period",
            "%(count)d rows past their retention period",
            total,
        ) % {"count": total}
        if total and options["fail"]:
            raise CommandError(summary, returncode=1)
        self.stdout.write(summary)

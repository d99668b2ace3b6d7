"""``kaft import-marc FILE... [--branch ISIL] [--branch-map FILE] [--items N]``: import MARC21.

Each refused record and each warning is one line on stderr (file:position [control number]:
reason); stdout ends with the summary (see docs/operations.md, "Importing MARC records").
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db.models import Q
from django.utils.translation import gettext as _

from kaft.catalog.errors import CatalogError
from kaft.catalog.models import Branch
from kaft.catalog.services.branch_map import branch_map_read
from kaft.catalog.services.marc_import import ImportReport, marc_import


class Command(BaseCommand):
    help = "Import MARC21 records (ISO 2709 in MARC-8 or UTF-8, or MARCXML) into the catalogue."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("files", nargs="+", type=Path, metavar="FILE")
        parser.add_argument(
            "--branch", help="ISIL or code of the branch for items without a known branch"
        )
        parser.add_argument(
            "--branch-map",
            type=Path,
            metavar="MAPFILE",
            help="CSV file of 'code,ISIL' lines: other systems' location codes to Kaft branches",
        )
        parser.add_argument(
            "--items",
            type=int,
            default=0,
            help="create this many items for each record that has no holdings (needs --branch)",
        )
        parser.add_argument("--no-progress", action="store_true", help="no progress bar")

    def handle(self, *args: Any, **options: Any) -> None:
        branch = None
        if options["branch"]:
            code = options["branch"].strip()
            branch = Branch.objects.filter(Q(isil__iexact=code) | Q(code__iexact=code)).first()
            if branch is None:
                raise CommandError(_("No branch has the ISIL or code “%(code)s”.") % {"code": code})
        if options["items"] < 0:
            raise CommandError(_("--items must be 0 or more."))
        progress = not options["no_progress"] and sys.stderr.isatty()
        try:
            mapping = None
            if options["branch_map"] is not None:
                mapping = branch_map_read(path=options["branch_map"])
            report = marc_import(
                paths=options["files"],
                branch=branch,
                items_per_record=options["items"],
                progress=progress,
                branch_map=mapping,
            )
        except CatalogError as error:
            raise CommandError(error.message) from error
        for problem in report.errors:
            self.stderr.write(str(problem))
        for warning in report.warnings:
            self.stderr.write(_("%(problem)s (warning)") % {"problem": warning})
        for line in summary_lines(report):
            self.stdout.write(line)
        if report.unreadable_files:
            raise CommandError(
                _("Could not read: %(files)s") % {"files": ", ".join(report.unreadable_files)},
                returncode=1,
            )


def _counts(counts: dict[str, int]) -> str:
    """``"41 — DLC 40, OCoLC 1"``, or ``"0"``."""
    total = sum(counts.values())
    parts = ", ".join(f"{key} {count}" for key, count in counts.items())
    return f"{total} — {parts}" if parts else "0"


def summary_lines(report: ImportReport) -> list[str]:
    """The summary: read, new, updated, items made, holdings skipped by location, refused by
    reason, warnings."""
    skipped = {
        (location or _("(no location)")): count
        for location, count in report.holdings_skipped.items()
    }
    return [
        _(
            "Records read: %(read)d; new: %(created)d; updated: %(updated)d; "
            "items made: %(items)d (%(speed).0f records/s)."
        )
        % {
            "read": report.records_read,
            "created": report.created,
            "updated": report.updated,
            "items": report.items_created,
            "speed": report.records_per_second,
        },
        _("Holdings skipped (by location): %(counts)s.") % {"counts": _counts(skipped)},
        _("Refused (by reason): %(counts)s.") % {"counts": _counts(report.refused)},
        _("Warnings: %(total)d.") % {"total": len(report.warnings)},
    ]

"""``kaft import-marc FILE... [--branch ISIL] [--items N]``: import MARC21 records."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db.models import Q
from django.utils.translation import gettext as _

from kaft.catalog.errors import CatalogError
from kaft.catalog.models import Branch
from kaft.catalog.services import marc_import


class Command(BaseCommand):
    help = "Import MARC21 records (ISO 2709 in MARC-8 or UTF-8, or MARCXML) into the catalogue."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("files", nargs="+", type=Path, metavar="FILE")
        parser.add_argument(
            "--branch", help="ISIL or code of the branch for items without a known branch"
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
            report = marc_import(
                paths=options["files"],
                branch=branch,
                items_per_record=options["items"],
                progress=progress,
            )
        except CatalogError as error:
            raise CommandError(error.message) from error
        for problem in report.errors:
            self.stderr.write(str(problem))
        self.stdout.write(
            _(
                "Records read: %(read)d; created: %(created)d; updated: %(updated)d; "
                "items created: %(items)d; errors: %(errors)d (%(speed).0f records/s)."
            )
            % {
                "read": report.records_read,
                "created": report.created,
                "updated": report.updated,
                "items": report.items_created,
                "errors": len(report.errors),
                "speed": report.records_per_second,
            }
        )
        if report.unreadable_files:
            raise CommandError(
                _("Could not read: %(files)s") % {"files": ", ".join(report.unreadable_files)},
                returncode=1,
            )

"""`kaft demo [--banner] [--url URL] [--sip2 HOST:PORT]`: load the demo library (idempotent) and print its logins."""

from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from kaft.demo.load import banner, demo_load


class Command(BaseCommand):
    help = "Load the demo library (three branches, ~2,000 copies, 50 members). Safe to run again."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--banner", action="store_true", help="print the URLs and the demo logins"
        )
        parser.add_argument(
            "--url", default="http://127.0.0.1:8000/", help="where Kaft runs (for the banner)"
        )
        parser.add_argument(
            "--sip2",
            default="127.0.0.1:6001",
            help="where the SIP2 server listens, HOST:PORT (for the banner)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        started = time.monotonic()
        result = demo_load()
        if result.loaded:
            seconds = time.monotonic() - started
            self.stdout.write(self.style.SUCCESS(f"Demo library loaded in {seconds:.1f} s."))
        elif not options["banner"]:
            self.stdout.write("Demo library already present: nothing changed.")
        if options["banner"]:
            self.stdout.write(banner(options["url"], options["sip2"]))

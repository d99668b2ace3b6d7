"""``kaft search-rebuild``: index every record afresh, with the vocabulary for suggestions.

Migrations do this themselves when the way words are indexed changes; run it by hand after
writing records into the database without Kaft (a restore of a partial dump, say).
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from kaft.catalog.search import search_index_rebuild


class Command(BaseCommand):
    help = "Index every catalogue record again for the search (and its suggestions)."

    def handle(self, *args: Any, **options: Any) -> None:
        count = search_index_rebuild()
        self.stdout.write(f"{count} records indexed")

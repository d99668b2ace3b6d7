"""``kaft interests_seed``: add the suggested list of interests of a Dutch public library."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from kaft.outreach.services.interests import interests_seed_defaults


class Command(BaseCommand):
    help = (
        "Add the suggested interests (genres, subjects, age groups, activities) members can "
        "choose in MijnBibliotheek. Interests that exist (by code) are left as they are; running "
        "it twice changes nothing. Change the list afterwards in the admin."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        added = interests_seed_defaults()
        self.stdout.write(f"{added} interests added.")

"""Compile every .po file under kaft/ into its .mo file with polib (no GNU gettext needed)."""

from pathlib import Path

import polib
from django.conf import settings
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Compile the Dutch and English translations (.po -> .mo)."

    def handle(self, *args: object, **options: object) -> None:
        root = Path(settings.BASE_DIR) / "kaft"
        count = 0
        for po_path in sorted(root.rglob("LC_MESSAGES/*.po")):
            # Every time: a checkout or merge can leave a .po no newer than a stale .mo.
            polib.pofile(str(po_path)).save_as_mofile(str(po_path.with_suffix(".mo")))
            count += 1
        self.stdout.write(f"compiled {count} translation file(s)")

"""Install Kaft's own privacy statement as version "1", so a fresh install has a current one.

The text lives in kaft/privacy/statement/{nl,en}.md; the library replaces it by publishing a new
version at the desk (privacy officer).
"""

from pathlib import Path
from typing import Any

from django.db import migrations
from django.utils import timezone

STATEMENT_DIR = Path(__file__).resolve().parent.parent / "statement"


def install(apps: Any, schema_editor: Any) -> None:
    version_model = apps.get_model("privacy", "StatementVersion")
    if version_model.objects.filter(version="1").exists():
        return
    version_model.objects.create(
        version="1",
        text_nl=(STATEMENT_DIR / "nl.md").read_text(encoding="utf-8"),
        text_en=(STATEMENT_DIR / "en.md").read_text(encoding="utf-8"),
        summary_nl="De eerste privacyverklaring van de bibliotheek in Kaft.",
        summary_en="The library's first privacy statement in Kaft.",
        published_at=timezone.now(),
    )


class Migration(migrations.Migration):
    dependencies = [("privacy", "0003_privacy_by_design")]

    operations = [migrations.RunPython(install, migrations.RunPython.noop)]

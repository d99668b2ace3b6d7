"""SQLite: the facet columns of a record in a narrow index, for exact facet counts.

A record row holds its whole MARC record; counting the facets of 100,000 matches from the rows
would read all of them. ``record_facet_columns (id, material_type, language, year)`` answers
from the index alone (:mod:`kaft.catalog.search_facets`). PostgreSQL counts from the copies in
``catalog_record_search`` and needs no such index. Raw SQL outside the model state, like 0004.
"""

from typing import Any

from django.db import migrations

CREATE = (
    "CREATE INDEX IF NOT EXISTS record_facet_columns"
    " ON catalog_record (id, material_type, language, year)"
)
DROP = "DROP INDEX IF EXISTS record_facet_columns"


def _on_sqlite(sql: str) -> Any:
    def run(apps: Any, schema_editor: Any) -> None:
        if schema_editor.connection.vendor == "sqlite":
            schema_editor.execute(sql)

    return run


class Migration(migrations.Migration):
    dependencies = [("catalog", "0006_search_dutch_stemming_and_vocabulary")]

    operations = [migrations.RunPython(_on_sqlite(CREATE), _on_sqlite(DROP))]

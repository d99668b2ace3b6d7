"""Dutch stemming in Python for both databases, and the vocabulary for "Did you mean …?".

The index tables get a column with each record's own words (to keep the vocabulary in step when
a record changes); PostgreSQL's index no longer stems in the database (``kaft_document``) and no
longer cascades from the records: like SQLite's, it follows ``search_index_records``. Every
record is indexed again (:func:`kaft.catalog.search.search_index_rebuild`): at 300,000 records
this takes about a minute.
"""

from django.db import migrations, models

SQLITE = [
    "DROP TABLE IF EXISTS catalog_record_fts",
    """CREATE VIRTUAL TABLE catalog_record_fts USING fts5(
        title, contributors, subjects, isbn, words UNINDEXED,
        tokenize = 'unicode61 remove_diacritics 2'
    )""",
]
POSTGRES = [
    "ALTER TABLE catalog_record_search DROP CONSTRAINT IF EXISTS"
    " catalog_record_search_record_id_fkey",
    "ALTER TABLE catalog_record_search ADD COLUMN IF NOT EXISTS words text NOT NULL DEFAULT ''",
]


def _structure(apps, schema_editor):
    statements = {"sqlite": SQLITE, "postgresql": POSTGRES}[schema_editor.connection.vendor]
    for statement in statements:
        schema_editor.execute(statement)


def _rebuild(apps, schema_editor):
    # The live code, not a frozen copy: the index must be built the way searches will read it.
    from kaft.catalog.search import search_index_rebuild

    search_index_rebuild()


class Migration(migrations.Migration):
    dependencies = [("catalog", "0005_barcode_rule")]

    operations = [
        migrations.CreateModel(
            name="SearchWord",
            fields=[
                ("word", models.CharField(max_length=64, primary_key=True, serialize=False)),
                ("records", models.IntegerField()),
            ],
            options={"db_table": "catalog_search_word"},
        ),
        migrations.RunPython(_structure, migrations.RunPython.noop),
        migrations.RunPython(_rebuild, migrations.RunPython.noop),
    ]

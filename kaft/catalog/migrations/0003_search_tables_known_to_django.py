"""Tell Django about the search index tables of 0002 without touching the database.

They are created per database vendor by 0002 with raw SQL; declaring them as models lets
Django's flush (used between tests, and by `kaft flush`) empty them with the records.
"""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("catalog", "0002_search_index")]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="RecordSearchRow",
                    fields=[
                        (
                            "record",
                            models.OneToOneField(
                                db_constraint=False,
                                on_delete=django.db.models.deletion.DO_NOTHING,
                                primary_key=True,
                                related_name="+",
                                serialize=False,
                                to="catalog.record",
                            ),
                        ),
                    ],
                    options={"db_table": "catalog_record_search"},
                ),
                migrations.CreateModel(
                    name="RecordFullTextRow",
                    fields=[("rowid", models.BigIntegerField(primary_key=True, serialize=False))],
                    options={"db_table": "catalog_record_fts"},
                ),
            ],
            database_operations=[],
        )
    ]

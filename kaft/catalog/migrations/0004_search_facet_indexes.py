"""Indexes for the search facets and filters, outside Django's model state on purpose.

``catalog_item (record_id, status, current_branch_id)`` answers "which of these records have a
copy available at which branch" from the index alone (the *available at* facet and filter).
Raw SQL keeps the models untouched; ``IF NOT EXISTS`` lets it run over databases that already
have the index.
"""

from django.db import migrations

CREATE = [
    "CREATE INDEX IF NOT EXISTS item_record_status_branch"
    " ON catalog_item (record_id, status, current_branch_id)",
]
DROP = ["DROP INDEX IF EXISTS item_record_status_branch"]


class Migration(migrations.Migration):
    dependencies = [("catalog", "0003_search_tables_known_to_django")]

    operations = [migrations.RunSQL(CREATE, DROP)]

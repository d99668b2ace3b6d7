"""The full-text search index: FTS5 on SQLite, a weighted tsvector with GIN on PostgreSQL."""

from django.db import migrations

SQLITE_CREATE = [
    """CREATE VIRTUAL TABLE IF NOT EXISTS catalog_record_fts USING fts5(
        title, contributors, subjects, isbn,
        tokenize = 'unicode61 remove_diacritics 2'
    )""",
    """INSERT INTO catalog_record_fts (rowid, title, contributors, subjects, isbn)
        SELECT id, title || ' ' || subtitle, contributors, subjects, isbn FROM catalog_record""",
]
SQLITE_DROP = ["DROP TABLE IF EXISTS catalog_record_fts"]

POSTGRES_CREATE = [
    "CREATE EXTENSION IF NOT EXISTS unaccent",
    """DO $$ BEGIN
        IF NOT EXISTS (SELECT 1 FROM pg_ts_config WHERE cfgname = 'kaft_dutch') THEN
            CREATE TEXT SEARCH CONFIGURATION kaft_dutch (COPY = pg_catalog.dutch);
            ALTER TEXT SEARCH CONFIGURATION kaft_dutch
                ALTER MAPPING FOR hword, hword_part, word WITH unaccent, dutch_stem;
        END IF;
        IF NOT EXISTS (SELECT 1 FROM pg_ts_config WHERE cfgname = 'kaft_simple') THEN
            CREATE TEXT SEARCH CONFIGURATION kaft_simple (COPY = pg_catalog.simple);
            ALTER TEXT SEARCH CONFIGURATION kaft_simple
                ALTER MAPPING FOR hword, hword_part, word WITH unaccent, simple;
        END IF;
    END $$""",
    # Both the Dutch stem and the unstemmed word are indexed: the Snowball stemmer is not
    # consistent ("fiets" -> fiet, "fietsen" -> fiets), the union of both finds either form.
    """CREATE OR REPLACE FUNCTION kaft_document(text) RETURNS tsvector
        LANGUAGE sql IMMUTABLE PARALLEL SAFE
        AS $$ SELECT to_tsvector('kaft_dutch', $1) || to_tsvector('kaft_simple', $1) $$""",
    """CREATE TABLE catalog_record_search (
        record_id bigint PRIMARY KEY
            REFERENCES catalog_record (id) ON DELETE CASCADE DEFERRABLE INITIALLY DEFERRED,
        document tsvector NOT NULL,
        material_type varchar(16) NOT NULL,
        language varchar(3) NOT NULL,
        year smallint NULL
    )""",
    "CREATE INDEX catalog_record_search_document ON catalog_record_search USING gin (document)",
    """INSERT INTO catalog_record_search (record_id, document, material_type, language, year)
        SELECT id,
            setweight(kaft_document(title || ' ' || subtitle), 'A')
            || setweight(kaft_document(contributors), 'B')
            || setweight(kaft_document(subjects), 'C')
            || setweight(to_tsvector('simple', isbn), 'D'),
            material_type, language, year
        FROM catalog_record""",
]
POSTGRES_DROP = [
    "DROP TABLE IF EXISTS catalog_record_search",
    "DROP FUNCTION IF EXISTS kaft_document(text)",
]


def _run(statements_by_vendor):
    def run(apps, schema_editor):
        for statement in statements_by_vendor.get(schema_editor.connection.vendor, []):
            schema_editor.execute(statement)

    return run


class Migration(migrations.Migration):
    dependencies = [("catalog", "0001_initial")]

    operations = [
        migrations.RunPython(
            _run({"sqlite": SQLITE_CREATE, "postgresql": POSTGRES_CREATE}),
            _run({"sqlite": SQLITE_DROP, "postgresql": POSTGRES_DROP}),
        ),
    ]

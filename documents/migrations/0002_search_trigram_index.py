"""Accent-insensitive search on PostgreSQL: a trigram GIN index on the unaccented text, so
`search_text LIKE '%quyet dinh%'` uses an index instead of scanning millions of rows.
SQLite (the embedded default) has no such index; it scans, which is fine at its size."""

from django.db import migrations


def create_index(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    schema_editor.execute(
        "CREATE INDEX IF NOT EXISTS doc_search_trgm ON documents_document USING gin (search_text gin_trgm_ops)"
    )


def drop_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("DROP INDEX IF EXISTS doc_search_trgm")


class Migration(migrations.Migration):
    dependencies = [("documents", "0001_initial")]
    operations = [migrations.RunPython(create_index, drop_index)]

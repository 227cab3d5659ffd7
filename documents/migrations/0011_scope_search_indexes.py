"""Covering indexes for a search in a department's scope (issue 16, `DocumentQuerySet.search`):
the search text of a department's documents, and of a document by id, read from the index alone
(index-only scans, no heap), so a head's search reads just the scope's rows whatever the words.
PostgreSQL only, as the trigram index of 0002; SQLite scans, which is fine at its size."""

from django.db import migrations

INDEXES = {
    "doc_department_search": "(department_id, id) INCLUDE (search_text, confidentiality, is_deleted)",
    "doc_id_search": "(id) INCLUDE (search_text, confidentiality, is_deleted)",
}


def create_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name, columns in INDEXES.items():
        schema_editor.execute(f"CREATE INDEX IF NOT EXISTS {name} ON documents_document {columns}")


def drop_indexes(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for name in INDEXES:
            schema_editor.execute(f"DROP INDEX IF EXISTS {name}")


class Migration(migrations.Migration):
    dependencies = [("documents", "0010_register_import_progress")]
    operations = [migrations.RunPython(create_indexes, drop_indexes)]

"""The order of a scope's rows from index entries alone (issue 16, `DocumentQuerySet.__getitem__`).

- `doc_date_scope` (register_date, id) INCLUDE (the scope's columns): a large scope's deep page
  (the head of QLĐT and its 9 units, page 200) chooses its 50 ids by an index-only walk back from
  the newest document, instead of walking `documents_document_register_date` through the heap
  (16,874 buffers); then only those 50 rows are read.
- `doc_department_search` and `doc_id_search` (migration 0011) carry the register_date too, so
  the ids a small scope or a scope's search reads from them come with their dates: the page is
  chosen from them, and only its rows are read (a unit head's page 150 read all his 9,687 rows by
  the primary key to sort them: 38,913 buffers; the head's `trien khai` its 4,961 matches).

PostgreSQL only, as 0011: SQLite scans, which is fine at its size. About 30 s on the bench's
2,000,000 documents (the two covering indexes rebuilt: 12 s each; the new one 129 MB, 8 s).
"""

from django.db import migrations

SCOPE = "department_id, officer_id, created_by_id, confidentiality, is_deleted"
FORWARD = {
    "doc_date_scope": f"(register_date, id) INCLUDE ({SCOPE})",
    "doc_department_search": "(department_id, id) INCLUDE (search_text, confidentiality, is_deleted, register_date)",
    "doc_id_search": "(id) INCLUDE (search_text, confidentiality, is_deleted, register_date)",
}
BACKWARD = {  # as migration 0011 made them
    "doc_department_search": "(department_id, id) INCLUDE (search_text, confidentiality, is_deleted)",
    "doc_id_search": "(id) INCLUDE (search_text, confidentiality, is_deleted)",
}


def build(indexes, drop=()):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor != "postgresql":
            return
        for name in [*drop, *indexes]:
            schema_editor.execute(f"DROP INDEX IF EXISTS {name}")
        for name, columns in indexes.items():
            schema_editor.execute(f"CREATE INDEX {name} ON documents_document {columns}")

    return run


class Migration(migrations.Migration):
    dependencies = [("documents", "0016_direction_scope_index")]
    operations = [migrations.RunPython(build(FORWARD), build(BACKWARD, drop=["doc_date_scope"]))]

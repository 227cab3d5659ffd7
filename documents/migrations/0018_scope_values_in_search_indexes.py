"""The direction and the year in the entries of the scope's covering indexes too (issue 16).

A small scope's ids (a unit head's 9,687) and a scope search's matches are read from
`doc_department_search` and `doc_id_search` with their register_date (migration 0017); with the
direction and the year beside it, a filter of the register on those (`?direction=incoming`,
`?year=2025`) is evaluated on the values read with the ids (`DocumentQuerySet._rows_from_ids`):
a page reads just its rows, the count only the ids that pass. PostgreSQL only, as 0011 and 0017;
about 25 s on the bench's 2,000,000 documents (two indexes rebuilt).
"""

from django.db import migrations

FORWARD = {
    "doc_department_search": "(department_id, id) "
    "INCLUDE (search_text, confidentiality, is_deleted, register_date, direction, register_year)",
    "doc_id_search": "(id) INCLUDE (search_text, confidentiality, is_deleted, register_date, direction, register_year)",
}
BACKWARD = {  # as migration 0017 made them
    "doc_department_search": "(department_id, id) INCLUDE (search_text, confidentiality, is_deleted, register_date)",
    "doc_id_search": "(id) INCLUDE (search_text, confidentiality, is_deleted, register_date)",
}


def build(indexes):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor != "postgresql":
            return
        for name, columns in indexes.items():
            schema_editor.execute(f"DROP INDEX IF EXISTS {name}")
            schema_editor.execute(f"CREATE INDEX {name} ON documents_document {columns}")

    return run


class Migration(migrations.Migration):
    dependencies = [("documents", "0017_scope_order_indexes")]
    operations = [migrations.RunPython(build(FORWARD), build(BACKWARD))]

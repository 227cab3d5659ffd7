"""The documents sent to a department, with their search text, as one index range (issue 16).

A head's search in his scope read "sent to my departments" as ~29,600 lookups by id in
`doc_id_search` (the head of QLĐT and its 9 units on the bench's 2M documents: 156 ms of the
search's 276, 86,000 buffers), to test the words on each. The recipients table
(`documents_document_recipient_departments`, one row per document and receiving department)
now carries a copy of the document's `search_text`, and a covering index on
(department_id, document_id) INCLUDE (search_text) reads a department's received documents and
tests the words on the index entries: one range per department, no lookup per document.

The copy is kept by PostgreSQL itself, whatever writes (services, the register import's bulk
update and COPY, the admin, a raw UPDATE): a trigger fills it when a recipient row is inserted
(`recipient_departments.set/add`), another rewrites it when a document's search text changes.
PostgreSQL only, like the trigram index of 0002 and the covering indexes of 0011: SQLite has no
such column (its search scans, which is fine at its size). Django does not know the column; the
search reads it with RawSQL (`documents/querysets.py`). bench/generate.py, which loads with
triggers off, fills it as this migration does.
"""

from django.db import migrations

TABLE = "documents_document_recipient_departments"

FORWARD = [
    f"ALTER TABLE {TABLE} ADD COLUMN IF NOT EXISTS search_text text",
    """CREATE OR REPLACE FUNCTION doc_recipient_search_text() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            NEW.search_text := (SELECT search_text FROM documents_document WHERE id = NEW.document_id);
            RETURN NEW;
        END $$""",
    f"""CREATE OR REPLACE TRIGGER doc_recipient_search_text BEFORE INSERT OR UPDATE OF document_id ON {TABLE}
        FOR EACH ROW EXECUTE FUNCTION doc_recipient_search_text()""",
    f"""CREATE OR REPLACE FUNCTION doc_search_text_to_recipients() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            UPDATE {TABLE} SET search_text = NEW.search_text WHERE document_id = NEW.id;
            RETURN NULL;
        END $$""",
    """CREATE OR REPLACE TRIGGER doc_search_text_to_recipients AFTER UPDATE OF search_text ON documents_document
        FOR EACH ROW WHEN (OLD.search_text IS DISTINCT FROM NEW.search_text)
        EXECUTE FUNCTION doc_search_text_to_recipients()""",
    f"""UPDATE {TABLE} r SET search_text = d.search_text FROM documents_document d
        WHERE d.id = r.document_id AND r.search_text IS DISTINCT FROM d.search_text""",
    f"CREATE INDEX IF NOT EXISTS doc_recipient_search ON {TABLE} (department_id, document_id) INCLUDE (search_text)",
]

BACKWARD = [
    "DROP INDEX IF EXISTS doc_recipient_search",
    "DROP TRIGGER IF EXISTS doc_search_text_to_recipients ON documents_document",
    "DROP FUNCTION IF EXISTS doc_search_text_to_recipients()",
    f"DROP TRIGGER IF EXISTS doc_recipient_search_text ON {TABLE}",
    "DROP FUNCTION IF EXISTS doc_recipient_search_text()",
    f"ALTER TABLE {TABLE} DROP COLUMN IF EXISTS search_text",
]


def forward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for statement in FORWARD:
            schema_editor.execute(statement)


def backward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for statement in BACKWARD:
            schema_editor.execute(statement)


class Migration(migrations.Migration):
    dependencies = [("documents", "0013_open_deadline_index")]
    operations = [migrations.RunPython(forward, backward)]

"""Snapshot and candidate keys compared byte by byte (issue 16).

`metric` and `scope_key` are ASCII codes ("E", "department:12"): the database's default
collation (a libc locale) compared them through strcoll in every index insertion and lookup,
about a tenth of a month's first computation on the bench data. PostgreSQL only; SQLite already
compares them as bytes. The model fields carry no db_collation because SQLite knows no "C".
"""

from django.db import migrations

TABLES = ("reports_snapshot", "reports_candidatesnapshot")
COLUMNS = (("metric", "varchar(1)"), ("scope_key", "varchar(40)"))


def collate(collation):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor != "postgresql":
            return
        for table in TABLES:
            alters = ", ".join(f'ALTER COLUMN {column} TYPE {kind} COLLATE "{collation}"' for column, kind in COLUMNS)
            schema_editor.execute(f"ALTER TABLE {table} {alters}")
    return run


class Migration(migrations.Migration):
    dependencies = [("reports", "0009_snapshot_indexes_by_month")]

    operations = [migrations.RunPython(collate("C"), collate("default"))]

"""The snapshots' key (month, metric, scope_key) becomes their primary key (issue 16).

The surrogate `id` had an index that every computation filled (a month's first computation
writes ~4,000 rows per metric) and that nothing read: the upserts, the dashboards and the
diff all go by the key. Dropping it takes one of the three index insertions off every row.

Django cannot alter a table to or from a composite primary key, so the table is rebuilt from
the model: renamed aside, created anew (with its indexes and checks), its rows copied by the
columns both shapes have, the old one dropped. The same function rebuilds the old shape when
the migration is reversed (the ids are then numbered afresh). On PostgreSQL the key columns are
compared byte by byte again (0010).
"""

from django.db import migrations, models

COLLATE_C = (("metric", "varchar(1)"), ("scope_key", "varchar(40)"))


def _rebuild(model_names):
    def run(apps, schema_editor):
        connection = schema_editor.connection
        quote = schema_editor.quote_name
        for name in model_names:
            model = apps.get_model("reports", name)
            table = model._meta.db_table
            aside = f"{table}_aside"
            with connection.cursor() as cursor:
                old_columns = [column.name for column in connection.introspection.get_table_description(cursor, table)]
                constraints = connection.introspection.get_constraints(cursor, table)
            schema_editor.execute(f"ALTER TABLE {quote(table)} RENAME TO {quote(aside)}")
            # Index and key names are the database's, not the table's: free them for the new table.
            for constraint, info in constraints.items():
                if info["index"] and not constraint.startswith("sqlite_autoindex"):
                    schema_editor.execute(f"DROP INDEX IF EXISTS {quote(constraint)}")
                elif (info["unique"] or info["check"]) and connection.vendor == "postgresql":  # keys and checks
                    schema_editor.execute(f"ALTER TABLE {quote(aside)} DROP CONSTRAINT {quote(constraint)}")
            schema_editor.create_model(model)
            if connection.vendor == "postgresql":
                alters = ", ".join(f'ALTER COLUMN {column} TYPE {kind} COLLATE "C"' for column, kind in COLLATE_C)
                schema_editor.execute(f"ALTER TABLE {quote(table)} {alters}")
            columns = ", ".join(quote(field.column) for field in model._meta.concrete_fields
                                if field.column in old_columns and not field.primary_key)
            schema_editor.execute(f"INSERT INTO {quote(table)} ({columns}) SELECT {columns} FROM {quote(aside)}")  # nosec B608
            schema_editor.execute(f"DROP TABLE {quote(aside)}")
    return run


MODELS = ("Snapshot", "CandidateSnapshot")
KEY = models.CompositePrimaryKey("month", "metric", "scope_key", blank=True, editable=False, primary_key=True,
                                 serialize=False)


class Migration(migrations.Migration):
    dependencies = [("reports", "0010_snapshot_keys_collate_c")]

    operations = [
        # Reversed last: the tables rebuilt in their old shape (this state has the old models).
        migrations.RunPython(migrations.RunPython.noop, _rebuild(MODELS)),
        migrations.SeparateDatabaseAndState(state_operations=[
            migrations.RemoveConstraint(model_name="candidatesnapshot", name="candidate_one_per_month_metric_scope"),
            migrations.RemoveConstraint(model_name="snapshot", name="snapshot_one_per_month_metric_scope"),
            migrations.RemoveField(model_name="candidatesnapshot", name="id"),
            migrations.RemoveField(model_name="snapshot", name="id"),
            migrations.AddField(model_name="candidatesnapshot", name="pk", field=KEY.clone()),
            migrations.AddField(model_name="snapshot", name="pk", field=KEY.clone()),
        ]),
        # Applied: the tables rebuilt from the new models.
        migrations.RunPython(_rebuild(MODELS), migrations.RunPython.noop),
    ]

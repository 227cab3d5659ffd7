"""The ICU collation "vi-x-icu" that orders people's and departments' names (recordsportal/names.py).

PostgreSQL servers built with ICU predefine it in pg_catalog; this creates it in the public
schema only where it is missing, so a server whose ICU locales were not imported at initdb still
sorts names. SQLite gets a Python collation of the same name on each connection instead."""

import django.db.models.functions.comparison
from django.db import migrations, models

CREATE = """
DO $$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM pg_collation WHERE collname = 'vi-x-icu') THEN
        CREATE COLLATION "vi-x-icu" (provider = icu, locale = 'vi');
    END IF;
END
$$;
"""


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE)


class Migration(migrations.Migration):
    dependencies = [("recordsportal", "0003_role_grant")]

    # Nothing to undo: a predefined collation is not ours to drop, and a created one is harmless.
    operations = [
        migrations.RunPython(forwards, migrations.RunPython.noop),
        migrations.AlterModelOptions(
            name="user",
            options={
                "ordering": [
                    models.OrderBy(django.db.models.functions.comparison.Collate(models.F("full_name"), "vi-x-icu")),
                    "username",
                ],
                "verbose_name": "người dùng",
                "verbose_name_plural": "người dùng",
            },
        ),
    ]

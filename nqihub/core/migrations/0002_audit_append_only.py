"""Make the audit log append-only in the database itself, not only in the model.

SQLite and PostgreSQL both refuse UPDATE of core_auditevent. PostgreSQL also refuses DELETE; on SQLite a DELETE
trigger would break the test runner's flush between transactional tests, so there the model's refusal (and the
absence of any delete path in the application) is the guard. TRUNCATE, used by database administrators and the
PostgreSQL test runner, fires no row trigger.
"""

from django.db import migrations

SQLITE_FORWARD = [
    """CREATE TRIGGER core_auditevent_no_update BEFORE UPDATE ON core_auditevent
       BEGIN SELECT RAISE(ABORT, 'audit events are append-only'); END;""",
]
SQLITE_BACKWARD = ["DROP TRIGGER IF EXISTS core_auditevent_no_update;"]

POSTGRES_FORWARD = [
    """CREATE OR REPLACE FUNCTION core_auditevent_refuse() RETURNS trigger AS $$
       BEGIN RAISE EXCEPTION 'audit events are append-only'; END; $$ LANGUAGE plpgsql;""",
    """CREATE TRIGGER core_auditevent_no_update BEFORE UPDATE OR DELETE ON core_auditevent
       FOR EACH ROW EXECUTE FUNCTION core_auditevent_refuse();""",
]
POSTGRES_BACKWARD = [
    "DROP TRIGGER IF EXISTS core_auditevent_no_update ON core_auditevent;",
    "DROP FUNCTION IF EXISTS core_auditevent_refuse();",
]


def _run(statements_by_vendor):
    def run(apps, schema_editor):
        for statement in statements_by_vendor.get(schema_editor.connection.vendor, []):
            schema_editor.execute(statement)

    return run


class Migration(migrations.Migration):
    dependencies = [("core", "0001_initial")]

    operations = [
        migrations.RunPython(
            _run({"sqlite": SQLITE_FORWARD, "postgresql": POSTGRES_FORWARD}),
            _run({"sqlite": SQLITE_BACKWARD, "postgresql": POSTGRES_BACKWARD}),
        )
    ]

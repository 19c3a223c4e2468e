from django.db import migrations


class PostgresOnlySQL(migrations.RunSQL):
    """Raw SQL that runs on PostgreSQL and is skipped on SQLite (the zero-set-up default)."""

    def database_forwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor == "postgresql":
            super().database_forwards(app_label, schema_editor, from_state, to_state)

    def database_backwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor == "postgresql":
            super().database_backwards(app_label, schema_editor, from_state, to_state)

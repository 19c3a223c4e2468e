"""Writing and updating many rows at once (imports, generated test data).

On PostgreSQL, inserts go through COPY, which adapts values in C: bulk_create sends each
column as an array that psycopg escapes in Python, 0.7 s for 10,000 change records or
entries where COPY takes well under half. Elsewhere, bulk_create and bulk_update. A write of
more rows than a table holds sets its indexes aside (indexes_set_aside).
"""

from contextlib import contextmanager

from django.db import connections


def bulk_insert(model, objects, *, using="default", new_ids=False):
    """Insert the objects; with new_ids, each gets its id (from the table's sequence, on
    PostgreSQL) for the caller that writes their relations next."""
    objects = list(objects)
    if not objects:
        return
    connection = connections[using]
    if connection.vendor != "postgresql":
        model.objects.bulk_create(objects)
        return
    if new_ids:
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
                [model._meta.db_table, model._meta.pk.column, len(objects)],
            )
            for obj, (pk,) in zip(objects, cursor.fetchall(), strict=True):
                obj.pk = pk
    with_ids = objects[0].pk is not None
    fields = [
        field
        for field in model._meta.concrete_fields
        if not field.generated and (with_ids or not field.primary_key)
    ]
    table = connection.ops.quote_name(model._meta.db_table)
    columns = ", ".join(connection.ops.quote_name(field.column) for field in fields)
    with (
        connection.cursor() as cursor,
        cursor.cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy,
    ):
        for obj in objects:
            # pre_save fills auto_now_add and the like, as save() and bulk_create do.
            copy.write_row(
                [field.get_db_prep_save(field.pre_save(obj, True), connection) for field in fields]
            )
    for obj in objects:  # saved, as bulk_create leaves them
        obj._state.adding, obj._state.db = False, using


def bulk_update(model, objects, field_names, *, using="default", batch_size=1000):
    """Write these fields of these rows. On PostgreSQL one UPDATE ... FROM (VALUES ...)
    per thousand rows: bulk_update's CASE per row and column took 7 s for 10,000 rows
    (bench/import_directory.py), this a fraction of it."""
    objects = list(objects)
    connection = connections[using]
    if connection.vendor != "postgresql":
        model.objects.bulk_update(objects, field_names, batch_size=batch_size)
        return
    meta = model._meta
    fields = [meta.pk, *(meta.get_field(name) for name in field_names)]
    quote = connection.ops.quote_name
    # Each value cast to its column's type: VALUES alone would guess text.
    row = "(" + ", ".join(f"%s::{field.cast_db_type(connection)}" for field in fields) + ")"
    names = ", ".join(quote(field.column) for field in fields)
    assignments = ", ".join(f"{quote(f.column)} = v.{quote(f.column)}" for f in fields[1:])
    table, pk = quote(meta.db_table), quote(meta.pk.column)
    for start in range(0, len(objects), batch_size):
        batch = objects[start : start + batch_size]
        params = [
            field.get_db_prep_save(getattr(obj, field.attname), connection)
            for obj in batch
            for field in fields
        ]
        with connection.cursor() as cursor:
            cursor.execute(
                f"UPDATE {table} SET {assignments} FROM (VALUES {', '.join([row] * len(batch))})"  # noqa: S608 (names from the model)
                f" AS v({names}) WHERE {table}.{pk} = v.{pk}",
                params,
            )


@contextmanager
def indexes_set_aside(tables, *, using="default", maintenance_work_mem="512MB"):
    """Drop the non-unique indexes and the foreign keys of these PostgreSQL tables, and make
    them again on leaving, for a bulk write of more rows than the tables hold.

    Each row written then pays no index entry and no foreign-key check (a trigger per row
    and key); building an index once over all rows, and checking a key with one join, cost
    far less. Unique indexes and constraints stay and keep refusing duplicates. Call inside
    a transaction: PostgreSQL's DDL is transactional, so a failed write rolls the drops back
    with it (and the tables stay locked against other writers until the commit), and before
    anything else is written to these tables in it (PostgreSQL alters no table that still
    owes deferred foreign-key checks)."""
    connection = connections[using]
    if not connection.in_atomic_block:
        raise RuntimeError("indexes_set_aside needs a transaction")
    with connection.cursor() as cursor:
        cursor.execute(
            # Foreign keys first when dropping, last when making them again: a key needs
            # the unique index it refers to, never one of these.
            """
            SELECT conrelid::regclass::text, conname, pg_get_constraintdef(oid)
            FROM pg_constraint WHERE contype = 'f' AND conrelid::regclass::text = ANY(%s)
            ORDER BY 1, 2
            """,
            [list(tables)],
        )
        keys = cursor.fetchall()
        cursor.execute(
            """
            SELECT i.indexrelid::regclass::text, pg_get_indexdef(i.indexrelid)
            FROM pg_index i
            WHERE i.indrelid::regclass::text = ANY(%s) AND NOT i.indisunique
                AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = i.indexrelid)
            ORDER BY 1
            """,
            [list(tables)],
        )
        indexes = cursor.fetchall()
        quote = connection.ops.quote_name
        for table, name, _definition in keys:
            cursor.execute(f"ALTER TABLE {quote(table)} DROP CONSTRAINT {quote(name)}")
        for name, _definition in indexes:
            cursor.execute(f"DROP INDEX {quote(name)}")
    yield
    with connection.cursor() as cursor:
        # Enough memory to sort a million rows' keys in one pass; for this transaction only.
        cursor.execute(
            "SELECT set_config('maintenance_work_mem', %s, true)", [maintenance_work_mem]
        )
        for _name, definition in indexes:
            cursor.execute(definition)
        for table, name, definition in keys:
            cursor.execute(f"ALTER TABLE {quote(table)} ADD CONSTRAINT {quote(name)} {definition}")

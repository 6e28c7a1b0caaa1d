"""full sets in the seat stamp: how many published offerings and class sessions are full,
and the sum of their ids, kept by triggers instead of counted on every catalogue request

Revision ID: 0014
Revises: 0013 (search alerts)
Create Date: 2026-12-02 01:00:00

The catalogue's cached results are keyed by the set of full offerings and of full class
sessions. Counting them read a partial index on every request: a cost that grew with the
number of full offerings (0.4 ms at 5,400 of them). Now the triggers that bump the seat stamp
also keep, in the same shard row, the count and the id sum of the full ones, changed only when
a row becomes full or stops being full, so the key is the sum of 64 rows at any size. The
partial indexes that the count read are dropped.
"""

import sqlalchemy as sa
from alembic import op

revision = "0014"
down_revision = "0013"
branch_labels = None
depends_on = None

SHARDS = 64  # app.models.catalogue.SEAT_STAMP_SHARDS
COLUMNS = ("full_offerings", "full_offering_ids", "full_classes", "full_class_ids")

# The predicates of the partial indexes this replaces, for the row prefix ``row``.
FULL_OFFERING = "{row}status = 'published' AND {row}seats_taken >= {row}capacity"
FULL_CLASS = "{row}pupils_taken >= {row}capacity"


def _full(predicate: str, row: str) -> str:
    return f"({predicate.format(row=row)})"


# One trigger per table and operation. ``{delta}`` is +1 when the row became full, -1 when it
# stopped being full; the WHEN clause leaves every other change alone.
SQLITE_SHIFT = (
    "INSERT INTO seat_stamp (shard, changes, {count}, {ids})"
    " VALUES ({key} % 64, 0, {delta}, ({delta}) * {key})"
    " ON CONFLICT (shard) DO UPDATE SET {count} = {count} + excluded.{count},"
    " {ids} = {ids} + excluded.{ids};"
)


# table: (what makes its row full, the key of its shard, the seat stamp's two columns)
TABLES = {
    "offering": (FULL_OFFERING, "id", "full_offerings", "full_offering_ids"),
    "class_session": (FULL_CLASS, "session_id", "full_classes", "full_class_ids"),
}


def _sqlite_triggers():
    for table, (full, key, count, ids) in TABLES.items():
        new, old = _full(full, "NEW."), _full(full, "OLD.")
        cases = {
            "insert": (f"AFTER INSERT ON {table} WHEN {new}", "1", f"NEW.{key}"),
            "delete": (f"AFTER DELETE ON {table} WHEN {old}", "-1", f"OLD.{key}"),
            "update": (
                f"AFTER UPDATE ON {table} WHEN {new} IS NOT {old}",
                f"CASE WHEN {new} THEN 1 ELSE -1 END",
                f"NEW.{key}",
            ),
        }
        for operation, (when, delta, row_key) in cases.items():
            shift = SQLITE_SHIFT.format(count=count, ids=ids, key=row_key, delta=delta)
            yield f"full_set_{table}_{operation}", f"{when} BEGIN {shift} END"


POSTGRES_FUNCTION = """
CREATE OR REPLACE FUNCTION full_set_{table}() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    was integer := 0;
    is_now integer := 0;
    key bigint;
BEGIN
    IF TG_OP <> 'INSERT' THEN
        was := {old}::integer;
        key := OLD.{key};
    END IF;
    IF TG_OP <> 'DELETE' THEN
        is_now := {new}::integer;
        key := NEW.{key};
    END IF;
    IF is_now <> was THEN
        INSERT INTO seat_stamp (shard, changes, {count}, {ids})
        VALUES (key % 64, 0, is_now - was, (is_now - was) * key)
        ON CONFLICT (shard) DO UPDATE SET
            {count} = seat_stamp.{count} + excluded.{count},
            {ids} = seat_stamp.{ids} + excluded.{ids};
    END IF;
    RETURN NULL;
END
$$
"""


# What every shard holds of the rows there are when this runs.
def _fill(table: str, full: str, key: str, count: str, ids: str) -> str:
    rows = f"FROM {table} r WHERE {_full(full, 'r.')} AND r.{key} % 64 = seat_stamp.shard"
    return (
        f"UPDATE seat_stamp SET {count} = (SELECT count(*) {rows}),"  # noqa: S608 (constants)
        f" {ids} = (SELECT coalesce(sum(r.{key}), 0) {rows})"
    )


def upgrade():
    for name in COLUMNS:
        op.add_column(
            "seat_stamp",
            sa.Column(name, sa.BigInteger(), nullable=False, server_default=sa.text("0")),
        )
    op.execute(
        "INSERT INTO seat_stamp (shard, changes) VALUES "  # noqa: S608 (numbers)
        + ", ".join(f"({shard}, 0)" for shard in range(SHARDS))
        + " ON CONFLICT (shard) DO NOTHING"
    )
    for table, parts in TABLES.items():
        op.execute(_fill(table, *parts))
    if op.get_bind().dialect.name == "postgresql":
        for table, (full, key, count, ids) in TABLES.items():
            old, new = _full(full, "OLD."), _full(full, "NEW.")
            op.execute(
                POSTGRES_FUNCTION.format(
                    table=table, old=old, new=new, key=key, count=count, ids=ids
                )
            )
            op.execute(
                f"CREATE TRIGGER full_set_{table} AFTER INSERT OR UPDATE OR DELETE ON {table}"
                f" FOR EACH ROW EXECUTE FUNCTION full_set_{table}()"
            )
    else:
        for name, body in _sqlite_triggers():
            op.execute(f"CREATE TRIGGER {name} {body}")
    for table in TABLES:
        op.drop_index(f"ix_{table}_full", table_name=table)


def downgrade():
    for table, (full, key, _count, _ids) in TABLES.items():
        where = sa.text(full.format(row=""))
        op.create_index(
            f"ix_{table}_full", table, [key], sqlite_where=where, postgresql_where=where
        )
    if op.get_bind().dialect.name == "postgresql":
        for table in TABLES:
            op.execute(f"DROP TRIGGER full_set_{table} ON {table}")
            op.execute(f"DROP FUNCTION full_set_{table}()")
    else:
        for name, _body in _sqlite_triggers():
            op.execute(f"DROP TRIGGER {name}")
    # SQLite drops a column in place (3.35 and later): no copy of the table its triggers name.
    for name in COLUMNS:
        op.drop_column("seat_stamp", name)

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


def _sqlite_triggers():
    tables = {
        "offering": (FULL_OFFERING, "id", "full_offerings", "full_offering_ids"),
        "class_session": (FULL_CLASS, "session_id", "full_classes", "full_class_ids"),
    }
    for table, (full, key, count, ids) in tables.items():
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


POSTGRES_FUNCTION = f"""
CREATE OR REPLACE FUNCTION full_set_shift() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    was integer := 0;
    is_now integer := 0;
    key bigint;
BEGIN
    IF TG_TABLE_NAME = 'offering' THEN
        IF TG_OP <> 'INSERT' THEN
            was := {_full(FULL_OFFERING, "OLD.")}::integer;
            key := OLD.id;
        END IF;
        IF TG_OP <> 'DELETE' THEN
            is_now := {_full(FULL_OFFERING, "NEW.")}::integer;
            key := NEW.id;
        END IF;
        IF is_now <> was THEN
            INSERT INTO seat_stamp (shard, changes, full_offerings, full_offering_ids)
            VALUES (key % 64, 0, is_now - was, (is_now - was) * key)
            ON CONFLICT (shard) DO UPDATE SET
                full_offerings = seat_stamp.full_offerings + excluded.full_offerings,
                full_offering_ids = seat_stamp.full_offering_ids + excluded.full_offering_ids;
        END IF;
    ELSE
        IF TG_OP <> 'INSERT' THEN
            was := {_full(FULL_CLASS, "OLD.")}::integer;
            key := OLD.session_id;
        END IF;
        IF TG_OP <> 'DELETE' THEN
            is_now := {_full(FULL_CLASS, "NEW.")}::integer;
            key := NEW.session_id;
        END IF;
        IF is_now <> was THEN
            INSERT INTO seat_stamp (shard, changes, full_classes, full_class_ids)
            VALUES (key % 64, 0, is_now - was, (is_now - was) * key)
            ON CONFLICT (shard) DO UPDATE SET
                full_classes = seat_stamp.full_classes + excluded.full_classes,
                full_class_ids = seat_stamp.full_class_ids + excluded.full_class_ids;
        END IF;
    END IF;
    RETURN NULL;
END
$$
"""  # noqa: S608 (the predicates above)
POSTGRES_TABLES = ("offering", "class_session")

# What every shard holds of the rows there are when this runs.
FILL = (
    "UPDATE seat_stamp SET"  # noqa: S608 (the predicates above)
    " full_offerings = (SELECT count(*) FROM offering o"
    f"  WHERE {_full(FULL_OFFERING, 'o.')} AND o.id % 64 = seat_stamp.shard),"
    " full_offering_ids = (SELECT coalesce(sum(o.id), 0) FROM offering o"
    f"  WHERE {_full(FULL_OFFERING, 'o.')} AND o.id % 64 = seat_stamp.shard),"
    " full_classes = (SELECT count(*) FROM class_session c"
    f"  WHERE {_full(FULL_CLASS, 'c.')} AND c.session_id % 64 = seat_stamp.shard),"
    " full_class_ids = (SELECT coalesce(sum(c.session_id), 0) FROM class_session c"
    f"  WHERE {_full(FULL_CLASS, 'c.')} AND c.session_id % 64 = seat_stamp.shard)"
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
    op.execute(FILL)
    if op.get_bind().dialect.name == "postgresql":
        op.execute(POSTGRES_FUNCTION)
        for table in POSTGRES_TABLES:
            op.execute(
                f"CREATE TRIGGER full_set_{table} AFTER INSERT OR UPDATE OR DELETE ON {table}"
                " FOR EACH ROW EXECUTE FUNCTION full_set_shift()"
            )
    else:
        for name, body in _sqlite_triggers():
            op.execute(f"CREATE TRIGGER {name} {body}")
    op.drop_index("ix_offering_full", table_name="offering")
    op.drop_index("ix_class_session_full", table_name="class_session")


def downgrade():
    op.create_index(
        "ix_class_session_full",
        "class_session",
        ["session_id"],
        sqlite_where=sa.text(FULL_CLASS.format(row="")),
        postgresql_where=sa.text(FULL_CLASS.format(row="")),
    )
    op.create_index(
        "ix_offering_full",
        "offering",
        ["id"],
        sqlite_where=sa.text(FULL_OFFERING.format(row="")),
        postgresql_where=sa.text(FULL_OFFERING.format(row="")),
    )
    if op.get_bind().dialect.name == "postgresql":
        for table in POSTGRES_TABLES:
            op.execute(f"DROP TRIGGER full_set_{table} ON {table}")
        op.execute("DROP FUNCTION full_set_shift()")
    else:
        for name, _body in _sqlite_triggers():
            op.execute(f"DROP TRIGGER {name}")
    # SQLite drops a column in place (3.35 and later): no copy of the table its triggers name.
    for name in COLUMNS:
        op.drop_column("seat_stamp", name)

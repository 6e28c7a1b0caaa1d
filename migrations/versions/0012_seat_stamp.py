"""seat stamp: a number that moves with every seat taken or freed, so a cached catalogue page
is found with one statement

Revision ID: 0012
Revises: 0011 (class seats in the catalogue's keys, which indexes the next session to start)
Create Date: 2026-12-01 17:30:00

The stamp is the sum of SHARDS counters, bumped by triggers in the transaction of every
change of an offering's seats or a class session's pupils (whatever code makes it), each
change bumping the counter of its own offering's (or session's) shard: offerings enrolling
at once mostly bump different rows, and one offering's rush already queues on its own row.

"""

import sqlalchemy as sa
from alembic import op

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None

SHARDS = 64  # app.models.catalogue.SEAT_STAMP_SHARDS, and the 64 of the PostgreSQL function

SQLITE_BUMP = (
    "INSERT INTO seat_stamp (shard, changes) VALUES ({key} % {shards}, 1)"
    " ON CONFLICT (shard) DO UPDATE SET changes = changes + 1;"
)
SQLITE_TRIGGERS = {
    "seat_stamp_offering": (
        "AFTER UPDATE OF seats_taken ON offering WHEN NEW.seats_taken IS NOT OLD.seats_taken",
        "NEW.id",
    ),
    "seat_stamp_class_session_insert": ("AFTER INSERT ON class_session", "NEW.session_id"),
    "seat_stamp_class_session_update": ("AFTER UPDATE ON class_session", "NEW.session_id"),
    "seat_stamp_class_session_delete": ("AFTER DELETE ON class_session", "OLD.session_id"),
}

POSTGRES_FUNCTION = """
CREATE OR REPLACE FUNCTION seat_stamp_bump() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    key bigint;
BEGIN
    IF TG_TABLE_NAME = 'offering' THEN
        key := NEW.id;
    ELSIF TG_OP = 'DELETE' THEN
        key := OLD.session_id;
    ELSE
        key := NEW.session_id;
    END IF;
    INSERT INTO seat_stamp (shard, changes) VALUES (key % 64, 1)
    ON CONFLICT (shard) DO UPDATE SET changes = seat_stamp.changes + 1;
    RETURN NULL;
END
$$
"""
POSTGRES_TRIGGERS = (
    "CREATE TRIGGER seat_stamp_offering AFTER UPDATE OF seats_taken ON offering FOR EACH ROW"
    " WHEN (NEW.seats_taken IS DISTINCT FROM OLD.seats_taken) EXECUTE FUNCTION seat_stamp_bump()",
    "CREATE TRIGGER seat_stamp_class_session AFTER INSERT OR UPDATE OR DELETE ON class_session"
    " FOR EACH ROW EXECUTE FUNCTION seat_stamp_bump()",
)


def upgrade():
    table = op.create_table(
        "seat_stamp",
        sa.Column("shard", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("changes", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("shard", name=op.f("pk_seat_stamp")),
    )
    op.bulk_insert(table, [{"shard": shard, "changes": 0} for shard in range(SHARDS)])
    if op.get_bind().dialect.name == "postgresql":
        op.execute(POSTGRES_FUNCTION)
        for statement in POSTGRES_TRIGGERS:
            op.execute(statement)
    else:
        for name, (when, key) in SQLITE_TRIGGERS.items():
            bump = SQLITE_BUMP.format(key=key, shards=SHARDS)
            op.execute(f"CREATE TRIGGER {name} {when} BEGIN {bump} END")


def downgrade():
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER seat_stamp_class_session ON class_session")
        op.execute("DROP TRIGGER seat_stamp_offering ON offering")
        op.execute("DROP FUNCTION seat_stamp_bump()")
    else:
        for name in SQLITE_TRIGGERS:
            op.execute(f"DROP TRIGGER {name}")
    op.drop_table("seat_stamp")

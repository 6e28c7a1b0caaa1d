"""catalogue version: the number cached catalogue pages are keyed by; indexes for its keys

Revision ID: 0010
Revises: 0009 (offering images)
Create Date: 2026-12-01 14:45:00

"""

import sqlalchemy as sa
from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None

FULL_PUBLISHED = "status = 'published' AND seats_taken >= capacity"
BOUNDARIES = ("enrolment_opens", "enrolment_closes", "starts_at", "ends_at")


def upgrade():
    table = op.create_table(
        "catalogue_version",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("version", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_catalogue_version")),
    )
    op.bulk_insert(table, [{"id": 1, "version": 0}])
    for column in BOUNDARIES:
        op.create_index(op.f(f"ix_offering_{column}"), "offering", [column])
    op.create_index(
        "ix_offering_full",
        "offering",
        ["id"],
        postgresql_where=sa.text(FULL_PUBLISHED),
        sqlite_where=sa.text(FULL_PUBLISHED),
    )


def downgrade():
    op.drop_index("ix_offering_full", table_name="offering")
    for column in BOUNDARIES:
        op.drop_index(op.f(f"ix_offering_{column}"), table_name="offering")
    op.drop_table("catalogue_version")

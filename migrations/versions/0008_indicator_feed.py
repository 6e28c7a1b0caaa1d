"""indicator feed: deltas appended instead of shared figures updated; every place says
whether it was ever confirmed or waiting

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-01 14:25:00

"""

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "indicator_delta",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=40), nullable=False),
        sa.Column("dimension", sa.String(length=40), nullable=False),
        sa.Column("key", sa.String(length=120), nullable=False),
        sa.Column("value", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_indicator_delta")),
    )
    op.create_index("ix_indicator_delta_year_code", "indicator_delta", ["year", "code"])
    with op.batch_alter_table("enrolment") as batch:
        for name in ("ever_confirmed", "ever_waited"):
            batch.add_column(
                sa.Column(name, sa.Boolean(), server_default=sa.false(), nullable=False)
            )
    enrolment = sa.table(
        "enrolment", sa.column("id"), sa.column("ever_confirmed"), sa.column("ever_waited")
    )
    event = sa.table("enrolment_event", sa.column("enrolment_id"), sa.column("status"))
    for name, status in (("ever_confirmed", "confirmed"), ("ever_waited", "waiting")):
        happened = sa.exists().where(
            event.c.enrolment_id == enrolment.c.id, event.c.status == status
        )
        op.execute(enrolment.update().values({name: happened}))


def downgrade():
    with op.batch_alter_table("enrolment") as batch:
        batch.drop_column("ever_waited")
        batch.drop_column("ever_confirmed")
    op.drop_index("ix_indicator_delta_year_code", table_name="indicator_delta")
    op.drop_table("indicator_delta")

"""search alerts: saved searches emailed when a matching offering is published

Revision ID: 0013
Revises: 0012 (seat stamp)
Create Date: 2026-12-01 17:30:00

"""

import sqlalchemy as sa
from alembic import op

revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "search_alert",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("key", sa.String(length=40), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=True),
        sa.Column("email", sa.String(length=254), nullable=True),
        sa.Column("lang", sa.String(length=2), nullable=False),
        sa.Column("search_text", sa.String(length=200), nullable=False),
        sa.Column("query", sa.String(length=200), nullable=False),
        sa.Column("filters", sa.Text(), nullable=False),
        sa.Column("criteria", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("confirmed_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["user_account.id"],
            name=op.f("fk_search_alert_user_id_user_account"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_search_alert")),
        sa.UniqueConstraint("key", name=op.f("uq_search_alert_key")),
        sa.UniqueConstraint("user_id", "criteria", name=op.f("uq_search_alert_user_id_criteria")),
        sa.UniqueConstraint("email", "criteria", name=op.f("uq_search_alert_email_criteria")),
    )
    op.create_index(op.f("ix_search_alert_user_id"), "search_alert", ["user_id"])
    op.create_index(op.f("ix_search_alert_confirmed_at"), "search_alert", ["confirmed_at"])
    op.create_table(
        "search_alert_delivery",
        sa.Column("alert_id", sa.Integer(), nullable=False),
        sa.Column("offering_id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["alert_id"],
            ["search_alert.id"],
            name=op.f("fk_search_alert_delivery_alert_id_search_alert"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["offering_id"],
            ["offering.id"],
            name=op.f("fk_search_alert_delivery_offering_id_offering"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("alert_id", "offering_id", name=op.f("pk_search_alert_delivery")),
    )
    op.create_index(
        op.f("ix_search_alert_delivery_offering_id"), "search_alert_delivery", ["offering_id"]
    )
    op.create_table(
        "alert_pending_offering",
        sa.Column("offering_id", sa.Integer(), nullable=False),
        sa.Column("published_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["offering_id"],
            ["offering.id"],
            name=op.f("fk_alert_pending_offering_offering_id_offering"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("offering_id", name=op.f("pk_alert_pending_offering")),
    )
    op.create_table(
        "alert_demand",
        sa.Column("year", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("term", sa.String(length=120), nullable=False),
        sa.Column("count", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("year", "term", name=op.f("pk_alert_demand")),
    )
    with op.batch_alter_table("outbox_message") as batch:
        batch.add_column(sa.Column("headers", sa.Text(), nullable=True))


def downgrade():
    with op.batch_alter_table("outbox_message") as batch:
        batch.drop_column("headers")
    op.drop_table("alert_demand")
    op.drop_table("alert_pending_offering")
    op.drop_index(op.f("ix_search_alert_delivery_offering_id"), table_name="search_alert_delivery")
    op.drop_table("search_alert_delivery")
    op.drop_index(op.f("ix_search_alert_confirmed_at"), table_name="search_alert")
    op.drop_index(op.f("ix_search_alert_user_id"), table_name="search_alert")
    op.drop_table("search_alert")

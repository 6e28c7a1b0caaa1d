"""class seats in the catalogue's cache keys: full class sessions, the next session start

Revision ID: 0011
Revises: 0010 (catalogue version)
Create Date: 2026-12-01 17:30:00

"""

import sqlalchemy as sa
from alembic import op

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None

FULL_CLASS_SESSION = "pupils_taken >= capacity"


def upgrade():
    op.create_index(op.f("ix_session_starts_at"), "session", ["starts_at"])
    op.create_index(
        "ix_class_session_full",
        "class_session",
        ["session_id"],
        postgresql_where=sa.text(FULL_CLASS_SESSION),
        sqlite_where=sa.text(FULL_CLASS_SESSION),
    )


def downgrade():
    op.drop_index("ix_class_session_full", table_name="class_session")
    op.drop_index(op.f("ix_session_starts_at"), table_name="session")

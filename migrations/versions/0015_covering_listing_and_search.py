"""covering indexes for the listing index and the search: the offering's mode in the
listing's index, each term's weight in the search's

Revision ID: 0015
Revises: 0014 (full sets in the seat stamp)
Create Date: 2026-12-02 04:30:00

Each worker builds its listing index (app/services/catalogue/index.py) from the listing's
covering index, which lacked the mode: every offering's row was read for it (230 ms against
160 ms at 100,000 offerings on SQLite). A search's matching read each matched term's row for
its weight: with the weight in the term index it reads that index alone, 4x faster at
100,000 offerings (12 ms against 49 ms for two words matching 6,500 offerings).
"""

import sqlalchemy as sa
from alembic import op

revision = "0015"
down_revision = "0014"
branch_labels = None
depends_on = None

# Each index, and the column it gains last.
GAINED = {
    ("offering", "ix_offering_listing"): "mode",
    ("search_term", "ix_search_term_term"): "weight",
}


def _rebuild(table: str, index: str, columns) -> None:
    with op.batch_alter_table(table) as batch_op:
        batch_op.drop_index(index)
        batch_op.create_index(index, list(columns), unique=False)


def _columns(table: str, index: str) -> list[str]:
    """The index's columns as they stand (its first columns are those of earlier revisions)."""
    found = sa.inspect(op.get_bind()).get_indexes(table)
    return next(each["column_names"] for each in found if each["name"] == index)


def upgrade():
    for (table, index), column in GAINED.items():
        _rebuild(table, index, [*_columns(table, index), column])


def downgrade():
    for (table, index), column in GAINED.items():
        _rebuild(table, index, [name for name in _columns(table, index) if name != column])

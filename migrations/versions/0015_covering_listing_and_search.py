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

from alembic import op

revision = "0015"
down_revision = "0014"
branch_labels = None
depends_on = None

LISTING = [
    "status",
    "starts_at",
    "ends_at",
    "programme_id",
    "kind",
    "municipality_id",
    "format",
    "seats_taken",
    "capacity",
    "price_cents",
    "enrolment_opens",
    "enrolment_closes",
]


def _indexes(listing: list[str], term: list[str]) -> None:
    with op.batch_alter_table("offering") as batch_op:
        batch_op.drop_index("ix_offering_listing")
        batch_op.create_index("ix_offering_listing", listing, unique=False)
    with op.batch_alter_table("search_term") as batch_op:
        batch_op.drop_index("ix_search_term_term")
        batch_op.create_index("ix_search_term_term", term, unique=False)


def upgrade():
    _indexes([*LISTING, "mode"], ["term", "offering_id", "weight"])


def downgrade():
    _indexes(LISTING, ["term", "offering_id"])

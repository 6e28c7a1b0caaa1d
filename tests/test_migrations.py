import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import downgrade, upgrade

from app.extensions import db
from app.models.types import render_migration_item, utcnow
from app.services.catalogue import catalogue_state
from tests.factories import make_offering
from tests.services.test_catalogue_version import counted_full_sets


def test_upgrading_an_empty_database_to_head_leaves_no_drift_from_the_models(app):
    # The session's database was built by `upgrade()` alone, from empty (see conftest).
    with app.app_context(), db.engine.connect() as connection:
        context = MigrationContext.configure(
            connection,
            opts={"compare_type": True, "render_item": render_migration_item},
        )
        assert compare_metadata(context, db.metadata) == []


def test_every_migration_goes_down_to_base_and_up_again(app):
    with app.app_context():
        db.session.remove()
        tables = set(sa.inspect(db.engine).get_table_names())
        try:
            downgrade(revision="base")
            assert set(sa.inspect(db.engine).get_table_names()) <= {"alembic_version"}
            upgrade()
            assert set(sa.inspect(db.engine).get_table_names()) == tables
        finally:
            upgrade()  # whatever happened, the next tests on this worker need the schema


def test_the_seat_stamp_migration_counts_the_full_rows_already_there(app):
    """0014 moves the full sets into the seat stamp: it must start from the rows it finds."""
    with app.app_context():
        full = make_offering(db.session, capacity=2, seats_taken=2)
        make_offering(db.session, capacity=2, seats_taken=1)
        db.session.commit()
        full_id = full.id
        db.session.remove()
        try:
            downgrade(revision="0013")
            upgrade()
            state = catalogue_state(db.session, utcnow())
            assert state.full == (1, full_id)
            assert (state.full, state.full_classes) == counted_full_sets(db.session)
        finally:
            upgrade()

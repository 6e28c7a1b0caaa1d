import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from app.extensions import db
from app.models.types import render_migration_item

pytestmark = pytest.mark.both_databases


def test_upgrading_an_empty_database_to_head_leaves_no_drift_from_the_models(app):
    # The session's database was built by `upgrade()` alone, from empty (see conftest).
    with app.app_context(), db.engine.connect() as connection:
        context = MigrationContext.configure(
            connection,
            opts={"compare_type": True, "render_item": render_migration_item},
        )
        assert compare_metadata(context, db.metadata) == []

"""Which Alembic revisions the database still lacks."""

from pathlib import Path

from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory

from app.extensions import db

MIGRATIONS = Path(__file__).resolve().parent.parent.parent / "migrations"


def pending_migrations() -> list[str]:
    """The revisions the code has and the database does not, oldest first."""
    script = ScriptDirectory(str(MIGRATIONS))
    with db.engine.connect() as connection:
        current = MigrationContext.configure(connection).get_current_heads()
    pending = script.iterate_revisions("heads", current or "base")
    return [revision.revision for revision in reversed(list(pending))]

"""Extension objects, created bare; the factory binds them to an app."""

import sqlite3
import time

from flask_babel import Babel
from flask_bootstrap import Bootstrap5
from flask_caching import Cache
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_login import LoginManager
from flask_mail import Mail
from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy
from flask_talisman import Talisman
from flask_wtf import CSRFProtect
from sqlalchemy import MetaData, event, exc
from sqlalchemy.engine import Engine
from sqlalchemy.orm import DeclarativeBase

# Named constraints so that Alembic migrations are reviewable and reversible on both databases.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


db = SQLAlchemy(model_class=Base)


@event.listens_for(Engine, "connect")
def _sqlite_pragmas(dbapi_connection, connection_record):
    """SQLite: enforce foreign keys, let readers run beside the writer, wait for the lock."""
    if isinstance(dbapi_connection, sqlite3.Connection):
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys = ON")
        cursor.execute("PRAGMA journal_mode = WAL")
        cursor.execute("PRAGMA busy_timeout = 30000")
        cursor.close()


# A connection back in the pool for longer than this (seconds) is pinged before it is lent.
PING_AFTER_IDLE = 5.0


def ping_when_idle(engine: Engine) -> None:
    """Test a pooled connection before lending it, as ``pool_pre_ping`` does, but only one
    that has sat in the pool a while: the ones a busy worker lends again at once are alive,
    and a ping before every request was its largest cost on PostgreSQL (0.7 ms, more than the
    catalogue state's statement). A dead one (the server restarted, or closed it when idle)
    is replaced, and every connection older than it with it (the pool's own handling of an
    ``InvalidatePoolError`` on checkout), before the request sees it."""

    @event.listens_for(engine, "checkin")
    def returned(dbapi_connection, record):
        record.info["idle_since"] = time.monotonic()

    @event.listens_for(engine, "checkout")
    def lent(dbapi_connection, record, proxy):
        since = record.info.get("idle_since")
        if since is None or time.monotonic() - since < PING_AFTER_IDLE:
            return
        try:
            engine.dialect.do_ping(dbapi_connection)
        except engine.dialect.loaded_dbapi.Error as error:
            raise exc.InvalidatePoolError(
                f"a pooled connection failed its ping: {error}"
            ) from error


migrate = Migrate(render_as_batch=True, compare_type=True)
babel = Babel()
bootstrap = Bootstrap5()
csrf = CSRFProtect()
talisman = Talisman()
login_manager = LoginManager()
mail = Mail()
# Storage from RATELIMIT_STORAGE_URI: memory:// in development, redis://... in production.
limiter = Limiter(key_func=get_remote_address)
# The catalogue's per-version results and anonymous pages (app/catalogue/cached.py).
cache = Cache()

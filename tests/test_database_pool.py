"""A pooled connection is pinged before it is lent only when it has sat in the pool a while
(``ping_when_idle``), and a dead one is replaced before anything runs on it, on both
databases."""

import pytest
import sqlalchemy as sa

from app import extensions
from app.extensions import db, ping_when_idle
from tests.conftest import ON_POSTGRES


@pytest.fixture
def engine(app):
    """An engine of its own on the test database, with one connection in its pool and its
    pings counted (``engine.pings``)."""
    engine = sa.create_engine(app.config["SQLALCHEMY_DATABASE_URI"], pool_size=1)
    ping_when_idle(engine)
    engine.pings = 0
    ping = engine.dialect.do_ping

    def counted(dbapi_connection):
        engine.pings += 1
        return ping(dbapi_connection)

    engine.dialect.do_ping = counted
    yield engine
    engine.dispose()


def _lend(engine):
    """(the driver's connection lent, what SELECT 1 gives on it), the connection returned."""
    with engine.connect() as connection:
        return connection.connection.dbapi_connection, connection.scalar(sa.text("SELECT 1"))


def test_a_connection_lent_again_at_once_is_not_pinged_and_an_idle_one_is(engine, monkeypatch):
    first, _ = _lend(engine)  # a new connection: nothing to ping
    again, _ = _lend(engine)
    assert again is first
    assert engine.pings == 0

    monkeypatch.setattr(extensions, "PING_AFTER_IDLE", 0.0)  # every return counts as idle
    idle, answer = _lend(engine)
    assert (idle, answer) == (first, 1)
    assert engine.pings == 1


def test_a_dead_connection_is_replaced_before_it_is_used(app, engine, monkeypatch):
    dead, _ = _lend(engine)
    if ON_POSTGRES:
        with engine.connect() as connection:
            pid = connection.scalar(sa.text("SELECT pg_backend_pid()"))
        with app.app_context(), db.engine.connect() as other:
            other.execute(sa.text("SELECT pg_terminate_backend(:pid)"), {"pid": pid})
    else:
        dead.close()  # SQLite has no server to close it: the driver's connection is closed

    monkeypatch.setattr(extensions, "PING_AFTER_IDLE", 0.0)
    replaced, answer = _lend(engine)
    assert answer == 1
    assert replaced is not dead
    assert engine.pings == 1

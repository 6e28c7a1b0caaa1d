"""Test fixtures: one app per run on a real database file, emptied after every test.

The database is SQLite by default. With MOT_TEST_DB=postgres (set by `make test-pg` inside
pg_virtualenv) it is the throwaway PostgreSQL cluster named by the PG* variables: the whole
suite runs on both. With MOT_STRICT=1 (CI) a missing browser or database is
a failure, never a skip.
"""

import os
import re

import pytest
import sqlalchemy as sa
from flask import has_app_context
from flask.testing import FlaskClient
from flask_migrate import upgrade

from app import create_app
from app.catalogue import misses
from app.config import TestConfig
from app.extensions import cache, db, limiter
from app.services.reference import ensure_reference_data
from tests.factories import DEFAULT_PASSWORD

STRICT = os.environ.get("MOT_STRICT") == "1"
ON_POSTGRES = os.environ.get("MOT_TEST_DB") == "postgres"


def unavailable(reason: str):
    """Skip locally, fail in CI."""
    if STRICT:
        pytest.fail(f"required in CI: {reason}")
    pytest.skip(reason)


def database_url(tmp_path_factory, worker: str) -> str:
    """A database of each xdist worker's own: SQLite in a temporary folder, or a database
    made for it in the throwaway PostgreSQL cluster."""
    if ON_POSTGRES:
        if not os.environ.get("PGHOST") and not os.environ.get("PGDATABASE"):
            unavailable("no PostgreSQL cluster (run under pg_virtualenv)")
        # libpq reads PGHOST, PGPORT, PGUSER, PGPASSWORD... from the environment.
        name = f"mot_test_{worker}"
        server = sa.create_engine("postgresql+psycopg://", isolation_level="AUTOCOMMIT")
        with server.connect() as connection:
            connection.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}"'))
            connection.execute(sa.text(f'CREATE DATABASE "{name}"'))
        server.dispose()
        return f"postgresql+psycopg:///{name}"
    return f"sqlite:///{tmp_path_factory.mktemp('db') / 'test.sqlite3'}"


class IsolatedClient(FlaskClient):
    """Every request in an app context of its own, as in production, even when the test holds
    one open (the ``session`` fixture): otherwise requests would share ``g`` (Flask-Login's
    user, Flask-Babel's locale) and the test's database session. The test's session is
    expired afterwards so it reads what the request committed."""

    def open(self, *args, **kwargs):
        outer = db.session() if has_app_context() else None
        with self.application.app_context():
            response = super().open(*args, **kwargs)
        if outer is not None:
            outer.expire_all()
        return response


@pytest.fixture(scope="session")
def app(tmp_path_factory):
    url = database_url(tmp_path_factory, os.environ.get("PYTEST_XDIST_WORKER", "main"))
    settings = {name: getattr(TestConfig, name) for name in dir(TestConfig) if name.isupper()}
    # Flask-Limiter sets up its storage only when enabled at init: enable, then switch it off
    # (TestConfig's intent) until a test asks for it with the ``rate_limits`` fixture.
    uploads = str(tmp_path_factory.mktemp("uploads"))
    app = create_app(
        {
            **settings,
            "SQLALCHEMY_DATABASE_URI": url,
            "RATELIMIT_ENABLED": True,
            "STORAGE_FOLDER": uploads,
        }
    )
    limiter.enabled = False
    app.test_client_class = IsolatedClient
    with app.app_context():
        upgrade()
        ensure_reference_data(db.session)
        db.session.commit()
    return app


@pytest.fixture(autouse=True)
def _empty_database(request):
    """After each test that used the database, delete every row and restore reference data."""
    yield
    if "app" not in request.fixturenames:
        return
    app = request.getfixturevalue("app")
    misses.wait()  # a batch of searches that found nothing being written, by its thread
    with app.app_context():
        db.session.remove()
        with db.engine.begin() as connection:
            for table in reversed(db.metadata.sorted_tables):
                connection.execute(table.delete())
        ensure_reference_data(db.session)
        db.session.commit()


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


CSRF_INPUT = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')


def csrf_token(html: str) -> str:
    """The CSRF token of the first form on a page."""
    match = CSRF_INPUT.search(html)
    assert match, "no csrf_token in the page"
    return match.group(1)


class AuthActions:
    """Log in and out through the real forms, CSRF token included (as a browser would)."""

    def __init__(self, client):
        self._client = client

    def login(self, email, password=DEFAULT_PASSWORD, lang="es", remember=False):
        page = self._client.get(f"/{lang}/auth/login")
        data = {"csrf_token": csrf_token(page.text), "email": email, "password": password}
        if remember:
            data["remember"] = "y"
        return self._client.post(f"/{lang}/auth/login", data=data)

    def logout(self, lang="es"):
        page = self._client.get(f"/{lang}/auth/login")
        return self._client.post(f"/{lang}/auth/logout", data={"csrf_token": csrf_token(page.text)})


@pytest.fixture
def auth(client):
    return AuthActions(client)


@pytest.fixture
def rate_limits(app):
    """Rate limits on for one test, with empty counters before and after."""
    limiter.reset()
    limiter.enabled = True
    yield
    limiter.enabled = False
    limiter.reset()


@pytest.fixture
def session(app):
    """A database session inside an app context, for service tests (no HTTP)."""
    with app.app_context():
        yield db.session
        db.session.rollback()


@pytest.fixture
def count_queries(app):
    """``with count_queries() as queries: ...`` then ``len(queries)``."""
    from contextlib import contextmanager

    @contextmanager
    def counter():
        statements: list[str] = []

        def record(conn, cursor, statement, parameters, context, executemany):
            statements.append(statement)

        with app.app_context():
            engine = db.engine
        sa.event.listen(engine, "before_cursor_execute", record)
        try:
            yield statements
        finally:
            sa.event.remove(engine, "before_cursor_execute", record)

    return counter


@pytest.fixture
def cached(app, tmp_path):
    """The app with its production cache (on disk) and kept listing index, back to none
    afterwards."""
    cache.init_app(app, config={"CACHE_TYPE": "FileSystemCache", "CACHE_DIR": str(tmp_path)})
    app.config["LISTING_INDEX_KEPT"] = True
    yield cache
    app.config["LISTING_INDEX_KEPT"] = False
    app.extensions["listing_index"].clear()
    cache.init_app(app, config={"CACHE_TYPE": "NullCache", "CACHE_NO_NULL_WARNING": True})

"""A real Chromium (Debian's, driven by Playwright) against the app served on loopback.

Never downloads a browser: it uses /usr/bin/chromium. Without it the tests skip locally
and fail in CI (MOT_STRICT=1).
"""

import os
import threading
from pathlib import Path

import pytest
from werkzeug.serving import make_server

from app.demo import seed_demo
from app.extensions import db
from app.models import Offering, OfferingStatus
from tests.conftest import unavailable
from tests.factories import make_offering

CHROMIUM = Path(os.environ.get("CHROMIUM", "/usr/bin/chromium"))
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-quic",
    "--no-first-run",
]
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]


def pytest_collection_modifyitems(items):
    for item in items:
        item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def live_server(app):
    """The test app on a free loopback port, in a thread, sharing the test database."""
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join(timeout=5)


CANCELLED_REF = "TEST-CANCELLED"


@pytest.fixture(scope="session")
def demo_snapshot(app) -> dict[str, list[dict]]:
    """The demo offer (plus a cancelled activity, which the demo lacks), seeded once and kept
    as rows: the importer and the residents' enrolments take seconds, copying the rows back
    takes milliseconds. Every table is kept (users, profiles, enrolments and their events,
    outbox included), in foreign-key order."""
    with app.app_context():
        seed_demo(db.session)
        make_offering(
            db.session,
            external_id=CANCELLED_REF,
            status=OfferingStatus.CANCELLED,
            title_es="Taller de robótica cancelado",
            title_en="Cancelled robotics workshop",
        )
        db.session.commit()
        with db.engine.connect() as connection:
            return {
                table.name: [dict(row) for row in connection.execute(table.select()).mappings()]
                for table in db.metadata.sorted_tables
            }


@pytest.fixture
def demo(app, demo_snapshot) -> dict[str, int]:
    """The demo offer in the database for this test; offering ids by external id.

    Every row is replaced (reference data included) so the ids are the snapshot's; the
    autouse cleanup empties the database after the test as usual.
    """
    with app.app_context(), db.engine.begin() as connection:
        for table in reversed(db.metadata.sorted_tables):
            connection.execute(table.delete())
        for table in db.metadata.sorted_tables:
            if rows := demo_snapshot[table.name]:
                connection.execute(table.insert(), rows)
    return {row["external_id"]: row["id"] for row in demo_snapshot[Offering.__tablename__]}


@pytest.fixture(scope="session")
def browser():
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        unavailable("playwright is not installed")
    if not CHROMIUM.exists():
        unavailable(f"no browser at {CHROMIUM} (apt-get install chromium)")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def open_page(browser, live_server):
    """``open_page(**context_options)``: a page in a fresh browser context on the live server
    (e.g. ``locale="en-GB"``, ``java_script_enabled=False``); closed after the test."""
    contexts = []

    def open_page(**options):
        context = browser.new_context(base_url=live_server, **{"locale": "es-ES", **options})
        context.set_default_timeout(10_000)
        contexts.append(context)
        return context.new_page()

    yield open_page
    for context in contexts:
        context.close()


@pytest.fixture
def page(open_page):
    return open_page()


@pytest.fixture(scope="session")
def axe():
    from axe_playwright_python.sync_playwright import Axe

    return Axe()


@pytest.fixture
def assert_accessible(axe):
    """Run axe-core on the page as it is now: zero WCAG 2.1 A/AA violations."""

    def check(page):
        results = axe.run(page, options={"runOnly": {"type": "tag", "values": WCAG_TAGS}})
        assert results.violations_count == 0, f"{page.url}\n{results.generate_report()}"

    return check

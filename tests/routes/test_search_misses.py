"""Searches that found nothing are counted without a write per request: each worker adds
them up and writes them in batches, and the year's figure is the number of such searches."""

import pytest
from sqlalchemy import select

from app.catalogue import misses
from app.extensions import db
from app.models import SearchMiss
from app.models.types import utcnow
from app.services import indicators
from app.services.indicators.store import stored_values
from tests.factories import make_offering


@pytest.fixture
def batched(app, cached):
    """Batches of three, no time limit, the production cache: then back as the tests run."""
    settings = {"SEARCH_MISS_BATCH": 3, "SEARCH_MISS_SECONDS": 3600}
    before = {name: app.config[name] for name in settings}
    app.config.update(settings)
    misses.wait()
    misses.flush()
    yield
    misses.wait()
    misses.flush()
    app.config.update(before)


def counted(app) -> dict[str, int]:
    with app.app_context():
        return dict(db.session.execute(select(SearchMiss.term, SearchMiss.count)).all())


def writes(statements) -> list[str]:
    return [s for s in statements if s.lstrip().upper().startswith(("INSERT", "UPDATE"))]


def test_searches_that_found_nothing_are_written_once_a_batch_gathers(
    app, client, batched, count_queries
):
    with app.app_context():
        make_offering(db.session, title_es="Robótica")
        db.session.commit()
    # Two different searches, the second asked twice (its page then comes from the cache).
    for url in ("/es/offerings/?q=cocina", "/es/offerings/?q=ganchillo"):
        with count_queries() as statements:
            assert client.get(url).status_code == 200
        assert writes(statements) == []
    assert counted(app) == {}
    client.get("/es/offerings/?q=ganchillo")  # the third: the batch is written, by a thread
    misses.wait()
    assert counted(app) == {"cocina": 1, "ganchillo": 2}
    year = indicators.year_of(utcnow())
    with app.app_context():
        figures = stored_values(db.session, year)
        assert figures[("unmet_searches", "term", "ganchillo")] == 2
        assert figures[("unmet_searches", "", "")] == 3
        indicators.rebuild(db.session, year, now=utcnow())
        db.session.commit()
        assert stored_values(db.session, year) == figures


def test_what_a_worker_gathered_is_written_when_it_flushes_and_adds_up(app, client, batched):
    client.get("/es/offerings/?q=cocina")
    assert counted(app) == {}
    misses.flush()  # as at the worker's exit
    assert counted(app) == {"cocina": 1}
    for _ in range(3):
        client.get("/es/offerings/?q=cocina")
    misses.wait()
    assert counted(app) == {"cocina": 4}


def test_a_search_that_finds_something_is_not_counted(app, client, batched):
    with app.app_context():
        make_offering(db.session, title_es="Robótica")
        db.session.commit()
    for _ in range(4):
        client.get("/es/offerings/?q=robotica")
    misses.flush()
    assert counted(app) == {}

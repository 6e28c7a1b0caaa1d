"""Two gunicorn workers each add up the searches that found nothing and write them when a
batch gathers or the worker exits: none is lost on a graceful stop, and the counts add up."""

from sqlalchemy import select

from app.extensions import db
from app.models import SearchMiss
from tests.processes.servers import Browser, gunicorn

SEARCHES = 16  # enough for both workers to have counted some


def test_two_workers_count_every_search_that_found_nothing_without_a_write_each(app, tmp_path):
    url = app.config["SQLALCHEMY_DATABASE_URI"]
    settings = {
        "CACHE_TYPE": "FileSystemCache",
        "CACHE_DIR": str(tmp_path),
        "SEARCH_MISS_BATCH": "1000",
        "SEARCH_MISS_SECONDS": "3600",
    }
    with gunicorn(url, workers=2, threads=2, **settings) as (base, _):
        browser = Browser(base)
        for number in range(SEARCHES):
            status, _ = browser.request(
                f"/es/offerings/?q={'cocina' if number % 2 else 'ganchillo'}"
            )
            assert status == 200
        with app.app_context():
            assert db.session.scalars(select(SearchMiss)).all() == []  # nothing written yet
            db.session.remove()
    with app.app_context():
        counts = dict(db.session.execute(select(SearchMiss.term, SearchMiss.count)).all())
    assert counts == {"cocina": SEARCHES // 2, "ganchillo": SEARCHES // 2}

"""Two gunicorn workers, each with a cache of its own (the worst case: nothing shared but
the database), never serve a page older than the last change: every key is read from the
database on every request."""

import pytest

from app.extensions import db
from app.models import Offering, OfferingStatus
from app.models.types import utcnow
from app.services import enrolment, offerings
from tests.factories import edit_offering, make_offering, make_user
from tests.processes.servers import Browser, gunicorn

VISITS = 12  # enough for both workers to have served (and cached) each page


def visits(browser: Browser, *paths: str):
    """(status, html) of each of ``paths`` VISITS times, in turn."""
    for path in paths:
        for _ in range(VISITS):
            yield browser.request(path)


@pytest.mark.parametrize("cache_type", ["SimpleCache", "FileSystemCache"])
def test_each_worker_shows_a_seat_taken_or_freed_a_publish_an_edit_and_a_cancellation(
    app, tmp_path, cache_type
):
    with app.app_context():
        offering = make_offering(db.session, capacity=8, title_es="Robótica")
        draft = make_offering(db.session, status=OfferingStatus.DRAFT, title_es="Python rápido")
        offering_id, draft_id = offering.id, draft.id
        db.session.commit()
    page = f"/es/offerings/{offering_id}"
    url = app.config["SQLALCHEMY_DATABASE_URI"]
    settings = {"CACHE_TYPE": cache_type, "CACHE_DIR": str(tmp_path)}
    with gunicorn(url, workers=2, threads=2, **settings) as (base, _):
        browser = Browser(base)
        for status, html in visits(browser, "/es/offerings/", page):
            assert status == 200
            assert "Quedan 8 plazas" in html
            assert "Python rápido" not in html
        with app.app_context():
            user = make_user(db.session)
            place = enrolment.enrol(
                db.session, offering_id=offering_id, user_id=user.id, now=utcnow()
            )
            db.session.commit()
            user_id, place_id = user.id, place.id
        for _, html in visits(browser, "/es/offerings/", page):
            assert "Quedan 7 plazas" in html
        with app.app_context():
            offerings.publish(db.session, db.session.get(type(offering), draft_id), actor_id=None)
            db.session.commit()
        for _, html in visits(browser, "/es/offerings/"):
            assert "Python rápido" in html
        with app.app_context():
            enrolment.cancel_enrolment(
                db.session, enrolment_id=place_id, user_id=user_id, now=utcnow()
            )
            db.session.commit()
        for _, html in visits(browser, "/es/offerings/", page):
            assert "Quedan 8 plazas" in html
        with app.app_context():
            edited = db.session.get(Offering, offering_id)
            edit_offering(db.session, edited, title_es="Robótica con Arduino")
            db.session.commit()
        for _, html in visits(browser, "/es/offerings/", page):
            assert "Robótica con Arduino" in html
        with app.app_context():
            cancelled = db.session.get(Offering, offering_id)
            offerings.cancel(db.session, cancelled, actor_id=None, now=utcnow())
            db.session.commit()
        for _, html in visits(browser, "/es/offerings/"):
            assert "Robótica con Arduino" not in html
        for _, html in visits(browser, page):
            assert "Cancelada" in html

"""The open data API is cached as the catalogue's pages are: by the catalogue state and the
seat stamp, with an ETag, and never stale: a seat taken, a publish or a cancellation shows
in the very next answer."""

from app.extensions import db
from app.models import Offering
from app.models.types import utcnow
from app.services import offerings
from tests.routes.test_catalogue_cache import published, take_seat


def places(client, url: str) -> dict[int, int]:
    response = client.get(url)
    assert response.status_code == 200
    body = response.get_json()
    items = body.get("items", [body])
    return {item["id"]: item["places_left"] for item in items}


def test_a_repeated_request_costs_one_statement_and_gets_a_304(app, client, cached, count_queries):
    offering_id = published(app, capacity=5)
    first = client.get("/api/v1/offerings")
    with count_queries() as statements:
        again = client.get("/api/v1/offerings")
    assert len(statements) == 1  # the catalogue state, seat stamp included
    assert again.mimetype == "application/json"
    assert again.get_json() == first.get_json()
    assert again.headers["ETag"] == first.headers["ETag"]
    not_modified = client.get("/api/v1/offerings", headers={"If-None-Match": first.headers["ETag"]})
    assert not_modified.status_code == 304
    client.get(f"/api/v1/offerings/{offering_id}")
    with count_queries() as statements:
        detail = client.get(f"/api/v1/offerings/{offering_id}")
    assert len(statements) == 1  # the offering's state
    assert detail.get_json()["id"] == offering_id


def test_a_seat_taken_shows_in_the_next_answer(app, client, cached):
    offering_id = published(app, capacity=5)
    for url in ("/api/v1/offerings", f"/api/v1/offerings/{offering_id}"):
        assert places(client, url) == {offering_id: 5}
        assert places(client, url) == {offering_id: 5}
    take_seat(app, offering_id)
    for url in ("/api/v1/offerings", f"/api/v1/offerings/{offering_id}"):
        assert places(client, url) == {offering_id: 4}


def test_a_publish_and_a_cancellation_show_in_the_next_answer(app, client, cached):
    first = published(app, title_es="Programación en Python")
    assert set(places(client, "/api/v1/offerings?q=python")) == {first}
    second = published(app, title_es="Python para datos")
    assert set(places(client, "/api/v1/offerings?q=python")) == {first, second}
    with app.app_context():
        offerings.cancel(db.session, db.session.get(Offering, second), actor_id=None, now=utcnow())
        db.session.commit()
    assert set(places(client, "/api/v1/offerings?q=python")) == {first}
    assert client.get(f"/api/v1/offerings/{second}").get_json()["status"] == "cancelled"


def test_a_refused_request_is_never_cached(app, client, cached):
    published(app)
    for _ in range(2):
        response = client.get("/api/v1/offerings?page=9")
        assert response.status_code == 400
        assert response.get_json()["error"]["code"] == "invalid_parameter"
        assert "ETag" not in response.headers
    assert client.get("/api/v1/offerings/999999").status_code == 404

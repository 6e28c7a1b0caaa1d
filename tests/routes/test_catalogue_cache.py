"""The catalogue's caches are never stale where it matters: a seat taken or freed, a
publish, an edit or a cancellation shows on the very next request, and a browser asking
again gets a 304 until something it shows has changed. Query counts prove the cache works."""

import gzip
import time
from datetime import timedelta

import psycopg
import pytest
import sqlalchemy as sa

from app.catalogue import cached
from app.extensions import db
from app.models import Offering, OfferingStatus
from app.models.types import utcnow
from app.services import enrolment, offerings, schools
from tests.conftest import AuthActions, csrf_token
from tests.factories import (
    class_details,
    edit_offering,
    make_class_offering,
    make_offering,
    make_school,
    make_teacher,
    make_user,
)


def published(app, **fields) -> int:
    """An offering made a draft and published through the service (the version moves)."""
    with app.app_context():
        offering = make_offering(db.session, status=OfferingStatus.DRAFT, **fields)
        offerings.publish(db.session, offering, actor_id=None)
        db.session.commit()
        return offering.id


def take_seat(app, offering_id: int) -> int:
    with app.app_context():
        user = make_user(db.session)
        place = enrolment.enrol(db.session, offering_id=offering_id, user_id=user.id, now=utcnow())
        db.session.commit()
        return place.id, user.id


def class_offering(app, capacity: int):
    """A class-mode offering with one session and a school's teacher: its id, and a function
    that registers the teacher's class of ``pupils`` for the session through the service."""
    with app.app_context():
        offering = make_class_offering(db.session, capacity=capacity, sessions=1)
        teacher = make_teacher(db.session, make_school(db.session))
        db.session.commit()
        offering_id, session_id, teacher_id = offering.id, offering.sessions[0].id, teacher.id

    def seat_class(pupils: int) -> None:
        with app.app_context():
            schools.register_class(
                db.session,
                offering_id=offering_id,
                teacher_id=teacher_id,
                session_ids=[session_id],
                details=class_details(pupils=pupils),
                now=utcnow(),
            )
            db.session.commit()

    return offering_id, seat_class


def html(client, url: str, **headers):
    """(the response, its text): decompressed when it came gzip-compressed."""
    response = client.get(url, headers=headers)
    if response.content_encoding == "gzip":
        return response, gzip.decompress(response.get_data()).decode()
    return response, response.get_data(as_text=True)


# What a browser sends (compressed pages), and a client that accepts none.
ENCODINGS = {"browser": {"Accept-Encoding": "gzip, deflate, br, zstd"}, "plain": {}}


@pytest.mark.parametrize("encoding", ENCODINGS)
@pytest.mark.parametrize("lang", ["es", "en"])
def test_a_seat_taken_or_freed_shows_on_the_next_request(app, client, cached, lang, encoding):
    offering_id = published(app, capacity=10, title_es="Robótica", title_en="Robotics")
    places = {"es": "Quedan %d plazas", "en": "%d places left"}[lang]
    urls = (f"/{lang}/offerings/", f"/{lang}/offerings/{offering_id}")

    def pages():
        for url in urls:
            for _ in range(2):  # rendered (or found by its seats), then found by the stamp
                response, page = html(client, url, **ENCODINGS[encoding])
                assert (response.content_encoding == "gzip") == (encoding == "browser")
                yield page

    assert all(places % 10 in page for page in pages())
    place_id, user_id = take_seat(app, offering_id)
    assert all(places % 9 in page for page in pages())
    with app.app_context():
        enrolment.cancel_enrolment(db.session, enrolment_id=place_id, user_id=user_id, now=utcnow())
        db.session.commit()
    assert all(places % 10 in page for page in pages())


def test_a_browser_gets_an_anonymous_page_compressed_with_its_own_etag(app, client, cached):
    """Compressed once when stored, sent to whoever accepts gzip (and only to them), with
    an ETag of its own that a revisit gets its 304 by."""
    offering_id = published(app, capacity=5)
    for url in (
        "/es/offerings/",
        "/en/offerings/?q=curso",
        f"/es/offerings/{offering_id}",
        "/api/v1/offerings",
        f"/api/v1/offerings/{offering_id}",
    ):
        plain = client.get(url)
        assert plain.content_encoding is None
        assert "Accept-Encoding" in plain.vary
        for _ in range(2):  # stored, then from the cache
            packed = client.get(url, headers=ENCODINGS["browser"])
            assert packed.content_encoding == "gzip"
            assert gzip.decompress(packed.get_data()) == plain.get_data()
            assert len(packed.get_data()) < len(plain.get_data()) / 2
            assert "Accept-Encoding" in packed.vary
            assert packed.get_etag() == (f"{plain.get_etag()[0]}-gzip", False)
        revisit = client.get(
            url, headers={**ENCODINGS["browser"], "If-None-Match": packed.headers["ETag"]}
        )
        assert revisit.status_code == 304
        assert revisit.headers["ETag"] == packed.headers["ETag"]
        refused = client.get(url, headers={"Accept-Encoding": "gzip;q=0, identity"})
        assert refused.content_encoding is None
        assert refused.get_data() == plain.get_data()


def test_a_class_taking_the_last_pupils_seats_leaves_available_on_the_next_request(
    app, client, cached
):
    offering_id, seat_class = class_offering(app, capacity=20)
    url = "/es/offerings/?available=1"
    _, page = html(client, url)
    assert f"offering-{offering_id}-title" in page
    seat_class(pupils=20)
    _, page = html(client, url)
    assert f"offering-{offering_id}-title" not in page
    _, page = html(client, "/es/offerings/")  # still listed: a class can wait for a seat
    assert f"offering-{offering_id}-title" in page


def test_publish_edit_and_cancel_show_on_the_next_request(app, client, cached):
    first = published(app, title_es="Programación en Python")
    _, page = html(client, "/es/offerings/?q=python")
    assert f"offering-{first}-title" in page
    second = published(app, title_es="Python para datos")
    _, page = html(client, "/es/offerings/?q=python")
    assert f"offering-{second}-title" in page
    with app.app_context():
        edit_offering(db.session, db.session.get(Offering, second), title_es="Python para análisis")
        db.session.commit()
    _, page = html(client, f"/es/offerings/{second}")
    assert "Python para análisis" in page
    _, page = html(client, "/es/offerings/?q=python")
    assert "Python para análisis" in page and "Python para datos" not in page
    with app.app_context():
        offerings.cancel(db.session, db.session.get(Offering, second), actor_id=None, now=utcnow())
        db.session.commit()
    _, page = html(client, "/es/offerings/?q=python")
    assert f"offering-{second}-title" not in page
    _, page = html(client, f"/es/offerings/{second}")
    assert "Cancelada" in page or "cancelada" in page


def test_a_repeated_visit_costs_one_statement_and_a_browser_gets_a_304(
    app, client, cached, count_queries
):
    offering_id = published(app, capacity=5)
    first, _ = html(client, "/es/offerings/")
    with count_queries() as queries:
        again, _ = html(client, "/es/offerings/")
    assert again.status_code == 200
    assert len(queries) == 1  # the catalogue state, seat stamp included
    etag = again.headers["ETag"]
    assert etag == first.headers["ETag"]
    assert "no-cache" in again.headers["Cache-Control"]
    html(client, f"/es/offerings/{offering_id}")  # rendered and stored
    with count_queries() as queries:
        repeat, _ = html(client, f"/es/offerings/{offering_id}")
    assert len(queries) == 1  # the offering's state
    not_modified, body = html(client, "/es/offerings/", **{"If-None-Match": etag})
    assert not_modified.status_code == 304
    assert body == ""
    take_seat(app, offering_id)
    changed, page = html(client, "/es/offerings/", **{"If-None-Match": etag})
    assert changed.status_code == 200
    assert changed.headers["ETag"] != etag
    assert "Quedan 4 plazas" in page
    assert repeat.headers["ETag"] != changed.headers["ETag"]


def test_a_search_cached_for_one_version_is_not_served_for_the_next(app, client, cached):
    published(app, title_es="Ciberseguridad")
    _, page = html(client, "/es/offerings/?q=ciberseguirdad")
    assert "Mostrando resultados de ciberseguridad." in page
    published(app, title_es="Ciberseguirdad avanzada")  # the word is now in the offer
    _, page = html(client, "/es/offerings/?q=ciberseguirdad")
    assert "Mostrando resultados de" not in page


def test_enrolment_closing_moves_the_page_on_time(app, client, cached):
    closes = utcnow() + timedelta(seconds=2)
    offering_id = published(app, enrolment_closes=closes, starts_in=timedelta(days=5))
    _, page = html(client, "/es/offerings/")
    assert f"offering-{offering_id}-title" in page
    time.sleep(max(0.0, (closes - utcnow()).total_seconds()) + 0.2)
    _, page = html(client, "/es/offerings/")
    assert f"offering-{offering_id}-title" not in page  # closed: hidden until asked for
    _, page = html(client, f"/es/offerings/{offering_id}")
    assert "Inscripción cerrada" in page


def test_signed_in_visitors_are_never_served_an_anonymous_page_nor_a_compressed_one(
    app, client, cached, auth
):
    """Never compressed: their CSRF token beside the search words they typed is what BREACH
    reads through the compressed size."""
    offering_id = published(app)
    for url in ("/es/offerings/", f"/es/offerings/{offering_id}"):
        html(client, url)
    with app.app_context():
        make_user(db.session, email="ana@example.org")
        db.session.commit()
    auth.login("ana@example.org")
    html(client, "/es/offerings/")  # with the welcome message: that visit is their own
    for url in ("/es/offerings/", f"/es/offerings/{offering_id}"):
        for _ in range(2):  # rendered, then from the cache
            response, page = html(client, url, **ENCODINGS["browser"])
            assert response.content_encoding is None
            assert "ETag" not in response.headers
            assert response.cache_control.no_store
            assert "Cookie" in response.vary
            assert "Cerrar sesión" in page and "Iniciar sesión" not in page
            assert csrf_token(page) and "<!--csrf-token-->" not in page


def test_a_seat_taken_elsewhere_costs_one_visit_a_second_statement_and_no_render(
    app, client, cached, count_queries
):
    shown = published(app, capacity=5, title_es="Robótica")
    elsewhere = published(app, capacity=5, title_es="Cocina")
    url = "/es/offerings/?q=robotica"
    first, _ = html(client, url)
    take_seat(app, elsewhere)  # the stamp moves; nothing this page shows does
    with count_queries() as queries:
        moved, page = html(client, url)
    # The state, then the page's own seat figures: the page is the one already rendered.
    assert len(queries) == 2
    assert moved.headers["ETag"] == first.headers["ETag"]
    assert f"offering-{shown}-title" in page
    with count_queries() as queries:
        html(client, url)
    assert len(queries) == 1  # filed under the new stamp
    take_seat(app, shown)
    _, page = html(client, url)
    assert "Quedan 4 plazas" in page


def test_a_class_seated_shows_on_the_next_list_request(app, client, cached):
    _, seat_class = class_offering(app, capacity=30)
    _, page = html(client, "/es/offerings/")
    assert "30 plazas de alumnado libres" in page
    html(client, "/es/offerings/")  # from the cache
    seat_class(pupils=20)
    _, page = html(client, "/es/offerings/")
    assert "10 plazas de alumnado libres" in page


def test_signed_in_visitors_share_the_main_part_never_each_others_header(
    app, cached, count_queries
):
    offering_id = published(app, capacity=5)
    with app.app_context():
        for email in ("ana@example.org", "bea@example.org"):
            make_user(db.session, email=email)
        db.session.commit()
    ana, bea = app.test_client(), app.test_client()
    for client, email in ((ana, "ana@example.org"), (bea, "bea@example.org")):
        AuthActions(client).login(email)
        html(client, "/es/offerings/")  # with the welcome message: that visit is their own
    _, first = html(ana, "/es/offerings/")
    with count_queries() as queries:
        _, again = html(ana, "/es/offerings/")
    assert len(queries) == 2  # the catalogue state and the visitor's own account
    assert "seat_stamp" in queries[0] and "user_account" in queries[1]
    assert again == first
    _, other = html(bea, "/es/offerings/")
    assert csrf_token(other) != csrf_token(first)
    assert csrf_token(first) not in other
    anonymous = app.test_client()
    _, shared = html(anonymous, "/es/offerings/")
    assert "Quedan 5 plazas" in shared
    assert csrf_token(first) not in shared and "csrf_token" not in shared
    take_seat(app, offering_id)
    for client in (ana, bea, anonymous):
        _, page = html(client, "/es/offerings/")
        assert "Quedan 4 plazas" in page


def test_a_signed_in_visitors_offering_page_loads_what_it_shows_with_the_offering(
    app, client, auth, count_queries
):
    offering_id = published(app, sessions=3)
    with app.app_context():
        make_user(db.session, email="ana@example.org")
        db.session.commit()
    auth.login("ana@example.org")
    html(client, f"/es/offerings/{offering_id}")
    with count_queries() as queries:
        response, _ = html(client, f"/es/offerings/{offering_id}")  # no cache: rendered
    assert response.status_code == 200
    # Their account; the offering's state and their own place in it; the offering with its
    # programme, municipality and provider; its sessions, audiences and languages (one
    # statement each); its state again, once rendered.
    assert len(queries) == 8


def test_signed_in_visitors_share_an_offering_page_with_their_own_place_in_it(
    app, cached, count_queries
):
    offering_id = published(app, capacity=1)
    with app.app_context():
        for email in ("ana@example.org", "bea@example.org", "carla@example.org"):
            make_user(db.session, email=email)
        db.session.commit()
    clients = {}
    for email in ("ana@example.org", "bea@example.org", "carla@example.org"):
        clients[email] = app.test_client()
        AuthActions(clients[email]).login(email)
        html(clients[email], "/es/offerings/")  # the welcome message's visit is their own
    ana, bea, carla = clients.values()
    url = f"/es/offerings/{offering_id}"
    _, first = html(ana, url)
    assert "Inscribirme" in first
    with count_queries() as queries:
        _, again = html(bea, url)  # Ana's page, with Bea's token: nothing rendered
    assert len(queries) == 3  # Bea's account, the offering's state, her place in it
    assert again.replace(csrf_token(again), "") == first.replace(csrf_token(first), "")
    assert csrf_token(again) != csrf_token(first)
    for client in (ana, bea):
        response = client.get(f"/es/offerings/{offering_id}/enrol")
        client.post(
            f"/es/offerings/{offering_id}/enrol",
            data={"csrf_token": csrf_token(response.get_data(as_text=True))},
            follow_redirects=True,  # to their account, where the flashed outcome is shown
        )
    _, page = html(ana, url)
    assert "Tienes plaza en esta actividad." in page
    _, page = html(bea, url)
    assert "Ocupas el puesto 1 en la lista de espera." in page
    _, page = html(carla, url)
    assert "Apuntarme a la lista de espera" in page and "Tienes plaza" not in page


def test_the_cache_keys_change_with_the_code_not_only_the_templates(tmp_path):
    """A release that changes only Python (how results are searched) serves nothing the
    last one cached: the build id reads the code too."""

    def release(name: str, code: str) -> str:
        root = tmp_path / name / "app"
        (root / "templates").mkdir(parents=True)
        (root / "templates" / "page.html").write_text("<p>{{ x }}</p>")
        (root / "listing.py").write_text(code)
        (tmp_path / name / "translations").mkdir()
        return cached.build_id(str(root))

    first = release("a", "ORDER = 1\n")
    assert release("b", "ORDER = 1\n") == first
    assert release("c", "ORDER = 2\n") != first


def _driver_in_transaction(dbapi_connection) -> bool:
    """Whether the database driver's connection has a transaction open (sqlite3 says so
    itself; psycopg by the server's status)."""
    if hasattr(dbapi_connection, "in_transaction"):
        return dbapi_connection.in_transaction
    return dbapi_connection.info.transaction_status != psycopg.pq.TransactionStatus.IDLE


def test_public_pages_read_without_a_transaction_and_other_pages_keep_theirs(app, client, auth):
    """The catalogue's and the open data's statements run each on its own: no transaction
    is left open after any of them (no BEGIN and ROLLBACK around them: round trips to the
    database; SQLite's driver begins one before a write only, PostgreSQL's reads run in
    autocommit); a page that writes keeps its transaction."""
    offering_id = published(app, capacity=5)
    with app.app_context():
        make_user(db.session, email="reader@example.org")
        db.session.commit()
        engine = db.engine
    after: list[bool] = []

    def record(conn, cursor, statement, parameters, context, executemany):
        after.append(_driver_in_transaction(cursor.connection))

    sa.event.listen(engine, "after_cursor_execute", record)
    try:
        for path in (
            "/es/offerings/",
            "/en/offerings/?q=curso&format=in-person",
            f"/es/offerings/{offering_id}",
            "/api/v1/offerings?format=in-person",
            f"/api/v1/offerings/{offering_id}",
        ):
            after.clear()
            assert client.get(path).status_code == 200
            assert after and not any(after), path
        after.clear()
        assert auth.login("reader@example.org").status_code == 302  # a write: a transaction
        assert any(after)
    finally:
        sa.event.remove(engine, "after_cursor_execute", record)

"""Open data API: shape, filters, pages and errors as JSON (never HTML, never a 500)."""

from datetime import UTC, datetime, timedelta

import pytest

from app.extensions import db
from app.localtime import MADRID
from app.models import (
    Audience,
    Format,
    InstructionLanguage,
    Kind,
    Mode,
    Offering,
    OfferingStatus,
)
from app.services import offerings
from app.services.offerings import ImageUpload
from tests.factories import make_offering, set_sessions
from tests.images import photo

SESSION_START = datetime(2030, 3, 4, 17, 0, tzinfo=UTC)  # 18:00 in Madrid


def create(app, **fields) -> int:
    spans = fields.pop("spans", None)
    with app.app_context():
        offering = make_offering(db.session, **fields)
        if spans:
            set_sessions(offering, spans)
        db.session.commit()
        return offering.id


def ids(response) -> list[int]:
    assert response.status_code == 200, response.get_json()
    return [item["id"] for item in response.get_json()["items"]]


def assert_error(response, status: int, code: str, mentions: str = "") -> None:
    assert response.status_code == status
    assert response.content_type == "application/json"
    error = response.get_json()["error"]
    assert set(error) == {"code", "message"}
    assert error["code"] == code
    assert mentions in error["message"]


def test_an_offering_in_open_data_shape(app, client):
    offering_id = create(
        app,
        title_es="Ciberseguridad básica",
        title_en=None,
        kind=Kind.TRAINING_CYCLE,
        mode=Mode.APPLICATION,
        format=Format.HYBRID,
        audiences=(Audience.UNEMPLOYED, Audience.RESIDENTS),
        languages=(InstructionLanguage.SPANISH, InstructionLanguage.ENGLISH),
        programme_slug="training-cycles",
        municipality_slug="majadahonda",
        capacity=15,
        seats_taken=5,
        price_cents=2500,
        min_age=18,
        skills="redes|seguridad",
        spans=[
            (SESSION_START, SESSION_START + timedelta(hours=2)),
            (SESSION_START + timedelta(days=1), SESSION_START + timedelta(days=1, hours=2)),
        ],
    )
    response = client.get(f"/api/v1/offerings/{offering_id}")
    assert response.status_code == 200
    assert response.headers["Access-Control-Allow-Origin"] == "*"
    assert response.headers["Cache-Control"] == "public, max-age=60"
    data = response.get_json()
    site = app.config["SITE_URL"]
    assert data["id"] == offering_id
    assert data["external_id"].startswith("TEST-")
    assert data["url"] == {
        "es": f"{site}/es/offerings/{offering_id}",
        "en": f"{site}/en/offerings/{offering_id}",
    }
    assert data["ics_url"]["en"] == f"{site}/en/offerings/{offering_id}.ics"
    assert data["programme"]["slug"] == "training-cycles"
    assert set(data["programme"]["name"]) == {"es", "en"}
    assert data["municipality"] == {
        "slug": "majadahonda",
        "name": {"es": "Majadahonda", "en": "Majadahonda"},
    }
    assert data["kind"] == "training-cycle"
    assert data["mode"] == "application"
    assert data["format"] == "hybrid"
    assert data["status"] == "published"
    assert data["availability"] == "open"
    assert data["title"] == {"es": "Ciberseguridad básica", "en": None}
    assert data["summary"] == {"es": "Resumen del curso", "en": "Course summary"}
    assert data["description"]["es"] == "Descripción del curso"
    assert sorted(data["audience"]) == ["residents", "unemployed"]
    assert sorted(data["languages"]) == ["en", "es"]
    assert data["skills"] == ["redes", "seguridad"]
    assert data["provider"]["name"].startswith("Organisation")
    assert (data["capacity"], data["places_left"]) == (15, 10)
    assert data["price_eur"] == 25.0
    assert (data["min_age"], data["max_age"]) == (18, None)
    assert data["sessions"] == [
        {"starts_at": "2030-03-04T18:00:00+01:00", "ends_at": "2030-03-04T20:00:00+01:00"},
        {"starts_at": "2030-03-05T18:00:00+01:00", "ends_at": "2030-03-05T20:00:00+01:00"},
    ]
    assert data["enrolment_closes"] == "2030-03-04T18:00:00+01:00"
    assert data["image"] is None  # the programme's illustration is not the offering's


def test_an_offering_with_an_image_gives_its_absolute_url_size_and_both_alt_texts(app, client):
    offering_id = create(app)
    with app.app_context():
        offering = db.session.get(Offering, offering_id)
        offerings.set_image(
            db.session,
            offering,
            ImageUpload(photo(), alt_es="Personas programando", alt_en="People coding"),
            actor_id=None,
            max_bytes=2 * 1024 * 1024,
        )
        db.session.commit()
        key, size = offering.image_key, (offering.image_width, offering.image_height)

    image = client.get(f"/api/v1/offerings/{offering_id}").get_json()["image"]
    listed = client.get("/api/v1/offerings").get_json()["items"][0]["image"]

    assert image == listed
    assert image["url"] == f"{app.config['SITE_URL']}/media/offerings/{key}.jpg"
    assert (image["width"], image["height"]) == size
    assert image["content_type"] == "image/jpeg"
    assert image["alt"] == {"es": "Personas programando", "en": "People coding"}
    served = client.get(image["url"].removeprefix(app.config["SITE_URL"]))
    assert served.status_code == 200 and served.mimetype == "image/jpeg"


def test_the_list_gives_each_offering_as_its_own_address_does(app, client):
    """Both read one serializer: what differs between offerings (sessions, lists, seats,
    class seats, enrolment dates) comes out alike, and each in its own place."""
    now = datetime.now(UTC)
    made = [
        create(app, sessions=3, seats_taken=20, audiences=(), languages=()),
        create(
            app,
            mode=Mode.CLASS,
            capacity=25,
            audiences=(Audience.STUDENTS, Audience.TEACHERS),
            languages=(InstructionLanguage.ENGLISH, InstructionLanguage.SPANISH),
        ),
        create(app, enrolment_opens=now + timedelta(days=2), skills="a|b", sessions=2),
        create(app, enrolment_closes=now + timedelta(days=3), price_cents=1999),
    ]
    listed = client.get("/api/v1/offerings").get_json()["items"]
    assert sorted(item["id"] for item in listed) == sorted(made)
    for item in listed:
        assert item == client.get(f"/api/v1/offerings/{item['id']}").get_json()
    by_id = {item["id"]: item for item in listed}
    assert [len(by_id[offering_id]["sessions"]) for offering_id in made] == [3, 1, 2, 1]
    assert [by_id[offering_id]["availability"] for offering_id in made] == [
        "waiting-list",
        "open",
        "not-yet-open",
        "open",
    ]
    assert by_id[made[1]]["audience"] == ["students", "teachers"]
    assert by_id[made[0]]["places_left"] == 0 and by_id[made[1]]["places_left"] == 25


def test_a_cancelled_offering_is_still_public(app, client):
    offering_id = create(app, status=OfferingStatus.CANCELLED)
    data = client.get(f"/api/v1/offerings/{offering_id}").get_json()
    assert (data["status"], data["availability"]) == ("cancelled", "cancelled")


@pytest.mark.parametrize("status", [OfferingStatus.DRAFT, OfferingStatus.ARCHIVED])
def test_drafts_and_archived_offerings_do_not_exist(app, client, status):
    offering_id = create(app, status=status)
    response = client.get(f"/api/v1/offerings/{offering_id}?lang=en")
    assert_error(response, 404, "not_found", "no longer published")
    assert response.headers["Access-Control-Allow-Origin"] == "*"
    assert "Cache-Control" not in response.headers
    assert ids(client.get("/api/v1/offerings")) == []


@pytest.mark.parametrize("path", ["/api/v1/offerings/999999", "/api/v1/nothing", "/api/v2/x"])
def test_unknown_addresses_answer_json_404(client, path):
    assert_error(client.get(path), 404, "not_found")


def test_the_list_has_only_published_offerings_by_start_date(app, client):
    later = create(app, starts_in=timedelta(days=30))
    sooner = create(app, starts_in=timedelta(days=3))
    create(app, status=OfferingStatus.DRAFT)
    create(app, status=OfferingStatus.ARCHIVED)
    response = client.get("/api/v1/offerings")
    assert response.headers["Access-Control-Allow-Origin"] == "*"
    assert response.headers["Cache-Control"] == "public, max-age=60"
    body = response.get_json()
    assert {key: body[key] for key in ("total", "page", "pages")} == {
        "total": 2,
        "page": 1,
        "pages": 1,
    }
    assert [item["id"] for item in body["items"]] == [sooner, later]
    assert body["items"][0] == client.get(f"/api/v1/offerings/{sooner}").get_json()


def test_the_list_takes_the_catalogue_filters(app, client):
    bootcamp = create(
        app,
        kind=Kind.BOOTCAMP,
        title_es="Programación en Python",
        audiences=(Audience.UNEMPLOYED,),
        starts_in=timedelta(days=5),
    )
    talk = create(
        app,
        kind=Kind.TALK,
        programme_slug="science-week",
        municipality_slug="boadilla-del-monte",
        format=Format.ONLINE,
        languages=(InstructionLanguage.ENGLISH,),
        price_cents=1000,
        starts_in=timedelta(days=40),
    )
    full = create(app, capacity=3, seats_taken=3, starts_in=timedelta(days=10))
    far = (datetime.now(MADRID).date() + timedelta(days=30)).isoformat()
    assert ids(client.get("/api/v1/offerings?kind=talk")) == [talk]
    # Open with places first, then the full one (a waiting list), whatever the dates.
    assert ids(client.get("/api/v1/offerings?kind=talk&kind=bootcamp")) == [bootcamp, talk, full]
    assert ids(client.get("/api/v1/offerings?programme=science-week")) == [talk]
    assert ids(client.get("/api/v1/offerings?municipality=boadilla-del-monte")) == [talk]
    assert ids(client.get("/api/v1/offerings?audience=unemployed")) == [bootcamp]
    assert ids(client.get("/api/v1/offerings?format=online")) == [talk]
    assert ids(client.get("/api/v1/offerings?language=en")) == [talk]
    assert ids(client.get("/api/v1/offerings?q=programacion")) == [bootcamp]
    assert ids(client.get(f"/api/v1/offerings?from={far}")) == [talk]
    assert ids(client.get(f"/api/v1/offerings?to={far}")) == [bootcamp, full]
    assert ids(client.get("/api/v1/offerings?available=1")) == [bootcamp, talk]
    assert ids(client.get("/api/v1/offerings?free=1")) == [bootcamp, full]
    assert ids(client.get("/api/v1/offerings?kind=talk&free=1")) == []


def test_the_list_is_paged(app, client):
    created = [create(app, starts_in=timedelta(days=day)) for day in range(1, 6)]
    first = client.get("/api/v1/offerings?per_page=2").get_json()
    assert (first["total"], first["pages"], first["page"]) == (5, 3, 1)
    assert [item["id"] for item in first["items"]] == created[:2]
    assert ids(client.get("/api/v1/offerings?per_page=2&page=3")) == created[4:]
    assert_error(
        client.get("/api/v1/offerings?per_page=2&page=4&lang=en"),
        400,
        "invalid_parameter",
        'Invalid value for "page": There are only 3 pages of results.',
    )


def test_an_empty_list_is_one_empty_page(client):
    assert client.get("/api/v1/offerings").get_json() == {
        "items": [],
        "total": 0,
        "page": 1,
        "pages": 1,
        "per_page": 50,
    }


@pytest.mark.parametrize(
    ("query", "parameter"),
    [
        ("kind=spaceflight", "kind"),
        ("kind=talk&kind=<script>", "kind"),
        ("programme=nope", "programme"),
        ("municipality=madrid", "municipality"),
        ("audience=everyone", "audience"),
        ("format=paper", "format"),
        ("language=fr", "language"),
        ("from=2030-13-45", "from"),
        ("to=tomorrow", "to"),
        ("from=2030-05-01&to=2030-04-01", "to"),
        ("from=0001-01-01", "from"),
        ("available=yes", "available"),
        ("page=abc", "page"),
        ("page=0", "page"),
        ("page=-1", "page"),
        ("page=99999999999999999999999", "page"),
        ("per_page=0", "per_page"),
        ("per_page=1000", "per_page"),
        ("per_page=%C2%B2", "per_page"),
        ("lang=fr", "lang"),
        ("q=" + "a" * 500, "q"),
    ],
)
def test_bad_parameters_answer_400_naming_the_parameter(client, query, parameter):
    # English messages, so the test can read them; a bad lang falls back to the browser's.
    suffix = "" if parameter == "lang" else "&lang=en"
    response = client.get(f"/api/v1/offerings?{query}{suffix}", headers={"Accept-Language": "en"})
    assert_error(response, 400, "invalid_parameter", f'Invalid value for "{parameter}"')


def test_odd_search_text_is_a_search_not_an_error(app, client):
    # No digit in the title: the factory's "Curso de prueba 1" is found by "1=1" (rightly).
    create(app, title_es="Curso de robótica", title_en="Robotics course")
    for text in ("' OR 1=1 --", "<script>alert(1)</script>", "🦄🦄", "%00", "ñandú"):
        response = client.get("/api/v1/offerings", query_string={"q": text})
        assert response.status_code == 200
        assert response.get_json()["items"] == []


def test_lang_chooses_the_language_of_messages(app, client):
    english = client.get("/api/v1/offerings?kind=x&lang=en").get_json()["error"]["message"]
    assert english.startswith('Invalid value for "kind"')
    spanish = client.get("/api/v1/offerings?kind=x&lang=es").get_json()["error"]["message"]
    assert spanish.startswith("Valor no válido para «kind»")


def test_the_list_costs_the_same_queries_for_any_number_of_offerings(app, client, count_queries):
    create(app, sessions=2)
    with count_queries() as few:
        ids(client.get("/api/v1/offerings"))
    for _ in range(6):
        create(app, sessions=3)
    with count_queries() as many:
        assert len(ids(client.get("/api/v1/offerings"))) == 7
    assert len(many) == len(few)

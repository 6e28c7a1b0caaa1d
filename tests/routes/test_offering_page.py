"""The offering's page, its calendar file and its structured data, in both languages."""

import json
import re
from datetime import UTC, datetime, timedelta

import pytest
from icalendar import Calendar

from app.extensions import db
from app.models import Format, Kind, OfferingStatus
from app.models.types import utcnow
from tests.factories import make_offering, set_sessions

LANGS = ("es", "en")
JSON_LD = re.compile(r'<script type="application/ld\+json">(.*?)</script>', re.S)
# 17:00 UTC in March is 18:00 in Madrid (CET, +01:00); 16:00 UTC in June is 18:00 (CEST).
WINTER_START = datetime(2030, 3, 4, 17, 0, tzinfo=UTC)
SUMMER_START = datetime(2030, 6, 3, 16, 0, tzinfo=UTC)


def create(app, **fields) -> int:
    spans = fields.pop("spans", None)
    with app.app_context():
        offering = make_offering(db.session, **fields)
        if spans:
            set_sessions(offering, spans)
        db.session.commit()
        return offering.id


def json_ld(html: str) -> dict:
    found = JSON_LD.findall(html)
    assert len(found) == 1
    return json.loads(found[0])


@pytest.mark.parametrize("lang", LANGS)
def test_the_page_shows_what_a_person_needs_to_decide(app, client, lang):
    offering_id = create(
        app,
        title_es="Introducción a Python",
        title_en="Introduction to Python",
        summary_es="Aprende a programar",
        summary_en="Learn to code",
        description_es="Un curso **práctico**",
        description_en="A **hands-on** course",
        prerequisites_es="Saber usar un ordenador",
        prerequisites_en="Using a computer",
        venue="Centro El Cantizal",
        address="Calle Kálamos 32",
        min_age=16,
        skills="python|datos",
    )
    response = client.get(f"/{lang}/offerings/{offering_id}")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    texts = {
        "es": ("Introducción a Python", "Aprende a programar", "<strong>práctico</strong>"),
        "en": ("Introduction to Python", "Learn to code", "<strong>hands-on</strong>"),
    }[lang]
    for text in texts:
        assert text in html
    assert "Centro El Cantizal" in html
    assert "Calle Kálamos 32" in html
    assert "Las Rozas de Madrid" in html
    assert html.count("<h1") == 1
    assert f'href="/{lang}/offerings/{offering_id}.ics"' in html


def test_a_field_missing_in_english_shows_the_spanish_text_marked(app, client):
    offering_id = create(app, title_en=None, description_en=None)
    html = client.get(f"/en/offerings/{offering_id}").get_data(as_text=True)
    assert re.search(
        r'<span lang="es">Curso de prueba \d+</span> <span class="fallback-language">'
        r"\(in Spanish\)</span>",
        html,
    )
    assert '<div lang="es"><p>Descripción del curso</p></div>' in html
    assert "(in Spanish)" in html


def test_a_field_missing_in_spanish_is_marked_as_english(app, client):
    offering_id = create(app, summary_es="", summary_en="Only in English")
    html = client.get(f"/es/offerings/{offering_id}").get_data(as_text=True)
    assert '<span lang="en">Only in English</span> <span class="fallback-language">' in html


@pytest.mark.parametrize("lang", LANGS)
def test_every_session_is_listed_in_madrid_time(app, client, lang):
    spans = [
        (WINTER_START, WINTER_START + timedelta(hours=2)),
        (SUMMER_START, SUMMER_START + timedelta(hours=2)),
        (SUMMER_START + timedelta(days=1), SUMMER_START + timedelta(days=1, hours=3)),
    ]
    offering_id = create(app, spans=spans)
    html = client.get(f"/{lang}/offerings/{offering_id}").get_data(as_text=True)
    table = html[html.index("<table") : html.index("</table>")]
    assert table.count('<th scope="row">') == 3
    six_pm, eight_pm, nine_pm = ("18:00", "20:00", "21:00")  # the 24-hour clock in both
    assert table.count(f">{six_pm}") == 3
    assert table.count(f">{eight_pm}") == 2
    assert table.count(f">{nine_pm}") == 1
    assert "<caption>" in table
    assert f'datetime="{WINTER_START.isoformat()}"' in table


@pytest.mark.parametrize(
    ("fields", "wording"),
    [
        ({"capacity": 20, "seats_taken": 17}, "3 places left"),
        ({"capacity": 20, "seats_taken": 19}, "1 place left"),
        ({"capacity": 20, "seats_taken": 20}, "Full: waiting list"),
        ({"enrolment_closes": utcnow() - timedelta(days=1)}, "Enrolment closed"),
        ({"enrolment_opens": datetime(2030, 1, 10, 9, 0, tzinfo=UTC)}, "Enrolment opens on"),
        ({"status": OfferingStatus.CANCELLED}, "Cancelled"),
    ],
)
def test_availability_is_said_in_words(app, client, fields, wording):
    offering_id = create(app, starts_in=timedelta(days=3650), **fields)
    for lang in LANGS:
        assert client.get(f"/{lang}/offerings/{offering_id}").status_code == 200
    html = client.get(f"/en/offerings/{offering_id}").get_data(as_text=True)
    status = re.search(r'<p class="availability-status[^"]*">(.*?)</p>', html, re.S).group(1)
    assert wording in status


@pytest.mark.parametrize(
    ("lang", "opens", "until"),
    [
        # European conventions in English too: day before month, 24-hour clock.
        (
            "en",
            "Enrolment opens: 10 January 2030 at 09:00",
            "Enrolment until 31 January 2030, 23:59",
        ),
        ("es", "10 de enero de 2030", "hasta el 31 de enero de 2030, 23:59"),
    ],
)
def test_the_enrolment_window_is_shown_without_ambiguity(app, client, lang, opens, until):
    offering_id = create(
        app,
        enrolment_opens=datetime(2030, 1, 10, 8, 0, tzinfo=UTC),
        # Midnight in Madrid (23:00 UTC) is the end of the day before, and reads so.
        enrolment_closes=datetime(2030, 1, 31, 23, 0, tzinfo=UTC),
        starts_in=timedelta(days=3650),
    )
    html = client.get(f"/{lang}/offerings/{offering_id}").get_data(as_text=True)
    text = re.sub(r"<[^>]+>", "", html)  # a moment is a <time> element
    assert opens in text
    assert until in text


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("status", [OfferingStatus.DRAFT, OfferingStatus.ARCHIVED])
def test_drafts_and_archived_offerings_are_not_found(app, client, lang, status):
    offering_id = create(app, status=status)
    assert client.get(f"/{lang}/offerings/{offering_id}").status_code == 404
    assert client.get(f"/{lang}/offerings/{offering_id}.ics").status_code == 404


@pytest.mark.parametrize("lang", LANGS)
def test_an_unknown_offering_is_not_found(client, lang):
    response = client.get(f"/{lang}/offerings/999999")
    assert response.status_code == 404
    assert f'<html lang="{lang}">' in response.get_data(as_text=True)


@pytest.mark.parametrize("lang", LANGS)
def test_canonical_hreflang_and_share_tags(app, client, lang):
    offering_id = create(app, title_es="Robótica", title_en="Robotics")
    html = client.get(f"/{lang}/offerings/{offering_id}").get_data(as_text=True)
    site = app.config["SITE_URL"]
    es_url, en_url = (f"{site}/{code}/offerings/{offering_id}" for code in LANGS)
    own = es_url if lang == "es" else en_url
    title = "Robótica" if lang == "es" else "Robotics"
    assert f'<link rel="canonical" href="{own}">' in html
    assert f'<link rel="alternate" hreflang="es" href="{es_url}">' in html
    assert f'<link rel="alternate" hreflang="en" href="{en_url}">' in html
    assert f'<link rel="alternate" hreflang="x-default" href="{es_url}">' in html
    assert f'<meta property="og:url" content="{own}">' in html
    assert f'<meta property="og:title" content="{title}">' in html
    assert re.search(rf"<title>{title} · ", html)
    assert (
        '<meta name="description" content="'
        + ("Resumen del curso" if lang == "es" else "Course summary")
        in html
    )


@pytest.mark.parametrize("lang", LANGS)
def test_a_course_is_described_as_a_course_with_its_instance(app, client, lang):
    offering_id = create(
        app,
        kind=Kind.BOOTCAMP,
        title_es="Ciberseguridad",
        title_en="Cybersecurity",
        price_cents=1250,
        spans=[(WINTER_START, WINTER_START + timedelta(hours=2, minutes=30))],
    )
    data = json_ld(client.get(f"/{lang}/offerings/{offering_id}").get_data(as_text=True))
    assert data["@context"] == "https://schema.org"
    assert data["@type"] == "Course"
    assert data["name"] == {"es": "Ciberseguridad", "en": "Cybersecurity"}[lang]
    assert data["provider"]["@type"] == "Organization"
    assert data["offers"]["price"] == "12.50"
    assert data["offers"]["priceCurrency"] == "EUR"
    [instance] = data["hasCourseInstance"]
    assert instance["@type"] == "CourseInstance"
    assert instance["courseMode"] == "onsite"
    assert instance["startDate"] == "2030-03-04T18:00:00+01:00"
    assert instance["endDate"] == "2030-03-04T20:30:00+01:00"
    assert instance["courseWorkload"] == "PT2H30M"
    assert instance["location"]["@type"] == "Place"
    assert instance["location"]["address"]["streetAddress"] == "Calle Mayor 1"
    assert instance["inLanguage"] == ["es"]


@pytest.mark.parametrize("lang", LANGS)
def test_a_one_off_activity_is_described_as_an_event(app, client, lang):
    scheduled = create(
        app, kind=Kind.TALK, spans=[(SUMMER_START, SUMMER_START + timedelta(hours=1))]
    )
    cancelled = create(app, kind=Kind.WORKSHOP, status=OfferingStatus.CANCELLED)
    data = json_ld(client.get(f"/{lang}/offerings/{scheduled}").get_data(as_text=True))
    assert data["@type"] == "Event"
    assert data["eventStatus"] == "https://schema.org/EventScheduled"
    assert data["eventAttendanceMode"] == "https://schema.org/OfflineEventAttendanceMode"
    assert data["startDate"] == "2030-06-03T18:00:00+02:00"
    assert data["organizer"]["@type"] == "Organization"
    assert data["location"]["@type"] == "Place"
    data = json_ld(client.get(f"/{lang}/offerings/{cancelled}").get_data(as_text=True))
    assert data["eventStatus"] == "https://schema.org/EventCancelled"


def test_structured_data_cannot_break_out_of_its_script(app, client):
    attack = "</script><script>alert(1)</script>"
    offering_id = create(app, title_es=attack, title_en=attack, summary_en="<b>&amp;</b>")
    for lang in LANGS:
        html = client.get(f"/{lang}/offerings/{offering_id}").get_data(as_text=True)
        assert "<script>alert(1)" not in html
        assert html.count("</script>") == 1
        data = json_ld(html)
        assert data["name"] == attack
    assert json_ld(html)["description"] == "<b>&amp;</b>"


@pytest.mark.parametrize("lang", LANGS)
def test_the_calendar_file_has_every_session_in_madrid_time(app, client, lang):
    spans = [
        (WINTER_START, WINTER_START + timedelta(hours=2)),
        (SUMMER_START, SUMMER_START + timedelta(hours=2)),
    ]
    offering_id = create(
        app, title_es="Taller de robótica", title_en="Robotics workshop", spans=spans
    )
    response = client.get(f"/{lang}/offerings/{offering_id}.ics")
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "text/calendar; charset=utf-8"
    assert f'filename="mot-offering-{offering_id}.ics"' in response.headers["Content-Disposition"]
    calendar = Calendar.from_ical(response.data)
    events = calendar.walk("VEVENT")
    assert [event.decoded("dtstart").isoformat() for event in events] == [
        "2030-03-04T18:00:00+01:00",
        "2030-06-03T18:00:00+02:00",
    ]
    assert all(str(event.decoded("dtstart").tzinfo) == "Europe/Madrid" for event in events)
    title = "Taller de robótica" if lang == "es" else "Robotics workshop"
    assert {str(event["summary"]) for event in events} == {title}
    assert f"/{lang}/offerings/{offering_id}" in str(events[0]["description"])


@pytest.mark.parametrize(
    ("fmt", "mode", "location_types"),
    [
        (Format.ONLINE, "online", "VirtualLocation"),
        (Format.HYBRID, "blended", ["Place", "VirtualLocation"]),
    ],
)
def test_the_course_mode_follows_the_format(app, client, fmt, mode, location_types):
    offering_id = create(app, format=fmt)
    data = json_ld(client.get(f"/en/offerings/{offering_id}").get_data(as_text=True))
    [instance] = data["hasCourseInstance"]
    assert instance["courseMode"] == mode
    location = instance["location"]
    found = (
        [place["@type"] for place in location] if isinstance(location, list) else location["@type"]
    )
    assert found == location_types


@pytest.mark.parametrize("lang", LANGS)
def test_a_session_held_elsewhere_shows_its_own_venue(app, client, lang):
    with app.app_context():
        offering = make_offering(db.session, sessions=2, venue="Centro El Cantizal")
        offering.sessions[1].venue = "Museo de la Ciencia"
        offering.sessions[1].address = "Avenida de Europa 2"
        db.session.commit()
        offering_id = offering.id
    html = client.get(f"/{lang}/offerings/{offering_id}").get_data(as_text=True)
    table = html[html.index('class="table table-sm offering-sessions"') :]
    table = table[: table.index("</table>")]
    assert "Museo de la Ciencia, Avenida de Europa 2" in table
    assert table.count("<tr>") == 3  # header and both sessions
    # Each row has a cell per heading: the venue column has its own heading.
    head, body = table.split("<tbody>")
    assert head.count('<th scope="col">') == 4
    assert body.count("<td>") == 2 * 3


def test_sessions_at_the_usual_venue_need_no_venue_column(app, client):
    offering_id = create(app, sessions=2)
    html = client.get(f"/en/offerings/{offering_id}").get_data(as_text=True)
    table = html[html.index('class="table table-sm offering-sessions"') :]
    assert "Where" not in table[: table.index("</table>")]


@pytest.mark.parametrize("lang", LANGS)
def test_the_key_facts_come_before_the_description_and_the_sessions(app, client, lang):
    spans = [
        (WINTER_START, WINTER_START + timedelta(hours=2)),
        (WINTER_START + timedelta(days=7), WINTER_START + timedelta(days=7, hours=2)),
    ]
    offering_id = create(app, spans=spans, capacity=20, seats_taken=5, min_age=16)
    html = client.get(f"/{lang}/offerings/{offering_id}").get_data(as_text=True)
    places = html.index('id="availability-heading"')
    facts = html.index('id="facts-heading"')
    assert places < facts < html.index('id="description-heading"')
    assert facts < html.index('id="sessions-heading"')
    key_facts = html[facts : html.index("</dl>", facts)]
    # Dates, place, price and who it is for lead the list, the dates linking to every session.
    terms = re.findall(r"<dt>([^<]+)</dt>", key_facts)
    words = {
        "es": ["Cuándo", "Lugar", "Precio", "Dirigida a", "Edades"],
        "en": ["When", "Venue", "Price", "For", "Ages"],
    }[lang]
    assert terms[:5] == words
    assert 'href="#sessions-heading"' in key_facts and "2030" in key_facts
    assert "15" in html[places:facts]  # places left, just above

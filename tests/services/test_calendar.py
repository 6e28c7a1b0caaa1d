"""Calendar files: every session, Europe/Madrid with its VTIMEZONE, stable identifiers."""

from datetime import UTC, datetime, timedelta

import pytest
from icalendar import Calendar

from app.models import Format, OfferingStatus
from app.services.catalogue import build_calendar
from tests.factories import make_offering, set_sessions

URL = "https://formacion.example.org/es/offerings/1"
WINTER = datetime(2030, 1, 15, 16, 30, tzinfo=UTC)  # 17:30 in Madrid
SUMMER = datetime(2030, 7, 15, 15, 30, tzinfo=UTC)  # 17:30 in Madrid


def parse(body: bytes) -> Calendar:
    return Calendar.from_ical(body)


def test_each_session_is_an_event_at_madrid_time(session):
    offering = make_offering(session, title_es="Robótica educativa")
    set_sessions(
        offering, [(WINTER, WINTER + timedelta(hours=2)), (SUMMER, SUMMER + timedelta(hours=2))]
    )
    session.flush()
    calendar = parse(build_calendar([(offering, URL)], "es", name="Robótica educativa"))
    events = calendar.walk("VEVENT")
    assert len(events) == 2
    for event in events:
        assert event.decoded("dtstart").tzinfo.key == "Europe/Madrid"
        assert event.decoded("dtstart").strftime("%H:%M") == "17:30"
        assert event.decoded("dtend").strftime("%H:%M") == "19:30"
        assert str(event["summary"]) == "Robótica educativa"
        assert str(event["url"]) == URL
        assert str(event["status"]) == "CONFIRMED"
        assert URL in str(event["description"])
    [timezone] = calendar.walk("VTIMEZONE")
    assert str(timezone["tzid"]) == "Europe/Madrid"
    assert str(calendar["x-wr-calname"]) == "Robótica educativa"


def test_texts_follow_the_requested_language_and_fall_back(session):
    offering = make_offering(session, title_en="Educational robotics", summary_en=None)
    calendar = parse(build_calendar([(offering, URL)], "en", name="x"))
    [event] = calendar.walk("VEVENT")
    assert str(event["summary"]) == "Educational robotics"
    assert str(event["description"]).startswith("Resumen del curso")


def test_identifiers_are_stable_and_unique(session):
    offering = make_offering(session, sessions=3)
    session.flush()
    first = [
        str(e["uid"]) for e in parse(build_calendar([(offering, URL)], "es", "x")).walk("VEVENT")
    ]
    again = [
        str(e["uid"]) for e in parse(build_calendar([(offering, URL)], "en", "x")).walk("VEVENT")
    ]
    assert first == again
    assert len(set(first)) == 3
    assert all(uid.endswith("@formacion.example.org") for uid in first)


def test_a_cancelled_offering_cancels_its_events(session):
    offering = make_offering(session, sessions=2, status=OfferingStatus.CANCELLED)
    session.flush()
    events = parse(build_calendar([(offering, URL)], "es", "x")).walk("VEVENT")
    assert [str(event["status"]) for event in events] == ["CANCELLED", "CANCELLED"]


def test_the_location_names_the_venue_or_says_online(session):
    in_person = make_offering(session, venue="Auditorio", address="Plaza Mayor 1")
    online = make_offering(
        session, format=Format.ONLINE, municipality_slug="online", venue=None, address=None
    )
    session.flush()
    calendar = parse(build_calendar([(in_person, URL), (online, URL)], "en", "x"))
    locations = [str(event["location"]) for event in calendar.walk("VEVENT")]
    assert locations == ["Auditorio, Plaza Mayor 1, Las Rozas de Madrid", "Online"]


ANY_TEXT = [
    "Robótica\neducativa",
    "Robótica\r\neducativa\rpara todos",
    "Con\x00nulo\x07campana\x0bvertical\x1bescape\x7fborrado\x85siguiente",
    "Separador\u2028de línea\u2029y párrafo",
    "Tab\tincluido",
    "Muy larga " * 2000,
    "",
]


def valid_lines(body: bytes) -> None:
    """RFC 5545: CRLF-terminated lines of at most 75 octets, no control character but tab."""
    assert body.endswith(b"\r\n")
    for line in body.split(b"\r\n")[:-1]:
        assert len(line) <= 75, line
        text = line.decode("utf-8")
        assert not any(ord(char) < 0x20 and char != "\t" for char in text), line
        assert not any(0x7F <= ord(char) <= 0x9F for char in text), line


@pytest.mark.parametrize("text", ANY_TEXT, ids=range(len(ANY_TEXT)))
def test_any_stored_text_gives_a_valid_calendar(session, text):
    offering = make_offering(session)
    session.flush()
    # The text is given to the object only, never flushed: PostgreSQL stores neither a NUL
    # nor a title over its column's length, and the calendar must cope with SQLite's rows.
    with session.no_autoflush:
        offering.title_es, offering.summary_es = text or "x", text
        offering.venue = offering.address = text
        body = build_calendar([(offering, URL)], "es", name=text)
    valid_lines(body)
    [event] = parse(body).walk("VEVENT")
    summary = str(event["summary"])
    assert "\n" not in summary and "\r" not in summary
    assert len(summary) <= 500
    assert "\n" not in str(parse(body)["x-wr-calname"])
    assert URL in str(event["description"])


def test_line_breaks_in_a_title_become_spaces_and_stay_in_a_description(session):
    offering = make_offering(
        session, title_es="Robótica\neducativa", summary_es="Primera línea\r\nSegunda"
    )
    session.flush()
    [event] = parse(build_calendar([(offering, URL)], "es", "Robótica\neducativa")).walk("VEVENT")
    assert str(event["summary"]) == "Robótica educativa"
    assert str(event["description"]).startswith("Primera línea\nSegunda")

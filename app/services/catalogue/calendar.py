"""iCalendar files: every session of one or more offerings, in Europe/Madrid."""

import re
from collections.abc import Iterable
from datetime import date
from urllib.parse import urlsplit

from icalendar import Calendar, Event

from app.i18n import localized
from app.localtime import MADRID
from app.models import Offering, OfferingStatus

PRODUCT_ID = "-//Madrid Oeste Tecnologico//MOT Formacion//ES"
# RFC 5545 text allows no control character but tab (line breaks are escaped); C1 controls
# and the Unicode line separators confuse calendar clients as much.
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029]")
_LINE_BREAK = re.compile(r"\r\n?|\n")
LINE_MAX = 500  # a title, a place or the calendar's name
TEXT_MAX = 10_000  # a description


def _text(value: str | None, limit: int = TEXT_MAX, one_line: bool = False) -> str:
    """Any stored text as a valid iCalendar value: normalised line breaks (or none), no
    control characters, bounded in length."""
    text = _LINE_BREAK.sub(" " if one_line else "\n", value or "")
    text = _CONTROL.sub(" " if one_line else "", text)
    if one_line:
        text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def build_calendar(entries: Iterable[tuple[Offering, str]], lang: str, name: str) -> bytes:
    """A calendar of the sessions of each ``(offering, page url)``, texts in ``lang``."""
    calendar = Calendar()
    calendar.add("prodid", PRODUCT_ID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    calendar.add("x-wr-calname", _text(name, LINE_MAX, one_line=True))
    calendar.add("x-wr-timezone", MADRID.key)
    events = [event for offering, url in entries for event in _session_events(offering, lang, url)]
    for event in events:
        calendar.add_component(event)
    if events:
        # Transitions for the sessions' years only; the library's default span is 1970-2038.
        calendar.add_missing_timezones(
            first_date=date(min(event.start for event in events).year, 1, 1),
            last_date=date(max(event.end for event in events).year + 1, 1, 1),
        )
    return calendar.to_ical()


def _session_events(offering: Offering, lang: str, url: str) -> list[Event]:
    host = urlsplit(url).hostname or "mot-formacion"
    title = _text(localized(offering, "title", lang).text, LINE_MAX, one_line=True)
    # The summary is cut, never the link to the page.
    description = f"{_text(localized(offering, 'summary', lang).text)}\n\n{_text(url, LINE_MAX)}"
    place = _text(
        ", ".join(
            part
            for part in (
                offering.venue,
                offering.address,
                localized(offering.municipality, "name", lang).text,
            )
            if part
        ),
        LINE_MAX,
        one_line=True,
    )
    cancelled = offering.status == OfferingStatus.CANCELLED
    events = []
    for session in offering.sessions:
        event = Event()
        # Stable across downloads, so importing the file again updates rather than duplicates.
        event.add("uid", f"offering-{offering.id}-{session.starts_at:%Y%m%dT%H%M%SZ}@{host}")
        event.add("dtstamp", offering.updated_at)
        event.add("dtstart", session.starts_at.astimezone(MADRID))
        event.add("dtend", session.ends_at.astimezone(MADRID))
        event.add("summary", title)
        event.add("description", description)
        event.add("location", place)
        event.add("url", url)
        event.add("status", "CANCELLED" if cancelled else "CONFIRMED")
        # A higher sequence makes calendar clients replace an event they imported earlier.
        event.add("sequence", 1 if cancelled else 0)
        events.append(event)
    return events

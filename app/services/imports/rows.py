"""Checking the header and every row's cells, collecting each problem where the clerk will
find it instead of stopping at the first."""

import difflib
import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal, InvalidOperation
from typing import Any

from flask_babel import lazy_gettext as _l

from app.localtime import MADRID
from app.models import Municipality, enums
from app.services.imports.columns import (
    COLUMN_NAMES,
    COLUMNS_BY_NAME,
    HEADER_ROW,
    IMPORTABLE_STATUSES,
    LIST_SEPARATOR,
    MAX_AGE,
    MAX_CAPACITY,
    REQUIRED_COLUMNS,
    SESSION_SEPARATOR,
)
from app.services.imports.reading import RowError, cell_text, shown_value


def check_header(header: list[Any], errors: list[RowError]) -> dict[str, int]:
    """Column name -> position; missing, unknown and repeated columns are errors."""
    positions: dict[str, int] = {}
    for index, cell in enumerate(header):
        name = cell_text(cell)
        if not name:
            continue
        if name in positions:
            errors.append(
                RowError(
                    _l("this column appears more than once in the header row"), HEADER_ROW, name
                )
            )
        elif name not in COLUMNS_BY_NAME:
            errors.append(RowError(_unknown_column_message(name), HEADER_ROW, name))
        positions.setdefault(name, index)
    for name in REQUIRED_COLUMNS:
        if name not in positions:
            errors.append(
                RowError(
                    _l("this required column is missing from the header row"), HEADER_ROW, name
                )
            )
    return {name: index for name, index in positions.items() if name in COLUMNS_BY_NAME}


def _unknown_column_message(name: str):
    close = difflib.get_close_matches(name.lower(), COLUMN_NAMES, n=1, cutoff=0.6)
    if close:
        return _l("unknown column; did you mean “%(suggestion)s”?", suggestion=close[0])
    return _l("unknown column; the template's instructions list every column name")


@dataclass
class ParsedRow:
    """One row's values, converted; only the columns present in the file."""

    row: int
    external_id: str
    values: dict[str, Any]  # Offering attribute -> value
    provider: str | None
    municipality: Municipality | None
    audiences: frozenset[enums.Audience] | None
    languages: frozenset[enums.InstructionLanguage] | None
    sessions: list[tuple[datetime, datetime]] | None
    status: enums.OfferingStatus | None  # None: published, unless cancelled or archived


class RowReader:
    """Reads one row's cells and collects its errors instead of stopping at the first."""

    def __init__(self, number, cells, positions, errors, programmes, municipalities):
        self.number = number
        self.cells = cells
        self.positions = positions
        self.errors = errors
        self.programmes = programmes
        self.municipalities = municipalities
        self.bad_columns: set[str] = set()

    def has(self, name: str) -> bool:
        return name in self.positions

    def raw(self, name: str) -> Any:
        index = self.positions.get(name)
        return self.cells[index] if index is not None and index < len(self.cells) else None

    def error(self, name: str, message) -> None:
        self.errors.append(RowError(message, self.number, name))
        self.bad_columns.add(name)

    def has_error(self, name: str) -> bool:
        return name in self.bad_columns

    def required_but_empty(self, name: str) -> None:
        self.error(name, _l("this cell is required but it is empty"))

    def text(self, name: str, required: bool | None = None) -> str | None:
        value = cell_text(self.raw(name))
        required = COLUMNS_BY_NAME[name].required if required is None else required
        if not value:
            if required:
                self.required_but_empty(name)
            return None
        limit = COLUMNS_BY_NAME[name].limit
        if limit and len(value) > limit:
            self.error(
                name,
                _l(
                    "the text is too long: %(length)s characters, the limit is %(limit)s",
                    length=len(value),
                    limit=limit,
                ),
            )
        return value

    def choice(self, name: str, allowed: dict[str, Any]):
        value = self.text(name)
        if value is None:
            return None
        found = allowed.get(value.lower())
        if found is None:
            self.error(name, _not_allowed(value, allowed))
        return found

    def choices(self, name: str, allowed: dict[str, Any]) -> frozenset | None:
        value = self.text(name)
        if value is None:
            return None
        found = set()
        for item in filter(None, (part.strip() for part in value.split(LIST_SEPARATOR))):
            member = allowed.get(item.lower())
            if member is None:
                self.error(name, _not_allowed(item, allowed))
            else:
                found.add(member)
        if not found and not self.has_error(name):
            self.required_but_empty(name)
        return frozenset(found)

    def whole_number(self, name: str, not_a_number, out_of_range, low: int, high: int):
        """``not_a_number`` and ``out_of_range`` make the message from the value found."""
        value = self.text(name)
        if value is None:
            return None
        try:
            number = int(value)
        except ValueError:
            self.error(name, not_a_number(value))
            return None
        if not low <= number <= high:
            self.error(name, out_of_range(value))
            return None
        return number

    def moment(self, name: str, end_of_day: bool = False) -> datetime | None:
        raw = self.raw(name)
        value = cell_text(raw)
        if not value:
            return None
        parsed = _parse_moment(raw, value, end_of_day)
        if parsed is None:
            self.error(
                name,
                _l(
                    "write a date as YYYY-MM-DD or a date and time as YYYY-MM-DD HH:MM; "
                    "found “%(found)s”",
                    found=shown_value(value),
                ),
            )
        return parsed


def _not_allowed(value: str, allowed: dict[str, Any]):
    return _l(
        "“%(found)s” is not allowed here; use one of: %(allowed)s",
        found=shown_value(value),
        allowed=", ".join(allowed),
    )


def _lookup(enum_cls) -> dict[str, Any]:
    return {member.value: member for member in enum_cls}


def _madrid(day: date, hour: int = 0, minute: int = 0) -> datetime:
    local = datetime(day.year, day.month, day.day, hour, minute, tzinfo=MADRID)
    return local.astimezone(UTC)


DATE_ONLY = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$")
DATE_TIME = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})[ T](\d{1,2}):(\d{2})(?::00)?$")


# Spreadsheets like to turn the hyphen between the two times into an en dash (U+2013).
SESSION = re.compile(
    r"^(\d{4})-(\d{1,2})-(\d{1,2})\s+(\d{1,2}):(\d{2})\s*[-\u2013]\s*(\d{1,2}):(\d{2})$"
)


def _parse_moment(raw: Any, value: str, end_of_day: bool) -> datetime | None:
    """A Madrid date or date and time, as UTC. A date alone opens at the start of the day
    and closes at its end, which is what a clerk means by "closes on the 10th"."""
    # A date cell in Excel is a datetime at midnight: read it as a date.
    if isinstance(raw, datetime) and raw.time() != time(0, 0):
        return _madrid(raw.date(), raw.hour, raw.minute)
    day = raw.date() if isinstance(raw, datetime) else raw if isinstance(raw, date) else None
    try:
        if day is None and (match := DATE_TIME.match(value)):
            year, month, number, hour, minute = map(int, match.groups())
            return _madrid(date(year, month, number), hour, minute)
        if day is None and (match := DATE_ONLY.match(value)):
            day = date(*map(int, match.groups()))
    except ValueError:
        return None
    if day is None:
        return None
    return _madrid(day + timedelta(days=1) if end_of_day else day)


def _parse_sessions(reader: RowReader) -> list[tuple[datetime, datetime]] | None:
    value = reader.text("sessions")
    if value is None:
        return None
    spans = []
    for part in filter(None, (piece.strip() for piece in value.split(SESSION_SEPARATOR))):
        match = SESSION.match(part)
        if not match:
            reader.error(
                "sessions",
                _l(
                    "“%(found)s” is not a session; write YYYY-MM-DD HH:MM-HH:MM, for example "
                    "2025-03-04 17:00-19:00, and separate sessions with ;",
                    found=shown_value(part),
                ),
            )
            continue
        year, month, day, start_h, start_m, end_h, end_m = map(int, match.groups())
        try:
            when = date(year, month, day)
            start = _madrid(when, start_h, start_m)
            end = _madrid(when, end_h, end_m)
        except ValueError:
            reader.error(
                "sessions",
                _l("“%(found)s” is not a real date and time", found=shown_value(part)),
            )
            continue
        if end <= start:
            reader.error(
                "sessions",
                _l("the session “%(found)s” ends before it starts", found=shown_value(part)),
            )
            continue
        spans.append((start, end))
    if not spans and not reader.has_error("sessions"):
        reader.required_but_empty("sessions")
    return sorted(spans)


def _price_cents(reader: RowReader) -> int | None:
    value = cell_text(reader.raw("price_eur"))
    if not value:
        return 0
    try:
        # Spanish spreadsheets write decimals with a comma: "12,50".
        amount = Decimal(value.replace("€", "").strip().replace(",", "."))
    except InvalidOperation:
        amount = None
    if (
        amount is None
        or not amount.is_finite()
        or amount < 0
        or amount != amount.quantize(Decimal("0.01"))
    ):
        reader.error(
            "price_eur",
            _l(
                "write the price in euros, such as 0, 15 or 12.50; found “%(found)s”",
                found=shown_value(value),
            ),
        )
        return None
    return int(amount * 100)


def read_row(reader: RowReader) -> ParsedRow:
    has = reader.has
    values: dict[str, Any] = {}
    external_id = reader.text("external_id") or ""

    programme = reader.choice("programme", reader.programmes)
    if programme is not None:
        values["programme_id"] = programme.id
    values["kind"] = reader.choice("kind", _lookup(enums.Kind))
    values["mode"] = reader.choice("mode", _lookup(enums.Mode))
    for name in ("title_es", "summary_es", "description_es"):
        values[name] = reader.text(name)
    for name in (
        "title_en",
        "summary_en",
        "description_en",
        "prerequisites_es",
        "prerequisites_en",
    ):
        if has(name):
            values[name] = reader.text(name)
    if has("level"):
        values["level"] = reader.choice("level", _lookup(enums.Level))
    offering_format = reader.choice("format", _lookup(enums.Format))
    values["format"] = offering_format
    municipality = reader.choice("municipality", reader.municipalities)
    if municipality is not None:
        values["municipality_id"] = municipality.id

    if offering_format in (enums.Format.IN_PERSON, enums.Format.HYBRID):
        if municipality is not None and municipality.slug == "online":
            reader.error(
                "municipality",
                _l("an in-person or hybrid offering must take place in a municipality"),
            )
        for name in ("venue", "address"):
            if not cell_text(reader.raw(name)):
                reader.error(name, _l("required for in-person and hybrid offerings"))
    for name in ("venue", "address"):
        if has(name):
            values[name] = reader.text(name, required=False)

    values["capacity"] = reader.whole_number(
        "capacity",
        lambda found: _l(
            "capacity must be a whole number of places, found “%(found)s”", found=shown_value(found)
        ),
        lambda found: _l("capacity must be at least 1 place, found %(found)s", found=found),
        low=1,
        high=MAX_CAPACITY,
    )
    if has("price_eur"):
        values["price_cents"] = _price_cents(reader)

    def age_message(found):
        return _l(
            "write the age as a whole number of years between 0 and %(max)s; found “%(found)s”",
            max=MAX_AGE,
            found=shown_value(found),
        )

    for name in ("min_age", "max_age"):
        if has(name):
            values[name] = reader.whole_number(name, age_message, age_message, 0, MAX_AGE)
    if (values.get("min_age") or 0) > (values.get("max_age") or MAX_AGE):
        reader.error(
            "max_age",
            _l(
                "max_age (%(max)s) is lower than min_age (%(min)s)",
                max=values["max_age"],
                min=values["min_age"],
            ),
        )

    if has("enrolment_opens"):
        values["enrolment_opens"] = reader.moment("enrolment_opens")
    if has("enrolment_closes"):
        values["enrolment_closes"] = reader.moment("enrolment_closes", end_of_day=True)
    opens, closes = values.get("enrolment_opens"), values.get("enrolment_closes")
    if opens and closes and closes <= opens:
        reader.error(
            "enrolment_closes",
            _l(
                "enrolment closes before it opens (%(opens)s)",
                opens=shown_value(reader.raw("enrolment_opens")),
            ),
        )

    if has("skills"):
        skills = reader.text("skills")
        values["skills"] = (
            LIST_SEPARATOR.join(filter(None, (part.strip() for part in skills.split("|")))) or None
            if skills
            else None
        )

    status = None
    if has("status"):
        status = reader.choice("status", {status.value: status for status in IMPORTABLE_STATUSES})

    return ParsedRow(
        row=reader.number,
        external_id=external_id,
        values=values,
        provider=reader.text("provider"),
        municipality=municipality,
        audiences=reader.choices("audience", _lookup(enums.Audience)),
        languages=reader.choices("language", _lookup(enums.InstructionLanguage)),
        sessions=_parse_sessions(reader),
        status=status,
    )

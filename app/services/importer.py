"""Loading a municipality's offerings spreadsheet (CSV or XLSX): the import contract.

Every row is validated before anything is written, and every bad cell is reported with the
row number and column name the clerk sees in the spreadsheet: the import is all or nothing.
Importing again updates offerings by ``external_id``. Columns left out of the file are left
as they are on existing offerings; a column that is present and empty clears its field.
"""

import csv
import difflib
import io
import re
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal, InvalidOperation
from typing import Any

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import lazy_ngettext
from openpyxl import load_workbook
from openpyxl.utils import get_column_letter
from openpyxl.utils.exceptions import InvalidFileException
from sqlalchemy import select
from sqlalchemy.orm import Session as DbSession
from sqlalchemy.orm import selectinload

from app.localtime import MADRID
from app.models import (
    Audience,
    Format,
    InstructionLanguage,
    Kind,
    Level,
    Mode,
    Municipality,
    Offering,
    OfferingAudience,
    OfferingLanguage,
    OfferingStatus,
    Organisation,
    OrganisationKind,
    Programme,
)
from app.services import audit, search
from app.services.offerings import set_sessions
from app.services.reference import ensure_reference_data

HEADER_ROW = 1
MAX_AGE = 120
MAX_CAPACITY = 100_000
SHOWN_VALUE_LENGTH = 40
LIST_SEPARATOR = "|"
SESSION_SEPARATOR = ";"
# Statuses a spreadsheet may set; cancelling and archiving are back-office decisions.
IMPORTABLE_STATUSES = (OfferingStatus.PUBLISHED, OfferingStatus.DRAFT)


@dataclass(frozen=True)
class Column:
    """One column of the contract, with what the template's instructions say about it."""

    name: str
    required: bool  # must be in the header row (and its cells filled)
    meaning: Any  # lazy string
    allowed: Any = None  # lazy string, or a tuple of slugs
    limit: int | None = None  # longest text the database holds
    extension: bool = False  # ours, beyond the contract in DESIGN.md

    @property
    def requirement(self):
        if self.required:
            return _l("Required")
        if self.name in ("venue", "address"):
            return _l("Required for in-person and hybrid offerings")
        return _l("Optional")


def _slugs(enum_cls) -> tuple[str, ...]:
    return tuple(member.value for member in enum_cls)


COLUMNS: tuple[Column, ...] = (
    Column(
        "external_id",
        True,
        _l("Your own reference for the offering; importing it again updates it."),
        _l("Any text up to 80 characters, different on every row"),
        limit=80,
    ),
    Column(
        "programme",
        True,
        _l("The strand of the partnership's plan it belongs to."),
        _l("A programme code, e.g. bootcamps, training-cycles, science-week"),
    ),
    Column("kind", True, _l("What kind of activity it is."), _slugs(Kind)),
    Column("mode", True, _l("How people get a place."), _slugs(Mode)),
    Column("title_es", True, _l("Title in Spanish."), limit=200),
    Column("title_en", False, _l("Title in English."), limit=200),
    Column("summary_es", True, _l("One or two sentences in Spanish."), limit=500),
    Column("summary_en", False, _l("One or two sentences in English."), limit=500),
    Column(
        "description_es",
        True,
        _l("Full description in Spanish."),
        _l("Text; Markdown is allowed (paragraphs, lists, bold, links)"),
    ),
    Column(
        "description_en",
        False,
        _l("Full description in English."),
        _l("Text; Markdown is allowed (paragraphs, lists, bold, links)"),
    ),
    Column(
        "audience",
        True,
        _l("Who it is for; several separated by |."),
        _slugs(Audience),
    ),
    Column("format", True, _l("How it is delivered: in person, online or both."), _slugs(Format)),
    Column(
        "language",
        True,
        _l("Language of instruction."),
        _l("es, en or es|en"),
    ),
    Column(
        "municipality",
        True,
        _l("The municipality where it takes place, or online."),
        ("las-rozas", "boadilla-del-monte", "majadahonda", "online"),
    ),
    Column(
        "provider",
        True,
        _l("The organisation that runs it; added to the ecosystem map if new."),
        _l("An organisation's name"),
        limit=200,
    ),
    Column("venue", False, _l("Name of the place."), limit=200),
    Column("address", False, _l("Street address of the place."), limit=300),
    Column(
        "capacity",
        True,
        _l("Places: pupils for class registration, cohort size for applications."),
        _l("A whole number, 1 or more"),
    ),
    Column("price_eur", False, _l("Price in euros; empty means free."), _l("e.g. 0, 15 or 12.50")),
    Column(
        "enrolment_opens",
        False,
        _l("When enrolment opens (Madrid time)."),
        _l("YYYY-MM-DD or YYYY-MM-DD HH:MM"),
    ),
    Column(
        "enrolment_closes",
        False,
        _l("When enrolment closes (Madrid time); a date alone means the end of that day."),
        _l("YYYY-MM-DD or YYYY-MM-DD HH:MM"),
    ),
    Column("min_age", False, _l("Youngest age allowed."), _l("Whole years")),
    Column("max_age", False, _l("Oldest age allowed."), _l("Whole years")),
    Column(
        "skills",
        False,
        _l("Keywords for search; several separated by |."),
        _l("e.g. python|data|cloud"),
        limit=500,
    ),
    Column(
        "sessions",
        True,
        _l("Every date with its start and end time (Madrid time), separated by ;."),
        _l("YYYY-MM-DD HH:MM-HH:MM; e.g. 2025-03-04 17:00-19:00;2025-03-11 17:00-19:00"),
    ),
    Column("level", False, _l("Level of difficulty."), _slugs(Level), extension=True),
    Column("prerequisites_es", False, _l("What to know or bring, in Spanish."), extension=True),
    Column("prerequisites_en", False, _l("What to know or bring, in English."), extension=True),
    Column(
        "status",
        False,
        _l("Empty or published: visible in the catalogue; draft: kept hidden."),
        tuple(status.value for status in IMPORTABLE_STATUSES),
        extension=True,
    ),
)
COLUMN_NAMES = tuple(column.name for column in COLUMNS)
REQUIRED_COLUMNS = tuple(column.name for column in COLUMNS if column.required)
_COLUMNS = {column.name: column for column in COLUMNS}

# Offering attribute -> the column it comes from, to name what a re-import would change.
SCALAR_SOURCES = {
    "programme_id": "programme",
    "kind": "kind",
    "mode": "mode",
    "status": "status",
    "title_es": "title_es",
    "title_en": "title_en",
    "summary_es": "summary_es",
    "summary_en": "summary_en",
    "description_es": "description_es",
    "description_en": "description_en",
    "prerequisites_es": "prerequisites_es",
    "prerequisites_en": "prerequisites_en",
    "level": "level",
    "format": "format",
    "skills": "skills",
    "municipality_id": "municipality",
    "venue": "venue",
    "address": "address",
    "min_age": "min_age",
    "max_age": "max_age",
    "price_cents": "price_eur",
    "capacity": "capacity",
    "enrolment_opens": "enrolment_opens",
    "enrolment_closes": "enrolment_closes",
}


@dataclass(frozen=True)
class RowError:
    """One problem, where the clerk will find it: spreadsheet row and column name."""

    message: Any  # lazy string, rendered in the reader's language
    row: int | None = None
    column: str | None = None

    def describe(self) -> str:
        """ "Row 5, column “capacity”: ..." in the current locale."""
        if self.row is not None and self.column is not None:
            return _(
                "Row %(row)s, column “%(column)s”: %(message)s",
                row=self.row,
                column=self.column,
                message=self.message,
            )
        if self.row is not None:
            return _("Row %(row)s: %(message)s", row=self.row, message=self.message)
        return str(self.message)


@dataclass(frozen=True)
class Outcome:
    """What importing one row does (or would do, on a dry run)."""

    row: int
    external_id: str
    action: str  # "created", "updated" or "unchanged"
    changed: tuple[str, ...] = ()  # column names, for an update


@dataclass
class ImportResult:
    dry_run: bool
    errors: list[RowError] = field(default_factory=list)
    outcomes: list[Outcome] = field(default_factory=list)
    new_providers: list[str] = field(default_factory=list)
    offerings: list[Offering] = field(default_factory=list)  # every row's offering, once written

    @property
    def ok(self) -> bool:
        return not self.errors

    def _count(self, action: str) -> int:
        return sum(1 for outcome in self.outcomes if outcome.action == action)

    @property
    def created(self) -> int:
        return self._count("created")

    @property
    def updated(self) -> int:
        return self._count("updated")

    @property
    def unchanged(self) -> int:
        return self._count("unchanged")


class SpreadsheetError(Exception):
    """The file as a whole cannot be read; carries the clerk-facing message."""

    def __init__(self, message):
        super().__init__(message)  # lazy: rendered later, in the reader's language
        self.message = message


# --- Reading the file -------------------------------------------------------------------


@dataclass
class Table:
    header: list[Any]
    rows: list[tuple[int, list[Any]]]  # (row number as seen in the spreadsheet, cells)


def read_table(content: bytes) -> Table:
    """The first sheet of an XLSX workbook, or a CSV file; raises SpreadsheetError."""
    if not content.strip():
        raise SpreadsheetError(_l("The file is empty."))
    if content.startswith(b"PK\x03\x04"):
        return _read_xlsx(content)
    if content.startswith(b"\xd0\xcf\x11\xe0"):
        raise SpreadsheetError(
            _l("This is an old Excel file (.xls). Save it as .xlsx or as CSV UTF-8 and try again.")
        )
    return _read_csv(content)


def _read_xlsx(content: bytes) -> Table:
    try:
        workbook = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except (InvalidFileException, zipfile.BadZipFile, KeyError, OSError, ValueError) as error:
        raise SpreadsheetError(
            _l("The file could not be read as an Excel workbook (.xlsx).")
        ) from error
    try:
        lines = list(workbook.worksheets[0].iter_rows(values_only=True))
    finally:
        workbook.close()
    return _table(lines)


def _read_csv(content: bytes) -> Table:
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = content[: error.start].count(b"\n") + 1
        raise SpreadsheetError(
            _l(
                "The file is not saved as UTF-8 text (the first unreadable character is on "
                "line %(line)s). In Excel, save it as “CSV UTF-8”, or use the .xlsx file.",
                line=line,
            )
        ) from error
    first_line = text.split("\n", 1)[0]
    delimiter = ";" if first_line.count(";") > first_line.count(",") else ","
    try:
        lines = list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter))
    except csv.Error as error:
        raise SpreadsheetError(
            _l("The file could not be read as CSV: %(problem)s", problem=str(error))
        ) from error
    return _table(lines)


def _table(lines: list[Iterable[Any]]) -> Table:
    lines = [list(line) for line in lines]
    if not lines:
        raise SpreadsheetError(_l("The file is empty."))
    rows = [
        (number, cells)
        for number, cells in enumerate(lines[1:], start=HEADER_ROW + 1)
        if any(_text(cell) for cell in cells)
    ]
    return Table(header=lines[0], rows=rows)


def _text(value: Any) -> str:
    """A cell as the clerk typed it: spreadsheets give numbers and dates, CSV gives text."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return str(value).upper()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d %H:%M")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, time):
        return value.strftime("%H:%M")
    return str(value).replace("\r\n", "\n").strip()


def _shown(value: Any) -> str:
    text = _text(value)
    return text if len(text) <= SHOWN_VALUE_LENGTH else text[: SHOWN_VALUE_LENGTH - 1] + "…"


# --- Checking the header and the cells -------------------------------------------------


def _check_header(header: list[Any], errors: list[RowError]) -> dict[str, int]:
    """Column name -> position; missing, unknown and repeated columns are errors."""
    positions: dict[str, int] = {}
    for index, cell in enumerate(header):
        name = _text(cell)
        if not name:
            continue
        if name in positions:
            errors.append(
                RowError(
                    _l("this column appears more than once in the header row"), HEADER_ROW, name
                )
            )
        elif name not in _COLUMNS:
            errors.append(RowError(_unknown_column_message(name), HEADER_ROW, name))
        positions.setdefault(name, index)
    for name in REQUIRED_COLUMNS:
        if name not in positions:
            errors.append(
                RowError(
                    _l("this required column is missing from the header row"), HEADER_ROW, name
                )
            )
    return {name: index for name, index in positions.items() if name in _COLUMNS}


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
    audiences: frozenset[Audience] | None
    languages: frozenset[InstructionLanguage] | None
    sessions: list[tuple[datetime, datetime]] | None
    status: OfferingStatus | None  # None: published, unless cancelled or archived


class _RowReader:
    """Reads one row's cells and collects its errors instead of stopping at the first."""

    def __init__(self, number, cells, positions, errors, programmes, municipalities):
        self.number = number
        self.cells = cells
        self.positions = positions
        self.errors = errors
        self.programmes = programmes
        self.municipalities = municipalities

    def has(self, name: str) -> bool:
        return name in self.positions

    def raw(self, name: str) -> Any:
        index = self.positions.get(name)
        return self.cells[index] if index is not None and index < len(self.cells) else None

    def error(self, name: str, message) -> None:
        self.errors.append(RowError(message, self.number, name))

    def has_error(self, name: str) -> bool:
        return any(error.row == self.number and error.column == name for error in self.errors)

    def required_but_empty(self, name: str) -> None:
        self.error(name, _l("this cell is required but it is empty"))

    def text(self, name: str, required: bool | None = None) -> str | None:
        value = _text(self.raw(name))
        required = _COLUMNS[name].required if required is None else required
        if not value:
            if required:
                self.required_but_empty(name)
            return None
        limit = _COLUMNS[name].limit
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
        value = _text(raw)
        if not value:
            return None
        parsed = _parse_moment(raw, value, end_of_day)
        if parsed is None:
            self.error(
                name,
                _l(
                    "write a date as YYYY-MM-DD or a date and time as YYYY-MM-DD HH:MM; "
                    "found “%(found)s”",
                    found=_shown(value),
                ),
            )
        return parsed


def _not_allowed(value: str, allowed: dict[str, Any]):
    return _l(
        "“%(found)s” is not allowed here; use one of: %(allowed)s",
        found=_shown(value),
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


def _parse_sessions(reader: _RowReader) -> list[tuple[datetime, datetime]] | None:
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
                    found=_shown(part),
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
                _l("“%(found)s” is not a real date and time", found=_shown(part)),
            )
            continue
        if end <= start:
            reader.error(
                "sessions",
                _l("the session “%(found)s” ends before it starts", found=_shown(part)),
            )
            continue
        spans.append((start, end))
    if not spans and not reader.has_error("sessions"):
        reader.required_but_empty("sessions")
    return sorted(spans)


def _price_cents(reader: _RowReader) -> int | None:
    value = _text(reader.raw("price_eur"))
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
                found=_shown(value),
            ),
        )
        return None
    return int(amount * 100)


def _read_row(reader: _RowReader) -> ParsedRow:
    has = reader.has
    values: dict[str, Any] = {}
    external_id = reader.text("external_id") or ""

    programme = reader.choice("programme", reader.programmes)
    if programme is not None:
        values["programme_id"] = programme.id
    values["kind"] = reader.choice("kind", _lookup(Kind))
    values["mode"] = reader.choice("mode", _lookup(Mode))
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
        values["level"] = reader.choice("level", _lookup(Level))
    offering_format = reader.choice("format", _lookup(Format))
    values["format"] = offering_format
    municipality = reader.choice("municipality", reader.municipalities)
    if municipality is not None:
        values["municipality_id"] = municipality.id

    if offering_format in (Format.IN_PERSON, Format.HYBRID):
        if municipality is not None and municipality.slug == "online":
            reader.error(
                "municipality",
                _l("an in-person or hybrid offering must take place in a municipality"),
            )
        for name in ("venue", "address"):
            if not _text(reader.raw(name)):
                reader.error(name, _l("required for in-person and hybrid offerings"))
    for name in ("venue", "address"):
        if has(name):
            values[name] = reader.text(name, required=False)

    values["capacity"] = reader.whole_number(
        "capacity",
        lambda found: _l(
            "capacity must be a whole number of places, found “%(found)s”", found=_shown(found)
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
            found=_shown(found),
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
                opens=_shown(reader.raw("enrolment_opens")),
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
        audiences=reader.choices("audience", _lookup(Audience)),
        languages=reader.choices("language", _lookup(InstructionLanguage)),
        sessions=_parse_sessions(reader),
        status=status,
    )


# --- Importing ---------------------------------------------------------------------------


def import_offerings(
    session: DbSession,
    content: bytes,
    *,
    dry_run: bool = False,
    only_provider: Organisation | None = None,
) -> ImportResult:
    """Validate the whole file, then (unless ``dry_run`` or any error) create or update
    its offerings. Flushes, never commits: the caller commits, or rolls back on errors.

    ``only_provider`` limits the file to that organisation's offerings (staff of one
    organisation): a row naming another provider, or updating another's offering, is an error.
    """
    result = ImportResult(dry_run=dry_run)
    try:
        table = read_table(content)
    except SpreadsheetError as error:
        result.errors.append(RowError(error.message))
        return result
    if not table.rows:
        result.errors.append(RowError(_l("The spreadsheet has no offerings below its header row.")))
    positions = _check_header(table.header, result.errors)
    if result.errors:
        return result

    ensure_reference_data(session)
    programmes = {
        p.slug: p for p in session.scalars(select(Programme).order_by(Programme.sort_order))
    }
    allowed_places = _COLUMNS["municipality"].allowed
    municipalities = {
        m.slug: m
        for m in session.scalars(select(Municipality).order_by(Municipality.sort_order))
        if m.slug in allowed_places
    }

    named = {index for index, cell in enumerate(table.header) if _text(cell)}
    parsed: list[ParsedRow] = []
    for number, cells in table.rows:
        reader = _RowReader(number, cells, positions, result.errors, programmes, municipalities)
        for index, cell in enumerate(cells):
            if index not in named and _text(cell):
                reader.error(
                    get_column_letter(index + 1),
                    _l("this cell has a value, but its column has no name in the header row"),
                )
        parsed.append(_read_row(reader))

    first_row: dict[str, int] = {}
    for row in parsed:
        if row.external_id in first_row:
            result.errors.append(
                RowError(
                    _l(
                        "the reference “%(found)s” is also used in row %(row)s; "
                        "each offering needs its own external_id",
                        found=_shown(row.external_id),
                        row=first_row[row.external_id],
                    ),
                    row.row,
                    "external_id",
                )
            )
        elif row.external_id:
            first_row[row.external_id] = row.row

    existing = _existing_offerings(session, list(first_row))
    for row in parsed:
        offering = existing.get(row.external_id)
        if only_provider is not None:
            _check_provider(row, offering, only_provider, result.errors)
        capacity = row.values.get("capacity")
        if offering is not None and capacity is not None and capacity < offering.seats_taken:
            result.errors.append(
                RowError(
                    lazy_ngettext(
                        "capacity cannot be %(capacity)s: %(num)d place is already taken",
                        "capacity cannot be %(capacity)s: %(num)d places are already taken",
                        offering.seats_taken,
                        capacity=capacity,
                    ),
                    row.row,
                    "capacity",
                )
            )
    if result.errors:
        order = {name: position for position, name in enumerate(COLUMN_NAMES)}
        result.errors.sort(key=lambda error: (error.row, order.get(error.column, len(order))))
        return result

    providers = {org.name.casefold(): org for org in session.scalars(select(Organisation))}
    for row in parsed:
        key = row.provider.casefold()
        if key not in providers:
            organisation = Organisation(
                name=row.provider,
                kind=OrganisationKind.TRAINING_PROVIDER,
                # Where it runs is the best guess at where it is; staff correct it later.
                municipality=None if row.municipality.slug == "online" else row.municipality,
            )
            providers[key] = organisation
            result.new_providers.append(row.provider)
        offering = existing.get(row.external_id)
        changed = _changes(offering, row, providers[key])
        if offering is None:
            result.outcomes.append(Outcome(row.row, row.external_id, "created"))
        elif changed:
            result.outcomes.append(Outcome(row.row, row.external_id, "updated", changed))
        else:
            result.outcomes.append(Outcome(row.row, row.external_id, "unchanged"))
        if not dry_run:
            result.offerings.append(_write(session, offering, row, providers[key], changed))

    if not dry_run:
        written = {o.external_id for o in result.outcomes if o.action != "unchanged"}
        for offering in result.offerings:
            if offering.external_id in written:
                search.index_offering(session, offering)
    return result


def import_from_back_office(
    session: DbSession,
    content: bytes,
    *,
    actor_id: int,
    filename: str,
    dry_run: bool,
    only_provider: Organisation | None = None,
) -> ImportResult:
    """The same import, from the browser: an applied import is one audit entry with its
    counts and the references it created and changed."""
    result = import_offerings(session, content, dry_run=dry_run, only_provider=only_provider)
    if result.ok and not dry_run:
        audit.record(
            session,
            actor_id=actor_id,
            action="import",
            entity_type="import",
            entity_id=None,
            summary=filename,
            after={
                "file": filename,
                "created": result.created,
                "updated": result.updated,
                "unchanged": result.unchanged,
                "created_offerings": [
                    o.external_id for o in result.outcomes if o.action == "created"
                ],
                "updated_offerings": {
                    o.external_id: list(o.changed) for o in result.outcomes if o.action == "updated"
                },
                "new_providers": result.new_providers,
            },
        )
    return result


def _check_provider(
    row: ParsedRow, offering: Offering | None, provider: Organisation, errors: list[RowError]
) -> None:
    if row.provider is not None and row.provider.casefold() != provider.name.casefold():
        errors.append(
            RowError(
                _l(
                    "you may import only offerings of %(organisation)s; found “%(found)s”",
                    organisation=provider.name,
                    found=_shown(row.provider),
                ),
                row.row,
                "provider",
            )
        )
    if offering is not None and offering.provider_id != provider.id:
        errors.append(
            RowError(
                _l("this reference is already used by another organisation's offering"),
                row.row,
                "external_id",
            )
        )


def _existing_offerings(session: DbSession, external_ids: list[str]) -> dict[str, Offering]:
    if not external_ids:
        return {}
    query = (
        select(Offering)
        .where(Offering.external_id.in_(external_ids))
        .options(
            selectinload(Offering.sessions),
            selectinload(Offering.audience_rows),
            selectinload(Offering.language_rows),
            selectinload(Offering.provider),
        )
    )
    return {offering.external_id: offering for offering in session.scalars(query)}


def _desired_status(offering: Offering | None, row: ParsedRow) -> OfferingStatus:
    if row.status is not None:
        return row.status
    if offering is not None and offering.status in (
        OfferingStatus.CANCELLED,
        OfferingStatus.ARCHIVED,
    ):
        return offering.status
    return OfferingStatus.PUBLISHED


def _changes(offering: Offering | None, row: ParsedRow, provider: Organisation) -> tuple[str, ...]:
    """Column names whose value differs from the stored offering (all, for a new one)."""
    if offering is None:
        return ()
    wanted = {**row.values, "status": _desired_status(offering, row)}
    changed = [
        SCALAR_SOURCES[name] for name, value in wanted.items() if getattr(offering, name) != value
    ]
    if offering.provider is not provider:
        changed.append("provider")
    if set(offering.audiences) != row.audiences:
        changed.append("audience")
    if set(offering.languages) != row.languages:
        changed.append("language")
    if [(s.starts_at, s.ends_at) for s in offering.sessions] != row.sessions:
        changed.append("sessions")
    order = {name: position for position, name in enumerate(COLUMN_NAMES)}
    return tuple(sorted(set(changed), key=order.__getitem__))


def _write(
    session: DbSession,
    offering: Offering | None,
    row: ParsedRow,
    provider: Organisation,
    changed: tuple[str, ...],
) -> Offering:
    if offering is None:
        offering = Offering(external_id=row.external_id, seats_taken=0)
        session.add(offering)
    elif not changed:
        return offering
    for name, value in {**row.values, "status": _desired_status(offering, row)}.items():
        if getattr(offering, name) != value:
            setattr(offering, name, value)
    if offering.provider is not provider:
        offering.provider = provider
    _sync_rows(offering.audience_rows, row.audiences, "audience", OfferingAudience)
    _sync_rows(offering.language_rows, row.languages, "language", OfferingLanguage)
    if [(s.starts_at, s.ends_at) for s in offering.sessions] != row.sessions:
        set_sessions(offering, row.sessions)
    return offering


def _sync_rows(rows: list, wanted: frozenset, attribute: str, model) -> None:
    """Remove and add association rows so the collection holds exactly ``wanted``."""
    for existing in [item for item in rows if getattr(item, attribute) not in wanted]:
        rows.remove(existing)
    present = {getattr(item, attribute) for item in rows}
    for value in sorted(wanted - present):
        rows.append(model(**{attribute: value}))

"""Spreadsheets of an offering's people that open cleanly in Excel as it is set up in Spain.

XLSX: a bold, frozen header row, columns wide enough to read, dates as real Excel dates in
Madrid time (Excel has no time zones), and text never stored as a formula.
CSV: UTF-8 with a BOM (without it Excel reads the file in the ANSI code page and breaks
accents), semicolons (the list separator of a Spanish Windows), CRLF line ends, and cells
that Excel would run as a formula neutralised with a leading apostrophe.

Every export of personal data is recorded in the audit log (action "export").
Headers and labels are translated in the language of the request.
"""

import csv
import enum
import io
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.i18n import format_datetime, localized
from app.localtime import MADRID
from app.models import Attendance, Enrolment, EnrolmentStatus, Offering
from app.services import audit
from app.services.enrolment import participants
from app.services.errors import NotFound

_record_offering = audit.recorder("offering")

XLSX_MIMETYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CSV_MIMETYPE = "text/csv"  # Flask adds "; charset=utf-8"
EXCEL_DATETIME = "DD/MM/YYYY HH:MM"
CSV_DATETIME = "%d/%m/%Y %H:%M"  # what Excel in Spain reads back as a date


# Excel (and LibreOffice) treat a cell starting with these as a formula.
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
MIN_WIDTH, MAX_WIDTH = 8, 60


# Excel's limit: a longer cell makes it "repair" the whole workbook on opening.
XLSX_CELL_MAX = 32_767


class Kind(enum.StrEnum):
    PARTICIPANTS = "participants"
    ATTENDANCE = "attendance"
    WAITING_LIST = "waiting-list"


class Format(enum.StrEnum):
    XLSX = "xlsx"
    CSV = "csv"


SHEET_TITLES = {
    Kind.PARTICIPANTS: _l("Participants"),
    Kind.ATTENDANCE: _l("Attendance"),
    Kind.WAITING_LIST: _l("Waiting list"),
}


@dataclass
class Table:
    title: str
    headers: list[str]
    rows: list[list[str | int | datetime | None]]


@dataclass(frozen=True)
class Column:
    """One column of a spreadsheet: its header (lazily translated) beside how a row's cell
    is read, so that a header and its cells can never drift apart."""

    header: str
    cell: Callable[[Any], str | int | datetime | None]


def table_of(title: str, columns: Sequence[Column], items: Iterable) -> Table:
    """A table with a row per item, headers in the language of the request."""
    return Table(
        title=str(title),
        headers=[str(column.header) for column in columns],
        rows=[[column.cell(item) for column in columns] for item in items],
    )


@dataclass
class Export:
    content: bytes
    mimetype: str
    filename: str
    rows: int


def _person_headers() -> list[str]:
    """The headers of the cells of ``_person``."""
    return [_("Name"), _("Email")]


def _person(enrolment: Enrolment) -> list[str]:
    user = enrolment.user
    if user is None or user.erased_at is not None:
        return [_("Closed account"), ""]
    return [user.name, user.email or ""]


def _residence(enrolment: Enrolment) -> str:
    user = enrolment.user
    return localized(user.municipality, "name").text if user and user.municipality else ""


def participants_table(session: Session, offering: Offering) -> Table:
    rows = participants.export_rows(session, offering.id)
    positions = participants.waiting_positions(session, offering.id)
    return Table(
        title=str(SHEET_TITLES[Kind.PARTICIPANTS]),
        headers=[
            *_person_headers(),
            _("Municipality"),
            _("Status"),
            _("Waiting list position"),
            _("Enrolled on"),
            _("Completed on"),
        ],
        rows=[
            [
                *_person(enrolment),
                _residence(enrolment),
                str(enrolment.status.label),
                positions.get(enrolment.id),
                enrolment.created_at,
                enrolment.completed_at,
            ]
            for enrolment in rows
        ],
    )


def waiting_list_table(session: Session, offering: Offering) -> Table:
    positions = participants.waiting_positions(session, offering.id)
    waiting = [e for e in participants.export_rows(session, offering.id) if e.id in positions]
    return Table(
        title=str(SHEET_TITLES[Kind.WAITING_LIST]),
        headers=[_("Position"), *_person_headers(), _("Municipality"), _("Waiting since")],
        rows=[
            [positions[e.id], *_person(e), _residence(e), e.created_at]
            for e in sorted(waiting, key=lambda e: positions[e.id])
        ],
    )


def attendance_table(session: Session, offering: Offering) -> Table:
    """Confirmed participants, one column per session: present, absent or blank (not
    marked), then how many sessions each attended and whether they completed."""
    sessions = sorted(offering.sessions, key=lambda s: s.starts_at)
    people = participants.confirmed_participants(session, offering.id)
    marks = {
        (row.enrolment_id, row.session_id): row.present
        for row in session.scalars(
            select(Attendance)
            .join(Enrolment, Attendance.enrolment_id == Enrolment.id)
            .where(
                Enrolment.offering_id == offering.id,
                Enrolment.status == EnrolmentStatus.CONFIRMED,
            )
        )
    }
    labels = {True: _("Present"), False: _("Absent"), None: ""}
    rows = []
    for person in people:
        row_marks = [marks.get((person.id, s.id)) for s in sessions]
        rows.append(
            [
                *_person(person),
                *(labels[mark] for mark in row_marks),
                sum(1 for mark in row_marks if mark),
                _("Yes") if person.completed_at else _("No"),
            ]
        )
    return Table(
        title=str(SHEET_TITLES[Kind.ATTENDANCE]),
        headers=[
            *_person_headers(),
            *(format_datetime(s.starts_at, "short") for s in sessions),
            _("Sessions attended"),
            _("Completed"),
        ],
        rows=rows,
    )


BUILDERS = {
    Kind.PARTICIPANTS: participants_table,
    Kind.ATTENDANCE: attendance_table,
    Kind.WAITING_LIST: waiting_list_table,
}


def _madrid(value: datetime) -> datetime:
    """Excel dates have no zone: the wall-clock time in Madrid, as staff expect."""
    return value.astimezone(MADRID).replace(tzinfo=None)


def neutralise(text: str) -> str:
    """A cell Excel would evaluate (=HYPERLINK(...), +1, -1, @SUM...) becomes plain text."""
    return "'" + text if text.startswith(FORMULA_PREFIXES) else text


def _xlsx_text(text: str) -> str:
    """Text a worksheet can hold: XML 1.0 has no place for control characters other than
    tab and line breaks (openpyxl refuses them: one in a stored name made the export fail)."""
    return ILLEGAL_CHARACTERS_RE.sub("", text)[:XLSX_CELL_MAX]


def _xlsx_value(value):
    if isinstance(value, datetime):
        return _madrid(value)
    return _xlsx_text(value) if isinstance(value, str) else value


def to_xlsx(table: Table) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    # Excel refuses sheet titles over 31 characters.
    sheet.title = table.title[:31]
    sheet.append([_xlsx_text(header) for header in table.headers])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    sheet.freeze_panes = "A2"
    widths = [len(header) for header in table.headers]
    for values in table.rows:
        sheet.append([_xlsx_value(value) for value in values])
        for index, value in enumerate(values):
            shown = EXCEL_DATETIME if isinstance(value, datetime) else str(value or "")
            widths[index] = max(widths[index], len(shown))
    for row in sheet.iter_rows(min_row=2):
        for cell in row:
            if isinstance(cell.value, datetime):
                cell.number_format = EXCEL_DATETIME
            elif isinstance(cell.value, str):
                cell.data_type = "s"  # openpyxl would otherwise store "=..." as a formula
    for index, width in enumerate(widths, start=1):
        column = get_column_letter(index)
        sheet.column_dimensions[column].width = min(max(width + 2, MIN_WIDTH), MAX_WIDTH)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _csv_cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return _madrid(value).strftime(CSV_DATETIME)
    if isinstance(value, str):
        return neutralise(value)
    return str(value)


def to_csv(table: Table) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
    writer.writerow([neutralise(header) for header in table.headers])
    for values in table.rows:
        writer.writerow([_csv_cell(value) for value in values])
    return buffer.getvalue().encode("utf-8-sig")


def _asked(choice: type[enum.StrEnum], value: str):
    """The kind or format a link asks for; any other is an export that does not exist."""
    try:
        return choice(value)
    except ValueError as error:
        raise NotFound(_l("There is no such export.")) from error


def export(
    session: Session,
    offering: Offering,
    *,
    kind: str,
    fmt: str,
    actor_id: int,
    now: datetime,
) -> Export:
    """The spreadsheet, and its audit entry in the caller's transaction."""
    kind = _asked(Kind, kind)
    table = BUILDERS[kind](session, offering)
    return spreadsheet(
        session, offering, table, what=kind.value, fmt=fmt, actor_id=actor_id, now=now
    )


def spreadsheet(
    session: Session,
    offering: Offering,
    table: Table,
    *,
    what: str,
    fmt: str,
    actor_id: int,
    now: datetime,
) -> Export:
    """``table`` of an offering's people as a file in ``fmt``, and its audit entry."""
    fmt = _asked(Format, fmt)
    if fmt == Format.XLSX:
        content, mimetype = to_xlsx(table), XLSX_MIMETYPE
    else:
        content, mimetype = to_csv(table), CSV_MIMETYPE
    summary = (
        f"Exported {what} of offering {offering.id} as {fmt.value.upper()}: {len(table.rows)} rows"
    )
    exported = {"what": what, "format": fmt.value, "rows": len(table.rows)}
    _record_offering(session, offering, actor_id, "export", summary, after=exported)
    filename = f"{what}-{offering.id}-{_madrid(now):%Y-%m-%d}.{fmt.value}"
    return Export(content=content, mimetype=mimetype, filename=filename, rows=len(table.rows))

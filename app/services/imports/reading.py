"""Reading a spreadsheet file (the first sheet of an XLSX workbook, or CSV) into a header
and rows, and the errors a clerk is shown, by row and column."""

import csv
import io
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, time
from time import monotonic
from typing import Any

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from openpyxl import load_workbook

from app.services.imports.columns import HEADER_ROW, SHOWN_VALUE_LENGTH


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


class SpreadsheetError(Exception):
    """The file as a whole cannot be read; carries the clerk-facing message."""

    def __init__(self, message):
        super().__init__(message)  # lazy: rendered later, in the reader's language
        self.message = message


@dataclass
class Table:
    header: list[Any]
    rows: list[tuple[int, list[Any]]]  # (row number as seen in the spreadsheet, cells)


# Limits, so that a small hostile file cannot hold a worker: an .xlsx is a zip, and a few
# kilobytes may declare a million rows or unpack to gigabytes.
MAX_ROWS = 5_000  # offerings in one file
MAX_LINES = 50_000  # lines looked at, blank ones included
MAX_COLUMNS = 100
MAX_CELL_LENGTH = 50_000  # characters
MAX_UNPACKED_BYTES = 50 * 1024 * 1024
MAX_SECONDS = 20


def read_table(content: bytes) -> Table:
    """The first sheet of an XLSX workbook, or a CSV file; raises SpreadsheetError."""
    if not content.strip():
        raise SpreadsheetError(_l("The file is empty."))
    deadline = monotonic() + MAX_SECONDS
    if content.startswith(b"PK\x03\x04"):
        return _table(_read_xlsx(content, deadline))
    if content.startswith(b"\xd0\xcf\x11\xe0"):
        raise SpreadsheetError(
            _l("This is an old Excel file (.xls). Save it as .xlsx or as CSV UTF-8 and try again.")
        )
    return _table(_read_csv(content, deadline))


UNREADABLE_XLSX = _l("The file could not be read as an Excel workbook (.xlsx).")


def _read_xlsx(content: bytes, deadline: float) -> list[tuple[int, list[Any]]]:
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            unpacked = sum(info.file_size for info in archive.infolist())
    except (zipfile.BadZipFile, OSError, ValueError) as error:
        raise SpreadsheetError(UNREADABLE_XLSX) from error
    if unpacked > MAX_UNPACKED_BYTES:
        raise SpreadsheetError(
            _l(
                "The workbook is too large once unpacked (more than %(size)s MB). Keep only "
                "the offerings in it, or split it into several files.",
                size=MAX_UNPACKED_BYTES // (1024 * 1024),
            )
        )
    try:
        workbook = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
        try:
            if not workbook.worksheets:
                raise SpreadsheetError(_l("The workbook has no sheet to read."))
            sheet = workbook.worksheets[0]
            sheet.reset_dimensions()  # the size a file declares is a claim, not a fact
            return _bounded(sheet.iter_rows(values_only=True, max_col=MAX_COLUMNS + 1), deadline)
        finally:
            workbook.close()
    except SpreadsheetError:
        raise
    except Exception as error:  # openpyxl and the XML parser raise many kinds on a bad file
        raise SpreadsheetError(UNREADABLE_XLSX) from error


def _read_csv(content: bytes, deadline: float) -> list[tuple[int, list[Any]]]:
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
        return _bounded(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter), deadline)
    except csv.Error as error:
        raise SpreadsheetError(
            _l("The file could not be read as CSV: %(problem)s", problem=str(error))
        ) from error


def _bounded(lines: Iterable[Iterable[Any]], deadline: float) -> list[tuple[int, list[Any]]]:
    """The lines that hold something, numbered as the spreadsheet numbers them, read one at
    a time so that a file beyond the limits is refused before it fills the memory."""
    kept: list[tuple[int, list[Any]]] = []
    for number, line in enumerate(lines, start=HEADER_ROW):
        if number % 256 == 0 and monotonic() > deadline:
            raise SpreadsheetError(
                _l(
                    "Reading the file took too long. Keep only the offerings in it, or split "
                    "it into several files."
                )
            )
        if number > MAX_LINES or len(kept) > MAX_ROWS:
            raise SpreadsheetError(
                _l(
                    "The file has more than %(max)s rows. Split it into several files.",
                    max=MAX_ROWS,
                )
            )
        cells = list(line)
        if any(cell_text(cell) for cell in cells[MAX_COLUMNS:]):
            raise SpreadsheetError(
                _l(
                    "Row %(row)s has values beyond column %(max)s; the import has far fewer "
                    "columns. Remove them and try again.",
                    row=number,
                    max=MAX_COLUMNS,
                )
            )
        cells = cells[:MAX_COLUMNS]
        if any(isinstance(cell, str) and len(cell) > MAX_CELL_LENGTH for cell in cells):
            raise SpreadsheetError(
                _l(
                    "Row %(row)s has a cell longer than %(max)s characters.",
                    row=number,
                    max=MAX_CELL_LENGTH,
                )
            )
        if number == HEADER_ROW or any(cell_text(cell) for cell in cells):
            kept.append((number, cells))
    return kept


def _table(lines: list[tuple[int, list[Any]]]) -> Table:
    if not lines or lines[0][0] != HEADER_ROW:
        raise SpreadsheetError(_l("The file is empty."))
    return Table(header=lines[0][1], rows=lines[1:])


def cell_text(value: Any) -> str:
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


def shown_value(value: Any) -> str:
    text = cell_text(value)
    return text if len(text) <= SHOWN_VALUE_LENGTH else text[: SHOWN_VALUE_LENGTH - 1] + "…"

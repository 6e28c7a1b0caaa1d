"""Reading a spreadsheet file (the first sheet of an XLSX workbook, or CSV) into a header
and rows, and the errors a clerk is shown, by row and column."""

import csv
import io
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, time
from typing import Any

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from openpyxl import load_workbook
from openpyxl.utils.exceptions import InvalidFileException

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

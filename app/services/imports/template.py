"""The downloadable offerings spreadsheet: the import contract's columns, two example rows
(drafts, so importing them never publishes anything) and, in the workbook, a sheet of
instructions in the reader's language."""

import csv
import io
from datetime import date, datetime, timedelta

from flask_babel import force_locale
from flask_babel import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.localtime import MADRID
from app.models import Programme
from app.services.imports.columns import COLUMN_NAMES, COLUMNS, SESSION_SEPARATOR

XLSX_MIMETYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CSV_MIMETYPE = "text/csv"  # Flask adds "; charset=utf-8"
MAX_COLUMN_WIDTH = 48
DROPDOWN_ROWS = 500


def example_rows(today: date) -> list[dict[str, str]]:
    """A bootcamp in person and an online talk, a few weeks ahead of ``today``. Both are
    drafts: a clerk who imports them with their own rows never publishes an example."""
    first = today + timedelta(days=30)
    bootcamp_days = [first + timedelta(days=7 * week) for week in range(4)]
    talk_day = today + timedelta(days=21)
    return [
        {
            "external_id": "EJEMPLO-001",
            "programme": "bootcamps",
            "kind": "bootcamp",
            "mode": "individual",
            "title_es": "Bootcamp de introducción a la programación",
            "title_en": "Introduction to programming bootcamp",
            "summary_es": "Cuatro sesiones para escribir tus primeros programas en Python.",
            "summary_en": "Four sessions to write your first Python programs.",
            "description_es": "Aprenderás **variables**, **condiciones** y **bucles** con "
            "ejercicios prácticos.\n\nTrae tu portátil si tienes uno.",
            "description_en": "You will learn **variables**, **conditions** and **loops** "
            "with hands-on exercises.\n\nBring your laptop if you have one.",
            "audience": "residents|unemployed",
            "format": "in-person",
            "language": "es",
            "municipality": "las-rozas",
            "provider": "Ayuntamiento de Las Rozas de Madrid",
            "venue": "Centro de Innovación Digital",
            "address": "Calle de la Cañada Real 12, 28231 Las Rozas de Madrid",
            "capacity": "20",
            "price_eur": "0",
            "enrolment_opens": today.isoformat(),
            "enrolment_closes": f"{(first - timedelta(days=2)).isoformat()} 14:00",
            "min_age": "16",
            "max_age": "",
            "skills": "python|programación",
            "sessions": SESSION_SEPARATOR.join(f"{day} 17:00-20:00" for day in bootcamp_days),
            "level": "introductory",
            "prerequisites_es": "Manejo básico del ordenador.",
            "prerequisites_en": "Basic computer use.",
            "status": "draft",
        },
        {
            "external_id": "EJEMPLO-002",
            "programme": "talent",
            "kind": "talk",
            "mode": "individual",
            "title_es": "Charla en línea: profesiones digitales con futuro",
            "title_en": "Online talk: digital careers with a future",
            "summary_es": "Una hora para conocer los perfiles que más buscan las empresas.",
            "summary_en": "One hour to learn which profiles companies need most.",
            "description_es": "Charla por videoconferencia con turno de preguntas.",
            "description_en": "",
            "audience": "residents|students",
            "format": "online",
            "language": "es|en",
            "municipality": "online",
            "provider": "Ayuntamiento de Majadahonda",
            "venue": "",
            "address": "",
            "capacity": "200",
            "price_eur": "",
            "enrolment_opens": "",
            "enrolment_closes": "",
            "min_age": "",
            "max_age": "",
            "skills": "empleo|orientación",
            "sessions": f"{talk_day} 18:30-19:30",
            "level": "",
            "prerequisites_es": "",
            "prerequisites_en": "",
            "status": "draft",
        },
    ]


def _today() -> date:
    return datetime.now(MADRID).date()


def filename(extension: str) -> str:
    return f"{_('offerings-template')}.{extension}"


def template_csv(today: date | None = None) -> bytes:
    """UTF-8 with a BOM and semicolons: what Excel in Spain opens without asking."""
    out = io.StringIO(newline="")
    writer = csv.DictWriter(out, fieldnames=COLUMN_NAMES, delimiter=";", lineterminator="\r\n")
    writer.writeheader()
    writer.writerows(example_rows(today or _today()))
    return "\ufeff".encode() + out.getvalue().encode("utf-8")


def _allowed(column, programmes: list[str]) -> str:
    if column.name == "programme":
        return ", ".join(programmes)
    if isinstance(column.allowed, tuple):
        return ", ".join(column.allowed)
    if column.allowed:
        return str(column.allowed)
    if column.limit:
        return _("Text, up to %(limit)s characters", limit=column.limit)
    return _("Text")


def template_xlsx(session: Session, lang: str, today: date | None = None) -> bytes:
    """The workbook: the offerings sheet, then the instructions in ``lang``."""
    programmes = list(session.scalars(select(Programme.slug).order_by(Programme.sort_order)))
    rows = example_rows(today or _today())
    bold = Font(bold=True)
    wrap = Alignment(wrap_text=True, vertical="top")
    workbook = Workbook()
    with force_locale(lang):
        sheet = workbook.active
        sheet.title = _("Offerings")
        sheet.append(COLUMN_NAMES)
        for values in rows:
            sheet.append([values[name] for name in COLUMN_NAMES])
        for cell in sheet[1]:
            cell.font = bold
        sheet.freeze_panes = "A2"
        for position, name in enumerate(COLUMN_NAMES, start=1):
            longest = max(len(name), *(len(values[name]) for values in rows))
            width = min(max(longest, 10), MAX_COLUMN_WIDTH) + 2
            sheet.column_dimensions[get_column_letter(position)].width = width
        # Drop-down lists where a cell takes exactly one value from a fixed list.
        for position, column in enumerate(COLUMNS, start=1):
            single = column.name == "programme" or (
                isinstance(column.allowed, tuple) and column.name not in ("audience", "language")
            )
            if not single:
                continue
            choices = programmes if column.name == "programme" else list(column.allowed)
            validation = DataValidation(
                type="list",
                formula1='"' + ",".join(choices) + '"',
                allow_blank=not column.required,
                showErrorMessage=False,
            )
            letter = get_column_letter(position)
            validation.add(f"{letter}2:{letter}{DROPDOWN_ROWS}")
            sheet.add_data_validation(validation)

        guide = workbook.create_sheet(_("Instructions"))
        guide.append([_("How to fill in this spreadsheet")])
        guide["A1"].font = Font(bold=True, size=14)
        for line in (
            _("One row per offering. Keep the column names of the first row exactly as they are."),
            _("Dates and times are Madrid time."),
            _("Lists (audience, language, skills) are separated by |, and sessions by ;."),
            _("Importing the same external_id again updates that offering; nothing is duplicated."),
            _("If any cell is wrong, nothing is imported and every problem is listed."),
            _(
                "The two example rows are drafts (status: draft) and are never published: "
                "delete them or write your own offerings over them."
            ),
        ):
            guide.append([line])
        guide.append([])
        guide.append([_("Column"), _("Required"), _("Meaning"), _("Allowed values")])
        header_row = guide.max_row
        for cell in guide[header_row]:
            cell.font = bold
        for column in COLUMNS:
            guide.append(
                [
                    column.name,
                    str(column.requirement),
                    str(column.meaning),
                    _allowed(column, programmes),
                ]
            )
        for row in guide.iter_rows(min_row=header_row + 1):
            for cell in row:
                cell.alignment = wrap
        for letter, width in zip("ABCD", (20, 26, 60, 60), strict=True):
            guide.column_dimensions[letter].width = width
        guide.freeze_panes = f"A{header_row + 1}"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()

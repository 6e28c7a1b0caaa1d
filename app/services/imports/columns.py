"""The import contract: every column of the offerings spreadsheet, with what the
template's instructions say about it."""

from dataclasses import dataclass
from typing import Any

from flask_babel import lazy_gettext as _l

from app.models import (  # noqa: F401 (the contract's limits)
    LIST_SEPARATOR,
    MAX_AGE,
    MAX_CAPACITY,
    Audience,
    Format,
    Kind,
    Level,
    Mode,
    OfferingStatus,
)

HEADER_ROW = 1
SHOWN_VALUE_LENGTH = 40
SESSION_SEPARATOR = ";"
MARKDOWN = _l("Text; Markdown is allowed (paragraphs, lists, bold, links)")


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
    Column("description_es", True, _l("Full description in Spanish."), MARKDOWN),
    Column("description_en", False, _l("Full description in English."), MARKDOWN),
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
COLUMNS_BY_NAME = {column.name: column for column in COLUMNS}


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

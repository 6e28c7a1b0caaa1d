"""The catalogue's facets and the columns behind them, for the SQL conditions
(``listing``) and the listing index (``index``) alike."""

from sqlalchemy import ColumnElement, exists, select

from app.extensions import db
from app.models import (
    Audience,
    Format,
    InstructionLanguage,
    Kind,
    Municipality,
    Offering,
    OfferingAudience,
    OfferingLanguage,
    Programme,
)

FACETS = ("programme", "kind", "municipality", "audience", "format", "language")
# The facets an offering has one value of: the column, and the table or vocabulary of its
# values (a table's by their slugs, as the filters name them).
SINGLE_VALUED = {
    "programme": (Offering.programme_id, Programme),
    "kind": (Offering.kind, Kind),
    "municipality": (Offering.municipality_id, Municipality),
    "format": (Offering.format, Format),
}
# The facets an offering may have several values of, in rows of their own.
MULTI_VALUED = {
    "audience": OfferingAudience.audience,
    "language": OfferingLanguage.language,
}
VOCABULARIES = {"audience": Audience, "language": InstructionLanguage}


def is_table(values) -> bool:
    return isinstance(values, type(db.Model))


def read(values, wanted) -> list:
    """The values a filter names, as the column holds them: a table's slugs as they are,
    a vocabulary's made members (an unknown one raises ValueError, as a form never lets
    through)."""
    return list(wanted) if is_table(values) else [values(value) for value in wanted]


def conditions(filters) -> dict[str, ColumnElement[bool]]:
    """One SQL condition per facet with chosen values."""
    chosen = {}
    for name, (column, values) in SINGLE_VALUED.items():
        if wanted := getattr(filters, name):
            if is_table(values):
                chosen[name] = column.in_(select(values.id).where(values.slug.in_(wanted)))
            else:
                chosen[name] = column.in_(read(values, wanted))
    for name, column in MULTI_VALUED.items():
        if wanted := getattr(filters, name):
            rows = column.class_
            chosen[name] = exists().where(
                rows.offering_id == Offering.id,
                column.in_(read(VOCABULARIES[name], wanted)),
            )
    return chosen

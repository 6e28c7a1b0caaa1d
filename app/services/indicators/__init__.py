"""The indicator store: definitions, the feed from participation, rebuilds, frozen years
and the figures shown (suppressed in public)."""

from app.services.indicators.compute import year_bounds, year_of
from app.services.indicators.definitions import BY_CODE, INDICATORS, PUBLIC, Indicator, names
from app.services.indicators.feed import (
    offering_changed,
    place_confirmed,
    place_waiting,
    search_found_nothing,
)
from app.services.indicators.publish import (
    Cell,
    Figure,
    YearFigures,
    as_json,
    as_rows,
    year_figures,
)
from app.services.indicators.qualitative import LINES, EntryText, add_entry, entries
from app.services.indicators.store import (
    FIRST_YEAR,
    Change,
    YearFrozen,
    check_year,
    freeze,
    is_frozen,
    rebuild,
    refresh,
    unfreeze,
)

__all__ = [
    "BY_CODE",
    "FIRST_YEAR",
    "INDICATORS",
    "LINES",
    "PUBLIC",
    "Cell",
    "Change",
    "EntryText",
    "Figure",
    "Indicator",
    "YearFigures",
    "YearFrozen",
    "add_entry",
    "as_json",
    "as_rows",
    "check_year",
    "entries",
    "freeze",
    "is_frozen",
    "names",
    "offering_changed",
    "place_confirmed",
    "place_waiting",
    "rebuild",
    "refresh",
    "search_found_nothing",
    "unfreeze",
    "year_bounds",
    "year_figures",
    "year_of",
]

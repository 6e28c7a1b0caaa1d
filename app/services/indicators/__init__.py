"""The indicator store: definitions, the feed from participation, rebuilds, frozen years
and the figures shown (suppressed in public)."""

from app.services.indicators.compute import year_bounds, year_of
from app.services.indicators.definitions import BY_CODE, INDICATORS, PUBLIC, Indicator, names
from app.services.indicators.feed import (
    PlaceFeed,
    alert_asked,
    offering_changed,
    place_confirmed,
    place_waiting,
    search_found_nothing,
)
from app.services.indicators.offer import mark_offering
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
    compact,
    freeze,
    is_frozen,
    rebuild,
    refresh,
    unfreeze,
    years_with_changes,
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
    "PlaceFeed",
    "YearFigures",
    "YearFrozen",
    "add_entry",
    "alert_asked",
    "as_json",
    "as_rows",
    "check_year",
    "compact",
    "entries",
    "freeze",
    "is_frozen",
    "mark_offering",
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
    "years_with_changes",
]

"""The public offer: the catalogue with its search and facets, an offering's public page
and what it publishes (JSON-LD, iCalendar)."""

from app.services.catalogue.calendar import (
    LINE_MAX,
    PRODUCT_ID,
    TEXT_MAX,
    build_calendar,
)
from app.services.catalogue.freshness import (
    CatalogueState,
    OfferingState,
    bump_version,
    catalogue_state,
    offering_state,
    seat_figures,
)
from app.services.catalogue.index import Kept as KeptIndex
from app.services.catalogue.index import ListingIndex
from app.services.catalogue.index import build as build_index
from app.services.catalogue.listing import (
    FACETS,
    CatalogueResult,
    FilterOptions,
    Filters,
    PageOutOfRange,
    filter_options,
    interpret_search,
    matching_ids,
    search_catalogue,
)
from app.services.catalogue.public import (
    PUBLIC_STATUSES,
    OfferingGone,
    get_public,
    upcoming,
)
from app.services.catalogue.search import (
    FIELD_WEIGHTS,
    MAX_QUERY_LENGTH,
    MAX_QUERY_WORDS,
    MAX_TERM_LENGTH,
    STOPWORDS,
    WORD,
    Query,
    fold,
    forms,
    index_offering,
    matching,
    normalised_words,
    offering_fields,
    parse_query,
    terms_of,
    words,
)
from app.services.catalogue.spelling import (
    Vocabulary,
    build_vocabulary,
    correct,
)
from app.services.catalogue.structured_data import (
    ATTENDANCE_MODES,
    COURSE_MODES,
    OFFER_AVAILABILITY,
    offering_json_ld,
)

__all__ = [
    "ATTENDANCE_MODES",
    "COURSE_MODES",
    "FACETS",
    "FIELD_WEIGHTS",
    "LINE_MAX",
    "MAX_QUERY_LENGTH",
    "MAX_QUERY_WORDS",
    "MAX_TERM_LENGTH",
    "OFFER_AVAILABILITY",
    "PRODUCT_ID",
    "PUBLIC_STATUSES",
    "STOPWORDS",
    "TEXT_MAX",
    "WORD",
    "CatalogueResult",
    "CatalogueState",
    "FilterOptions",
    "Filters",
    "KeptIndex",
    "ListingIndex",
    "OfferingGone",
    "OfferingState",
    "PageOutOfRange",
    "Query",
    "Vocabulary",
    "build_calendar",
    "build_index",
    "build_vocabulary",
    "bump_version",
    "catalogue_state",
    "correct",
    "filter_options",
    "fold",
    "forms",
    "get_public",
    "index_offering",
    "interpret_search",
    "matching",
    "matching_ids",
    "normalised_words",
    "offering_fields",
    "offering_json_ld",
    "offering_state",
    "parse_query",
    "search_catalogue",
    "seat_figures",
    "terms_of",
    "upcoming",
    "words",
]

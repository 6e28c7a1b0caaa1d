"""The public catalogue: search, filters, facet counts and pages over the published offer.

Filters combine with OR within a facet (two kinds: either one) and AND across facets. Each
facet's counts apply every active filter except that facet's own (disjunctive faceting), so
a count says how many results ticking that box would add or keep.

The total, the facet counts and the order are worked out on the listing index (``index``:
the published offer in columns, kept by each worker while the offer stays as it is), and so
are a search's matches, from the offerings of each search term, read once per term and
kept with the index. The SQL a page runs is fixed and small whatever the size of the
offer: a search's terms not read before, and the page's offerings, with their relations
loaded in batches. The conditions are also SQL (``_common_conditions``,
``facets.conditions``) for what asks about a few offerings only (saved searches).
"""

import math
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import date, datetime, timedelta

import numpy as np
from flask_babel import lazy_ngettext
from sqlalchemy import ColumnElement, and_, case, func, or_, select
from sqlalchemy.orm import Session, joinedload, selectinload

from app.localtime import local_midnight
from app.models import (
    ClassSession,
    Mode,
    Municipality,
    Offering,
    OfferingSession,
    OfferingStatus,
    Programme,
)
from app.services.catalogue import facets, filter_words, search, spelling
from app.services.catalogue import index as listing_index
from app.services.catalogue.facets import FACETS
from app.services.errors import NotFound
from app.services.pagination import Page


@dataclass(frozen=True)
class Filters:
    """What a visitor asked for, as plain values: slugs, days and switches."""

    q: str = ""
    programme: tuple[str, ...] = ()
    kind: tuple[str, ...] = ()
    municipality: tuple[str, ...] = ()
    audience: tuple[str, ...] = ()
    format: tuple[str, ...] = ()
    language: tuple[str, ...] = ()
    date_from: date | None = None
    date_to: date | None = None
    available: bool = False
    free: bool = False
    # Offerings closed for enrolment are left out unless asked for.
    closed: bool = False
    # Search the words as typed: the visitor declined the spelling correction.
    as_typed: bool = False


@dataclass(frozen=True)
class FilterOptions:
    """The values the table-backed facets can take in this installation, in display order."""

    programmes: list[Programme]
    municipalities: list[Municipality]


@dataclass
class CatalogueResult(Page):
    # The page's offerings, in order (``items`` holds them loaded, unless asked not to).
    ids: list[int] = field(default_factory=list)
    # facet -> option slug -> results with that option (options without results are absent)
    facets: dict[str, dict[str, int]] = field(default_factory=dict)
    # The search as corrected for typos ("pyton" -> "python"), when it was.
    corrected_q: str | None = None
    # What the search words named as filters, and the words left to search.
    interpretation: filter_words.Interpretation | None = None


class PageOutOfRange(NotFound):
    def __init__(self, pages: int):
        super().__init__(
            lazy_ngettext(
                "There is only %(num)d page of results.",
                "There are only %(num)d pages of results.",
                pages,
            ),
            field="page",
        )
        self.pages = pages


def filter_options(session: Session) -> FilterOptions:
    return FilterOptions(
        programmes=list(session.scalars(select(Programme).order_by(Programme.sort_order))),
        municipalities=list(
            session.scalars(select(Municipality).order_by(Municipality.sort_order))
        ),
    )


def card_loads() -> tuple:
    """What a result card shows, loaded with the offerings (no query per card)."""
    return (
        joinedload(Offering.programme),
        joinedload(Offering.municipality),
        joinedload(Offering.provider),
        selectinload(Offering.sessions),
        selectinload(Offering.audience_rows),
        selectinload(Offering.language_rows),
    )


def cards(session: Session, ids) -> list[Offering]:
    """The offerings of ``ids``, in that order, with what their cards show (one statement,
    and one per related list)."""
    rows = {
        offering.id: offering
        for offering in session.scalars(
            select(Offering).where(Offering.id.in_(ids)).options(*card_loads())
        ).unique()
    }
    return [rows[offering_id] for offering_id in ids if offering_id in rows]


def has_places(now: datetime) -> ColumnElement[bool]:
    """Places left, as the cards count them (schools.places_left): an offering's own seats,
    or, for a class-mode offering, pupils' seats in a session still to start (one that
    nobody registered for yet holds the offering's capacity)."""
    session_takes_pupils = (
        select(OfferingSession.id)
        .outerjoin(ClassSession, ClassSession.session_id == OfferingSession.id)
        .where(
            OfferingSession.offering_id == Offering.id,
            OfferingSession.starts_at > now,
            listing_index.TAKES_PUPILS,
        )
        .exists()
    )
    return or_(
        and_(Offering.mode != Mode.CLASS, Offering.seats_taken < Offering.capacity),
        and_(Offering.mode == Mode.CLASS, session_takes_pupils),
    )


def with_places_left(now: datetime) -> list[ColumnElement[bool]]:
    """Places left and enrolment open now (the "available" filter, the home page's list)."""
    deadline = Offering.enrolment_deadline
    return [
        has_places(now),
        or_(Offering.enrolment_opens.is_(None), Offering.enrolment_opens <= now),
        or_(deadline.is_(None), deadline > now),
    ]


def enrolment_state(now: datetime) -> ColumnElement[int]:
    """0 open with places, 1 open with a waiting list, 2 not yet open, 3 closed: the
    order of the catalogue, in SQL, as ``Offering.availability`` decides it in Python."""
    deadline = Offering.enrolment_deadline
    return case(
        (and_(Offering.enrolment_opens.is_not(None), Offering.enrolment_opens > now), 2),
        (and_(deadline.is_not(None), deadline <= now), 3),
        (Offering.seats_taken < Offering.capacity, 0),
        (Offering.mode == Mode.INDIVIDUAL, 1),
        else_=3,
    )


def _common_conditions(filters: Filters, now: datetime) -> list[ColumnElement[bool]]:
    """The filters that are not facets: they apply to the results and to every count."""
    conditions = [Offering.status == OfferingStatus.PUBLISHED]
    if filters.date_from is None:
        # Upcoming and running offerings; an offering without dates yet has not ended either.
        # Written so that no index of ends_at alone can serve it: most offerings match, and
        # the listing index (status first, every column the lists read) serves them in one
        # pass, where an OR over ends_at's index looked up every row (4x slower at 100,000).
        conditions.append(func.coalesce(Offering.ends_at, now) >= now)
    else:
        conditions.append(Offering.ends_at >= local_midnight(filters.date_from))
    if filters.date_to is not None:
        conditions.append(Offering.starts_at < local_midnight(filters.date_to + timedelta(days=1)))
    if filters.available:
        conditions += with_places_left(now)
    if filters.free:
        conditions.append(Offering.price_cents == 0)
    # Asking for days already past is asking for what has closed.
    asks_for_the_past = filters.date_from is not None and local_midnight(filters.date_from) <= now
    if not (filters.closed or asks_for_the_past):
        conditions.append(enrolment_state(now) < 3)
    return conditions


def search_catalogue(
    session: Session,
    filters: Filters,
    *,
    now: datetime,
    page: int,
    per_page: int,
    options: FilterOptions | None = None,
    vocabulary: Callable[[Session], spelling.Vocabulary] = spelling.build_vocabulary,
    index: Callable[[Session], listing_index.ListingIndex] = listing_index.build,
    load: bool = True,
) -> CatalogueResult:
    """One page of the public offerings matching ``filters``, with facet counts.

    With a search text, results rank by relevance, then start date; without, by start date
    (offerings without dates last). Words that name a filter value apply it (``options``:
    the installation's programmes and municipalities); the words left that match nothing
    are corrected against ``vocabulary(session)`` unless ``filters.as_typed``. The total,
    the counts and the order come from ``index(session)`` (one a worker keeps, or a new
    one); a search's words are matched in SQL. The page's offerings are loaded with what
    their cards show, unless not ``load`` (its ids only, for who reads them another way).
    Raises PageOutOfRange past the last page.
    """
    filters, corrected, interpretation = interpret_search(
        session, filters, options=options, vocabulary=vocabulary
    )
    listed = index(session)
    # Enrolment states are read by the filters and the order alike: worked out once.
    states = listed.enrolment_state(listing_index.micros(now))
    common = listed.common(filters, now, states)
    by_facet = listed.chosen(filters)

    def found(text: str | None):
        """(which offerings the search finds, their scores), or (None, None) without one;
        nothing for a search typed with nothing searchable in it (only emoji or little
        words)."""
        if not text:
            return None, None
        query = search.parse_query(text)
        if not query:
            return np.zeros(len(listed.ids), dtype=bool), None
        return listed.matched(session, query)

    def counted(text: str | None):
        """(which offerings are listed, their scores, each facet's counts: what every
        filter but the facet's own lets through)."""
        matched, scores = found(text)
        passing = common if matched is None else common & matched
        # Every facet not chosen lets through what all the chosen ones do: worked out once.
        through: dict[tuple[str, ...], np.ndarray] = {}

        def let_through(*facet_names) -> np.ndarray:
            left_out = tuple(name for name in facet_names if name in by_facet)
            if left_out not in through:
                others = (by_facet[name] for name in by_facet if name not in left_out)
                through[left_out] = np.logical_and.reduce([passing, *others])
            return through[left_out]

        counts = {name: listed.facets[name].counts(let_through(name)) for name in FACETS}
        return let_through(), scores, counts

    every, scores, counts = counted(corrected or filters.q)
    if not every.any() and corrected:
        # The correction finds nothing either: the page speaks of the words as typed, not
        # of words nobody asked for ("drones" is not "does").
        corrected = None
        every, scores, counts = counted(filters.q)
    total = int(np.count_nonzero(every))
    pages = max(1, math.ceil(total / per_page))
    if page > pages:
        raise PageOutOfRange(pages)
    # What a visitor can still join comes first, whatever the search: a course that has
    # started ranks below one that can be joined, however well its words match.
    shown = listed.ordered(every, states, scores)[(page - 1) * per_page : page * per_page]
    ids = shown.tolist()
    return CatalogueResult(
        items=cards(session, ids) if load else [],
        ids=ids,
        total=total,
        page=page,
        pages=pages,
        per_page=per_page,
        interpretation=interpretation if interpretation and interpretation.named else None,
        facets=counts,
        corrected_q=corrected,
    )


def interpret_search(
    session: Session,
    filters: Filters,
    *,
    options: FilterOptions | None = None,
    vocabulary: Callable[[Session], spelling.Vocabulary] = spelling.build_vocabulary,
) -> tuple[Filters, str | None, filter_words.Interpretation | None]:
    """(the filters with the values the search words named, the search corrected for typos
    or None, the interpretation): what ``search_catalogue`` searches for."""
    if not filters.q:
        return filters, None, None
    options = options or filter_options(session)
    names = filter_words.filter_names(options.programmes, options.municipalities)
    interpretation = filter_words.interpret(filters.q, names)
    filters = _with_named(filters, interpretation)
    corrected = None
    if filters.q and not filters.as_typed:
        corrected = spelling.correct(filters.q, vocabulary(session))
    return filters, corrected, interpretation


def matching_ids(session: Session, filters: Filters, *, now: datetime, among) -> set[int]:
    """Which of the offerings ``among`` the catalogue lists for ``filters`` taken as they
    are: no filter words read, no spelling corrected (a saved search is stored so)."""
    stmt = select(Offering.id).where(
        Offering.id.in_(list(among)),
        *_common_conditions(filters, now),
        *facets.conditions(filters).values(),
    )
    if filters.q:
        query = search.parse_query(filters.q)
        if not query:
            return set()
        ranked = search.matching(query).subquery()
        stmt = stmt.join(ranked, ranked.c.offering_id == Offering.id)
    return set(session.scalars(stmt))


def _with_named(filters: Filters, interpretation: filter_words.Interpretation) -> Filters:
    """``filters`` with the values the search named added, and the rest of it to search."""
    changes: dict = {"q": interpretation.remaining}
    for named in interpretation.named:
        if named.filter == "free":
            changes["free"] = True
        else:
            chosen = changes.get(named.filter, getattr(filters, named.filter))
            if named.value not in chosen:
                changes[named.filter] = (*chosen, named.value)
    return replace(filters, **changes)

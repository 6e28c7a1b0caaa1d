"""The public catalogue: search, filters, facet counts and pages over the published offer.

Filters combine with OR within a facet (two kinds: either one) and AND across facets. Each
facet's counts apply every active filter except that facet's own (disjunctive faceting), so
a count says how many results ticking that box would add or keep.

The number of SQL statements is fixed whatever the page size: the candidates and their
facet values (five narrow queries), then the page with its relations loaded in batches.
"""

import math
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from flask_babel import lazy_ngettext
from sqlalchemy import ColumnElement, Select, String, false, func, or_, select, type_coerce
from sqlalchemy.orm import Session, joinedload, selectinload

from app.localtime import local_midnight
from app.models import (
    Municipality,
    Offering,
    OfferingAudience,
    OfferingLanguage,
    OfferingStatus,
    Programme,
)
from app.services import search
from app.services.errors import NotFound
from app.services.pagination import Page

FACETS = ("programme", "kind", "municipality", "audience", "format", "language")


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


@dataclass(frozen=True)
class FilterOptions:
    """The values the table-backed facets can take in this installation, in display order."""

    programmes: list[Programme]
    municipalities: list[Municipality]


@dataclass
class CatalogueResult(Page):
    # facet -> option slug -> results with that option (options without results are absent)
    facets: dict[str, dict[str, int]] = field(default_factory=dict)


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


def _common_conditions(filters: Filters, now: datetime) -> list[ColumnElement[bool]]:
    """The filters that are not facets: they apply to the results and to every count."""
    conditions = [Offering.status == OfferingStatus.PUBLISHED]
    if filters.date_from is None:
        # Upcoming and running offerings; an offering without dates yet has not ended either.
        conditions.append(or_(Offering.ends_at.is_(None), Offering.ends_at >= now))
    else:
        conditions.append(Offering.ends_at >= local_midnight(filters.date_from))
    if filters.date_to is not None:
        conditions.append(Offering.starts_at < local_midnight(filters.date_to + timedelta(days=1)))
    if filters.available:
        deadline = func.coalesce(Offering.enrolment_closes, Offering.starts_at)
        conditions += [
            Offering.seats_taken < Offering.capacity,
            or_(Offering.enrolment_opens.is_(None), Offering.enrolment_opens <= now),
            or_(deadline.is_(None), deadline > now),
        ]
    if filters.free:
        conditions.append(Offering.price_cents == 0)
    return conditions


# Where each single-valued facet sits in a candidate row (the id is column 0).
_COLUMNS = {"programme": 1, "kind": 2, "municipality": 3, "format": 4}
_MULTI_VALUED = ("audience", "language")


@dataclass
class _Candidates:
    """The offerings passing the search and the filters that are not facets, in display
    order: rows of (id, programme id, kind, municipality id, format), the (id, value) pairs
    of the multi-valued facets, and the slugs of the table-backed options."""

    rows: list[tuple]
    pairs: dict[str, list[tuple[int, str]]]
    programmes: dict[int, str]
    municipalities: dict[int, str]


def _raw(column) -> ColumnElement:
    """The stored slug as a plain string: turning ten thousand values into enum members on
    every catalogue page costs more than the query."""
    return type_coerce(column, String)


def _candidates(session: Session, filters: Filters, now: datetime) -> _Candidates:
    """Five narrow queries, whatever the filters and the page size."""
    common = _common_conditions(filters, now)
    ranked = None
    if filters.q:
        query = search.parse_query(filters.q)
        if query:
            ranked = search.matching(query).subquery()
        else:
            # Typed, but nothing searchable in it (only emoji or little words): no matches.
            common.append(false())

    def restricted(stmt: Select) -> Select:
        if ranked is not None:
            stmt = stmt.join(ranked, ranked.c.offering_id == Offering.id)
        return stmt.where(*common)

    by_date = (Offering.starts_at.asc().nulls_last(), Offering.id)
    order = (ranked.c.score.desc(), *by_date) if ranked is not None else by_date
    columns = (
        Offering.id,
        Offering.programme_id,
        _raw(Offering.kind),
        Offering.municipality_id,
        _raw(Offering.format),
    )
    ids = restricted(select(Offering.id))
    owners = {"audience": OfferingAudience, "language": OfferingLanguage}
    # Core, not ORM, execution: these rows are plain values, and the ORM's loading machinery
    # would cost more than the query on ten thousand of them.
    connection = session.connection()
    return _Candidates(
        rows=connection.execute(restricted(select(*columns)).order_by(*order)).all(),
        pairs={
            name: connection.execute(
                select(model.offering_id, _raw(getattr(model, name))).where(
                    model.offering_id.in_(ids)
                )
            ).all()
            for name, model in owners.items()
        },
        programmes=dict(connection.execute(select(Programme.id, Programme.slug)).all()),
        municipalities=dict(connection.execute(select(Municipality.id, Municipality.slug)).all()),
    )


def _facet_pass(found: _Candidates, filters: Filters) -> tuple[list[int], dict[str, dict]]:
    """The ids of the results in order, and each facet's counts under every active filter
    but its own: sets of ids and counters, no per-offering objects (ten thousand rows take
    a few milliseconds)."""
    slugs = {"programme": found.programmes, "municipality": found.municipalities}
    passing: dict[str, set[int]] = {}
    for name in FACETS:
        wanted = set(getattr(filters, name))
        if not wanted:
            continue
        if name in _MULTI_VALUED:
            passing[name] = {oid for oid, value in found.pairs[name] if value in wanted}
        else:
            column, names = _COLUMNS[name], slugs.get(name)
            passing[name] = {
                row[0]
                for row in found.rows
                if (names[row[column]] if names else row[column]) in wanted
            }

    def allowed(except_facet: str | None) -> set[int] | None:
        """Ids passing every chosen facet but one; None when nothing restricts them."""
        sets = [ids for name, ids in passing.items() if name != except_facet]
        return set.intersection(*sets) if sets else None

    facets = {}
    for name in FACETS:
        keep = allowed(name)
        if name in _MULTI_VALUED:
            values = (v for oid, v in found.pairs[name] if keep is None or oid in keep)
        else:
            column = _COLUMNS[name]
            values = (row[column] for row in found.rows if keep is None or row[0] in keep)
        counted = Counter(values)
        names = slugs.get(name)
        facets[name] = {names[key] if names else key: n for key, n in counted.items()}
    keep = allowed(None)
    results = [row[0] for row in found.rows if keep is None or row[0] in keep]
    return results, facets


def search_catalogue(
    session: Session, filters: Filters, *, now: datetime, page: int, per_page: int
) -> CatalogueResult:
    """One page of the public offerings matching ``filters``, with facet counts.

    With a search text, results rank by relevance, then start date; without, by start date
    (offerings without dates last). Raises PageOutOfRange past the last page.
    """
    results, facets = _facet_pass(_candidates(session, filters, now), filters)
    total = len(results)
    pages = max(1, math.ceil(total / per_page))
    if page > pages:
        raise PageOutOfRange(pages)
    chosen = results[(page - 1) * per_page : page * per_page]
    loaded = {
        offering.id: offering
        for offering in session.scalars(
            select(Offering)
            .where(Offering.id.in_(chosen))
            .options(
                joinedload(Offering.programme),
                joinedload(Offering.municipality),
                joinedload(Offering.provider),
                selectinload(Offering.sessions),
                selectinload(Offering.audience_rows),
                selectinload(Offering.language_rows),
            )
        )
    }
    return CatalogueResult(
        items=[loaded[offering_id] for offering_id in chosen],
        total=total,
        page=page,
        pages=pages,
        per_page=per_page,
        facets=facets,
    )

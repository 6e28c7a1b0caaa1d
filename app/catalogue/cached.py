"""The catalogue's caches: results per catalogue state, pages per seat figures.

Four levels, all in Flask-Caching (CACHE_TYPE: on disk by default, Redis to share hosts):

1. A results list (ids, total, facet counts, the search as interpreted) keyed by the
   catalogue state (version, full offerings, next state change: one statement) and the
   filters. Signed-in visitors share it.
2. For anonymous visitors, the rendered page keyed by that key, the language and the seat
   figures of the page's own offerings (one indexed query), answered with an ETag, so a
   browser that asks again gets a 304 without a page being rendered.
3. For everyone, the page's main part (search, filters, results: nothing personal), keyed
   as the page is; a signed-in visitor's page is their own header around it.
4. The same page (with its ETag) and main part under the seat stamp too, the sum of
   counters that move with every seat taken or freed anywhere (read with the state): a
   repeated visit costs the state's one statement and one cache read, whatever the size of
   the offer. Once a seat has moved somewhere, the next visit finds the page through level
   2 and files it under the new stamp.

A page is stored only if the figures it was keyed by are still the figures after it was
rendered, so a seat taken meanwhile never leaves a page under a key it does not match.
Keys start with the build (code, templates, translations, static files), so a new release
never serves an old release's pages or results.
"""

import hashlib
import pickle
from dataclasses import dataclass
from functools import cache as memoize
from pathlib import Path

from flask import current_app, make_response, request, session
from flask_login import current_user
from sqlalchemy import select

from app.extensions import cache, db
from app.models import Offering
from app.services import catalogue
from app.services.catalogue.filter_words import Interpretation
from app.services.catalogue.listing import card_loads

RELEASE_FILES = {".py", ".html", ".txt", ".mo", ".css", ".js", ".svg", ".png", ".toml"}


@memoize
def build_id(root: str) -> str:
    """A digest of what renders pages and results (the code, templates, static files and
    catalogues), the same on every host running this release: a new release never serves
    what the last one cached."""
    digest = hashlib.sha256()
    base = Path(root)
    for folder in (".", "../translations"):
        for path in sorted((base / folder).rglob("*")):
            if path.is_file() and path.suffix in RELEASE_FILES:
                digest.update(str(path.relative_to(base.parent)).encode())
                digest.update(path.read_bytes())
    return digest.hexdigest()[:12]


def _digest(*parts) -> str:
    return hashlib.sha256(pickle.dumps(parts)).hexdigest()[:32]


def _key(*parts) -> str:
    return f"{build_id(current_app.root_path)}:{_digest(*parts)}"


def cacheable_visitor() -> bool:
    """Anonymous, with nothing of its own to show (no message waiting): sees what all see."""
    return not current_user.is_authenticated and not session.get("_flashes")


@dataclass(frozen=True)
class Found:
    """A results list without its rows: what the results cache holds."""

    ids: tuple[int, ...]
    total: int
    page: int
    pages: int
    per_page: int
    facets: dict
    corrected_q: str | None
    interpretation: Interpretation | None
    # The search's words, folded, when it found nothing (the talent observatory counts them).
    unmet_words: tuple[str, ...] = ()

    @classmethod
    def of(cls, result: catalogue.CatalogueResult, unmet_words=()) -> "Found":
        return cls(
            tuple(item.id for item in result.items),
            result.total,
            result.page,
            result.pages,
            result.per_page,
            result.facets,
            result.corrected_q,
            result.interpretation,
            tuple(unmet_words),
        )

    def result(self) -> catalogue.CatalogueResult:
        """The results with their rows, loaded as search_catalogue loads them."""
        rows = {
            offering.id: offering
            for offering in db.session.scalars(
                select(Offering).where(Offering.id.in_(self.ids)).options(*card_loads())
            ).unique()
        }
        return catalogue.CatalogueResult(
            items=[rows[offering_id] for offering_id in self.ids if offering_id in rows],
            total=self.total,
            page=self.page,
            pages=self.pages,
            per_page=self.per_page,
            facets=self.facets,
            corrected_q=self.corrected_q,
            interpretation=self.interpretation,
        )


@dataclass(frozen=True)
class Option:
    """A programme or municipality as the filters read it (plain values, cacheable)."""

    slug: str
    name_es: str
    name_en: str | None


def filter_options(state) -> catalogue.FilterOptions:
    """The programmes and municipalities, per catalogue version."""
    key = _key("options", state.version)
    options = cache.get(key)
    if options is None:
        loaded = catalogue.filter_options(db.session)
        options = catalogue.FilterOptions(
            programmes=[Option(p.slug, p.name_es, p.name_en) for p in loaded.programmes],
            municipalities=[Option(m.slug, m.name_es, m.name_en) for m in loaded.municipalities],
        )
        cache.set(key, options)
    return options


def _vocabulary_for(state_key: str):
    def vocabulary(db_session):
        key = _key("vocabulary", state_key.split(":")[0])
        found = cache.get(key)
        if found is None:
            found = catalogue.build_vocabulary(db_session)
            cache.set(key, found)
        return found

    return vocabulary


def results_key(state, per_page: int) -> str:
    """The results of this request's query string in this catalogue state. The query
    string, not the parsed filters, so a repeated visit needs no form to find its page."""
    return _key("results", state.key, request.full_path, per_page)


def stored_results(key: str) -> Found | None:
    return cache.get(key)


def search(key: str, state, form, *, now, per_page: int):
    """(results, rows) of a validated filter form's page, searched and stored under
    ``key``. Raises PageOutOfRange as search_catalogue does (nothing is stored then)."""
    filters = form.filters()
    result = catalogue.search_catalogue(
        db.session,
        filters,
        now=now,
        options=filter_options(state),
        page=form.page_number,
        per_page=per_page,
        vocabulary=_vocabulary_for(state.key),
    )
    unmet = ()
    if filters.q and result.total == 0:
        unmet = catalogue.normalised_words(filters.q)
    found = Found.of(result, unmet)
    cache.set(key, found)
    return found, result


@dataclass(frozen=True)
class Stamped:
    """A list page filed under the seat stamp: what a repeated visit needs, and nothing
    to read from the database."""

    etag: str
    html: str
    unmet_words: tuple[str, ...] = ()
    mimetype: str = "text/html"
    # Which page of how many: a main part's page title says it.
    page: int = 1
    pages: int = 1


def stamped_key(state, per_page: int, part: str = "page") -> str:
    """This request's list page (or its main ``part``) in this catalogue state, seats
    included (``state.page_key``): every key part was read by the state's one statement."""
    return _key("stamped", part, request.full_path, state.page_key, per_page)


def stamped_page(key: str) -> Stamped | None:
    return cache.get(key)


def stamped_response(stamped: Stamped):
    return _respond(stamped.etag, stamped.html, stamped.mimetype)


def shared_part(key_parts: tuple, figures, render, *, stamped_as: str, found: Found):
    """(html, the figures it shows) of a page's part that every visitor sees alike, from the
    cache or ``render()`` (html, the figures read once rendered), stored as a page is: only
    if rendered from ``figures``, and then under the seat stamp's key ``stamped_as`` too."""
    key = _key("part", request.full_path, *key_parts, figures)
    html = cache.get(key)
    if html is None:
        html, rendered_from = render()
        if rendered_from != figures:
            return html, rendered_from
        cache.set(key, html)
    cache.set(stamped_as, Stamped("", html, found.unmet_words, page=found.page, pages=found.pages))
    return html, figures


def conditional_page(
    key_parts: tuple,
    figures,
    render,
    *,
    stamped_as=None,
    unmet_words=(),
    mimetype: str = "text/html",
):
    """An anonymous page (or open data, ``mimetype``): 304 if the browser has it, else from
    the cache, else rendered.

    ``render()`` returns (body, status, the figures the page was rendered from); the page is
    stored only if those are ``figures``, the ones it is keyed by, and then also under the
    seat stamp's key ``stamped_as`` (read before ``figures``, so the page is no older than
    the stamp)."""
    key = _key("page", request.full_path, *key_parts, figures)
    etag = key.replace(":", "-")
    if etag in request.if_none_match:
        return _respond(etag, None, mimetype)
    body = cache.get(key)
    if body is None:
        body, status, rendered_from = render()
        if status != 200:
            return body, status
        if rendered_from != figures:
            # Seats moved while it rendered: newer than its key, so neither stored nor tagged.
            return _respond(None, body, mimetype)
        cache.set(key, body)
    if stamped_as is not None:
        cache.set(stamped_as, Stamped(etag, body, tuple(unmet_words), mimetype))
    return _respond(etag, body, mimetype)


def _respond(etag: str | None, body: str | None, mimetype: str):
    """The page, or a 304 if the browser has it (``body`` None: it has)."""
    if body is None or (etag is not None and etag in request.if_none_match):
        response = make_response("", 304)
    else:
        response = make_response(body)
        response.mimetype = mimetype
    if etag is not None:
        response.set_etag(etag)
    # Every visit asks again (If-None-Match): a seat taken shows on the next request.
    response.cache_control.no_cache = True
    if mimetype == "text/html":
        response.vary.add("Cookie")  # what a signed-in visitor sees is never from here
    return response

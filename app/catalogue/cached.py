"""The catalogue's caches: results per catalogue state, pages per seat figures.

Four levels, all in Flask-Caching (CACHE_TYPE: on disk by default, Redis to share hosts):

1. A results list (ids, total, facet counts, the search as interpreted) keyed by the
   catalogue state (version, full offerings, next state change: one statement) and the
   filters. Signed-in visitors share it.
2. For anonymous visitors, the rendered page keyed by that key, the language and the seat
   figures of the page's own offerings (one indexed query), answered with an ETag, so a
   browser that asks again gets a 304 without a page being rendered.
3. For everyone, the page's main part (search, filters, results: nothing personal), keyed
   as the page is, around which a page for another kind of visitor is rendered.
4. The same page (with its ETag) under the seat stamp too, the sum of counters that move
   with every seat taken or freed anywhere (read with the state): a repeated visit costs
   the state's one statement and one cache read, whatever the size of the offer. Once a
   seat has moved somewhere, the next visit finds the page through level 2 and files it
   under the new stamp.

An anonymous visitor's page is stored gzip-compressed too, once, and sent so to browsers
that accept it (about a sixth of the bytes, to a phone). A signed-in visitor's never is:
their token next to the search words they typed is what BREACH reads through compression.

Signed-in visitors share pages too, with those who would see them alike (``visitor()``:
what their header's back-office link depends on, and on an offering's page their own place
in it). What is theirs alone, the logout form's CSRF token, goes into the stored page at
each visit, and their pages are never given an ETag (nor stored by a browser: security).

A page is stored only if the figures it was keyed by are still the figures after it was
rendered, so a seat taken meanwhile never leaves a page under a key it does not match.
Keys start with the build (code, templates, translations, static files), so a new release
never serves an old release's pages or results.
"""

import gzip
import hashlib
import pickle
from dataclasses import dataclass
from functools import cache as memoize
from pathlib import Path

from flask import current_app, make_response, request, session
from flask_login import current_user
from flask_wtf.csrf import generate_csrf
from markupsafe import Markup

from app.extensions import cache, db
from app.services import catalogue
from app.services.catalogue.filter_words import Interpretation
from app.services.catalogue.listing import cards

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


# Where a shared page for signed-in visitors has its logout form's CSRF token: a comment,
# which no text anyone wrote can become (it would be escaped).
CSRF_SLOT = Markup("<!--csrf-token-->")


def reads_alone() -> None:
    """This request's statements each on its own, without a transaction around them (the
    database's autocommit): for the public views, which write nothing. Each statement had its
    own snapshot anyway (READ COMMITTED); what goes is the BEGIN and ROLLBACK around them,
    two of the three round trips a cached page cost on PostgreSQL. First thing in the view,
    before anything reads (the visitor's account included).

    Not on SQLite: its driver begins a transaction before a write only, so reads run alone
    already, and switching the level costs a PRAGMA each way."""
    if db.engine.dialect.name != "sqlite" and not db.session().in_transaction():
        db.session.connection(execution_options={"isolation_level": "AUTOCOMMIT"})


def visitor() -> tuple | None:
    """Whom a shared page is for, as far as what it shows differs: () for an anonymous
    visitor; for a signed-in one, what their permissions (the back-office link) depend on:
    their role, and whether they act for an organisation. None when the page is the
    visitor's alone (a message waiting to be shown)."""
    if session.get("_flashes"):
        return None
    if not current_user.is_authenticated:
        return ()
    return ("signed-in", current_user.role, current_user.organisation_id is None)


def shared_render(who: tuple) -> dict:
    """What a page shared by visitors like ``who`` is rendered with (``render_template``'s
    extra context): for signed-in visitors, the slot their own CSRF token goes into."""
    return {"csrf_token": lambda: CSRF_SLOT} if who else {}


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
            tuple(result.ids),
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
        return catalogue.CatalogueResult(
            items=cards(db.session, self.ids),
            ids=list(self.ids),
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


def listing_index(state):
    """This worker's listing index of the offer as ``state`` names it; a new one at each
    search where the app keeps none (``LISTING_INDEX_KEPT``: tests that change rows by hand,
    as they keep no cache)."""
    if not current_app.config["LISTING_INDEX_KEPT"]:
        return catalogue.build_index
    return current_app.extensions["listing_index"].get(state)


def results_key(state, per_page: int) -> str:
    """The results of this request's query string in this catalogue state. The query
    string, not the parsed filters, so a repeated visit needs no form to find its page."""
    return _key("results", state.key, request.full_path, per_page)


def stored_results(key: str) -> Found | None:
    return cache.get(key)


def search(key: str, state, form, *, now, per_page: int, load: bool = True):
    """(results, rows) of a validated filter form's page, searched and stored under
    ``key``; the rows without their offerings unless ``load`` (search_catalogue's). Raises
    PageOutOfRange as search_catalogue does (nothing is stored then)."""
    filters = form.filters()
    result = catalogue.search_catalogue(
        db.session,
        filters,
        now=now,
        options=filter_options(state),
        page=form.page_number,
        per_page=per_page,
        vocabulary=_vocabulary_for(state.key),
        index=listing_index(state),
        load=load,
    )
    unmet = ()
    if filters.q and result.total == 0:
        unmet = catalogue.normalised_words(filters.q)
    found = Found.of(result, unmet)
    cache.set(key, found)
    return found, result


# Below this, compressing saves less than the bytes the headers take.
GZIP_FROM = 1024
# zlib's own default: a catalogue page 1 % and a page of open data 7 % larger than at the
# top level (9, gzip's), compressed two to three times faster, on the first visit's clock.
GZIP_LEVEL = 6


@dataclass(frozen=True)
class Body:
    """A stored page: its text and, when it is shared by anonymous visitors, the same text
    gzip-compressed (compressed once, when stored, not at each visit)."""

    text: str
    gzipped: bytes | None = None

    @classmethod
    def of(cls, text: str, signed_in: bool) -> "Body":
        data = text.encode()
        if signed_in or len(data) < GZIP_FROM:
            return cls(text)
        return cls(text, gzip.compress(data, GZIP_LEVEL, mtime=0))


@dataclass(frozen=True)
class Stamped:
    """A list page filed under the seat stamp: what a repeated visit needs, and nothing
    to read from the database."""

    etag: str
    body: Body
    unmet_words: tuple[str, ...] = ()
    mimetype: str = "text/html"
    signed_in: bool = False


def stamped_key(state, per_page: int, who: tuple | None = ()) -> str:
    """This request's list page for visitors like ``who`` in this catalogue state, seats
    included (``state.page_key``): every key part was read by the state's one statement."""
    return _key("stamped", who, request.full_path, state.page_key, per_page)


def stamped_page(key: str) -> Stamped | None:
    return cache.get(key)


def stamped_response(stamped: Stamped):
    return _respond(stamped.etag, stamped.body, stamped.mimetype, stamped.signed_in)


def shared_part(key_parts: tuple, figures, render):
    """(html, the figures it shows) of a page's part that every visitor sees alike, from the
    cache or ``render()`` (html, the figures read once rendered), stored as a page is: only
    if rendered from ``figures``."""
    key = _key("part", request.full_path, *key_parts, figures)
    html = cache.get(key)
    if html is None:
        html, rendered_from = render()
        if rendered_from != figures:
            return html, rendered_from
        cache.set(key, html)
    return html, figures


def conditional_page(
    key_parts: tuple,
    figures,
    render,
    *,
    stamped_as=None,
    unmet_words=(),
    mimetype: str = "text/html",
    who: tuple = (),
):
    """A page shared by visitors like ``who`` (or open data, ``mimetype``): 304 if the
    browser has it, else from the cache, else rendered.

    ``render()`` returns (body, status, the figures the page was rendered from); the page is
    stored only if those are ``figures``, the ones it is keyed by, and then also under the
    seat stamp's key ``stamped_as`` (read before ``figures``, so the page is no older than
    the stamp)."""
    key = _key("page", who, request.full_path, *key_parts, figures)
    signed_in = bool(who)
    etag = None if signed_in else key.replace(":", "-")
    if etag is not None and _held(etag):
        return _respond(etag, None, mimetype)
    body = cache.get(key)
    if body is None:
        text, status, rendered_from = render()
        if status != 200:
            return text, status
        if rendered_from != figures:
            # Seats moved while it rendered: newer than its key, so neither stored nor tagged.
            return _respond(None, Body(text), mimetype, signed_in)
        body = Body.of(text, signed_in)
        cache.set(key, body)
    if stamped_as is not None:
        cache.set(stamped_as, Stamped(etag or "", body, tuple(unmet_words), mimetype, signed_in))
    return _respond(etag, body, mimetype, signed_in)


def _gzip_etag(etag: str) -> str:
    """The compressed page's own validator: a strong ETag names one set of bytes."""
    return f"{etag}-gzip"


def _held(etag: str) -> str | None:
    """Which of the page's ETags (as sent, or compressed) the browser says it holds."""
    for held in (etag, _gzip_etag(etag)):
        if held in request.if_none_match:
            return held
    return None


def _respond(etag: str | None, body: Body | None, mimetype: str, signed_in: bool = False):
    """The page, or a 304 if the browser has it (``body`` None: it has); compressed for a
    browser that accepts gzip when it is stored so; a signed-in visitor's with their own
    CSRF token, and no ETag."""
    held = _held(etag) if etag else None
    if body is None or held:
        response = make_response("", 304)
        etag = held or etag
    elif body.gzipped is not None and request.accept_encodings["gzip"]:
        response = make_response(body.gzipped)
        response.content_encoding = "gzip"
        response.mimetype = mimetype
        etag = etag and _gzip_etag(etag)
    else:
        text = body.text
        if signed_in:
            text = text.replace(CSRF_SLOT, generate_csrf(), 1)
        response = make_response(text)
        response.mimetype = mimetype
    if not signed_in:
        response.vary.add("Accept-Encoding")
    if etag:
        response.set_etag(etag)
    # Every visit asks again (If-None-Match): a seat taken shows on the next request. (A
    # signed-in visitor's page is then marked no-store, as all their pages are: security.)
    response.cache_control.no_cache = True
    if mimetype == "text/html":
        response.vary.add("Cookie")  # signed-in visitors' pages are filed apart
    return response

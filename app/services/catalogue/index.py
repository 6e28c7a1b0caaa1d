"""The listing index: the published offer in columns, from which a results list's total,
facet counts and order are worked out in memory instead of by SQL passes over every listed
offering (1.2-1.5 s at 100,000 offerings, where these take milliseconds).

It holds what the catalogue's conditions read (``listing._common_conditions`` and
``facets.conditions``, which saved searches still run in SQL): each offering's
facet values, its moments, whether it has seats left and, for a class-mode offering, the
last start of a session still taking pupils. Time is applied when a list is asked for, so
an index stays right from one moment to the next; it goes stale only with the offer itself
(its version: a worker builds another) or with the set of full offerings and class
sessions (the rest of ``CatalogueState.offer_key``: it reads its seats again), by which
each worker keeps one (``Kept``). A search's matches come from the offerings of each of
its terms (``Postings``), read the first time a term is searched for and kept with the
index: the terms change only with the offer's version.
"""

import threading
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta
from functools import cached_property

import numpy as np
from sqlalchemy import (
    BigInteger,
    Boolean,
    Enum,
    Select,
    String,
    case,
    cast,
    func,
    select,
    type_coerce,
)
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.orm import Session
from sqlalchemy.sql.functions import FunctionElement

from app.localtime import local_midnight
from app.models import ClassSession, Mode, Offering, OfferingSession, OfferingStatus, SearchTerm
from app.services.catalogue.facets import MULTI_VALUED, SINGLE_VALUED, VOCABULARIES, is_table, read

# A moment not set (NULL): never before or after any moment asked about (see ``_known``).
UNSET = np.iinfo(np.int64).max
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_MICROSECOND = timedelta(microseconds=1)
MOMENTS = ("enrolment_opens", "enrolment_closes", "starts_at", "ends_at")
PUBLISHED = Offering.status == OfferingStatus.PUBLISHED
# A class session (joined to its offering, outer-joined to its class seats) with a pupil's
# seat left: one nobody registered for yet holds the offering's capacity.
TAKES_PUPILS = func.coalesce(ClassSession.capacity, Offering.capacity) > func.coalesce(
    ClassSession.pupils_taken, 0
)


# A term's offering and its weight read as one number (a weight is a field's, far below).
WEIGHT_SPAN = 1 << 16


def micros(moment: datetime | None) -> int:
    """A moment as microseconds since 1970 (UTC), or UNSET."""
    return UNSET if moment is None else (moment - _EPOCH) // _MICROSECOND


def _known(moments: np.ndarray) -> np.ndarray:
    return moments != UNSET


@dataclass(frozen=True)
class Facet:
    """One facet over the offerings: a code per offering (single-valued) or a bit per value
    (multi-valued), and the values the codes or bits stand for."""

    values: tuple[str, ...]
    codes: np.ndarray
    multi: bool = False

    def chosen(self, wanted) -> np.ndarray:
        """Which offerings have one of the ``wanted`` values."""
        positions = [self.values.index(value) for value in wanted if value in self.values]
        if self.multi:
            bits = sum(1 << position for position in positions)
            return (self.codes & bits) != 0
        wanted_codes = np.zeros(len(self.values), dtype=bool)
        wanted_codes[positions] = True
        return wanted_codes[self.codes]

    def counts(self, among: np.ndarray) -> dict[str, int]:
        """value -> how many offerings of ``among`` have it (values none has are absent)."""
        # By positions: indexing by a mask of 100,000 took six times as long.
        found = self.codes[np.flatnonzero(among)]
        if self.multi:
            tally = [np.count_nonzero(found & (1 << bit)) for bit in range(len(self.values))]
        else:
            tally = np.bincount(found, minlength=len(self.values)).tolist()
        return {value: int(count) for value, count in zip(self.values, tally, strict=True) if count}


class Postings:
    """The offerings each search term was read for, by position in an index (published
    offerings only) with the term's weight: kept with the index, so with the offer as it
    is (a term's offerings change only with a new version), and emptied whole when it holds
    more than ``LIMIT`` entries. Thread-safe."""

    LIMIT = 2_000_000  # 24 MB at most per worker (a position and a weight, 12 bytes)

    def __init__(self):
        self._lock = threading.Lock()
        self._terms: dict[str, tuple[np.ndarray, np.ndarray]] = {}
        self._size = 0

    def get(self, term: str, read: Callable[[str], tuple[np.ndarray, np.ndarray]]):
        """(positions, weights) of ``term``, read by ``read(term)`` the first time."""
        found = self._terms.get(term)
        if found is None:
            found = read(term)
            with self._lock:
                if self._size + len(found[0]) > self.LIMIT:
                    self._terms, self._size = {}, 0
                self._terms[term] = found
                self._size += len(found[0])
        return found


@dataclass(frozen=True)
class ListingIndex:
    """The published offerings in id order, a column per property the listing reads."""

    ids: np.ndarray
    facets: dict[str, Facet]
    moments: dict[str, np.ndarray]  # MOMENTS, in microseconds, UNSET when not set
    has_seats: np.ndarray  # seats taken below capacity
    individual: np.ndarray  # individual enrolment (a full one still takes a waiting list)
    by_class: np.ndarray  # school classes register, in sessions
    # The last start of a session still taking pupils (class mode), or UNSET.
    pupils_until: np.ndarray
    free: np.ndarray
    postings: Postings = field(default_factory=Postings, compare=False, repr=False)
    # The enrolment states of the last stretch of time asked about (see ``enrolment_state``):
    # not carried over by ``replace``, as the seats they read may have moved.
    _states: list = field(default_factory=lambda: [(None, None)], init=False, compare=False)

    @cached_property
    def deadline(self) -> np.ndarray:
        """When enrolment closes: its own closing, else the start."""
        closes = self.moments["enrolment_closes"]
        return np.where(_known(closes), closes, self.moments["starts_at"])

    @cached_property
    def _turns(self) -> np.ndarray:
        """The moments at which an enrolment state can change (openings and deadlines),
        sorted."""
        return np.unique(np.concatenate([self.moments["enrolment_opens"], self.deadline]))

    @cached_property
    def by_start(self) -> np.ndarray:
        """The positions in the order of start (offerings without dates last), then id."""
        return np.lexsort((self.ids, self.moments["starts_at"]))

    def enrolment_state(self, now: int) -> np.ndarray:
        """0 open with places, 1 open with a waiting list, 2 not yet open, 3 closed: as
        ``listing.enrolment_state`` orders them in SQL. The states stay as they are until
        ``now`` reaches or passes an opening or a deadline: those of the last stretch
        between two such moments are kept."""
        turns = self._turns
        stretch = (int(np.searchsorted(turns, now)), int(np.searchsorted(turns, now, "right")))
        held_stretch, held = self._states[0]
        if held_stretch == stretch:
            return held
        opens, deadline = self.moments["enrolment_opens"], self.deadline
        states = np.select(
            [
                _known(opens) & (opens > now),
                _known(deadline) & (deadline <= now),
                self.has_seats,
                self.individual,
            ],
            [2, 3, 0, 1],
            default=3,
        ).astype(np.int8)
        self._states[0] = (stretch, states)
        return states

    def has_places(self, now: int) -> np.ndarray:
        """``listing.has_places``: seats left, or a class session to come that takes pupils."""
        future = _known(self.pupils_until) & (self.pupils_until > now)
        return np.where(self.by_class, future, self.has_seats)

    def common(self, filters, now: datetime, states: np.ndarray) -> np.ndarray:
        """``listing._common_conditions``: the filters that are not facets (``states``:
        ``enrolment_state`` at ``now``)."""
        at = micros(now)
        ends, starts = self.moments["ends_at"], self.moments["starts_at"]
        if filters.date_from is None:
            passing = ~_known(ends) | (ends >= at)
        else:
            passing = _known(ends) & (ends >= micros(local_midnight(filters.date_from)))
        if filters.date_to is not None:
            end = micros(local_midnight(filters.date_to + timedelta(days=1)))
            passing &= _known(starts) & (starts < end)
        if filters.available:
            opens, deadline = self.moments["enrolment_opens"], self.deadline
            passing &= self.has_places(at)
            passing &= ~_known(opens) | (opens <= at)
            passing &= ~_known(deadline) | (deadline > at)
        if filters.free:
            passing &= self.free
        past = filters.date_from is not None and local_midnight(filters.date_from) <= now
        if not (filters.closed or past):
            passing &= states < 3
        return passing

    def chosen(self, filters) -> dict[str, np.ndarray]:
        """``facets.conditions``: which offerings each facet with chosen values lets in."""
        vocabularies = {name: values for name, (_, values) in SINGLE_VALUED.items()}
        vocabularies |= VOCABULARIES
        return {
            name: self.facets[name].chosen([str(value) for value in read(values, wanted)])
            for name, values in vocabularies.items()
            if (wanted := getattr(filters, name))
        }

    def matched(self, session: Session, query) -> tuple[np.ndarray, np.ndarray]:
        """(which offerings match every word of a parsed search ``query``, their scores),
        as ``search.matching`` decides it in SQL: a term counts for the first word it is a
        form of, and an offering scores the summed weights of its terms that match."""
        scores = np.zeros(len(self.ids), dtype=np.int64)
        words = np.zeros(len(self.ids), dtype=np.int64)
        seen: set[str] = set()
        for position, word_forms in enumerate(query.word_forms):
            for term in sorted(word_forms - seen):
                seen.add(term)
                at, weights = self.postings.get(term, lambda term: self._read(session, term))
                scores[at] += weights
                words[at] |= 1 << position
        return words == (1 << len(query.word_forms)) - 1, scores

    def _read(self, session: Session, term: str) -> tuple[np.ndarray, np.ndarray]:
        """(positions, weights) of the published offerings indexed under ``term``: read as
        one string of numbers, an offering and its weight in each (a row per offering cost
        four times as much at 100,000 offerings)."""
        packed = cast(SearchTerm.offering_id, BigInteger) * WEIGHT_SPAN + SearchTerm.weight
        numbers = session.scalar(
            select(func.aggregate_strings(cast(packed, String), ",")).where(SearchTerm.term == term)
        )
        if numbers:
            ids, weights = np.divmod(np.fromstring(numbers, dtype=np.int64, sep=","), WEIGHT_SPAN)
        else:
            ids = weights = np.zeros(0, dtype=np.int64)
        positions = _positions(self.ids, ids)
        held = positions >= 0
        return positions[held], weights[held]

    def ordered(self, passing: np.ndarray, states: np.ndarray, scores=None) -> np.ndarray:
        """The ids of ``passing`` in the catalogue's order: what can be joined first (by
        ``states``, ``enrolment_state`` now), then by relevance (``scores``), then by start
        (offerings without dates last) and id."""
        positions = self.by_start[np.flatnonzero(passing[self.by_start])]
        keys = states[positions]
        if scores is not None and len(positions):
            # Within a state, the higher score first: a stable sort keeps the start order.
            scored = scores[positions]
            top = int(scored.max())
            keys = keys.astype(np.int64) * (top + 1) + (top - scored)
        return self.ids[positions[np.argsort(keys, kind="stable")]]


class epoch_micros(FunctionElement):
    """A moment as microseconds since 1970 (UTC), UNSET when not set, worked out by the
    database: 100,000 offerings' moments read as numbers, not made datetimes one by one."""

    type = BigInteger()
    inherit_cache = True


@compiles(epoch_micros, "postgresql")
def _postgresql_micros(element, compiler, **kw):
    moment = compiler.process(element.clauses, **kw)
    return f"coalesce(CAST(EXTRACT(EPOCH FROM {moment}) * 1000000 AS BIGINT), {UNSET})"


@compiles(epoch_micros, "sqlite")
def _sqlite_micros(element, compiler, **kw):
    # Stored as "YYYY-MM-DD HH:MM:SS.ffffff" (UTC): the seconds from the first 19 characters
    # (strftime would round the fraction), the microseconds from the last six.
    moment = compiler.process(element.clauses, **kw)
    seconds = f"CAST(strftime('%s', substr({moment}, 1, 19)) AS INTEGER)"
    return f"coalesce({seconds} * 1000000 + CAST(substr({moment}, 21, 6) AS INTEGER), {UNSET})"


def _bits(column, vocabulary) -> Select:
    """(offering id, a bit per value it has) of the offerings with values."""
    bit = case(*((column == member, 1 << n) for n, member in enumerate(vocabulary)), else_=0)
    table = column.class_
    return select(table.offering_id, func.sum(bit)).group_by(table.offering_id)


def _facet(connection, values, column: tuple) -> Facet:
    """A single-valued facet from its column's values (ids of ``values``, a table, or
    members of ``values``, a vocabulary)."""
    if is_table(values):
        pairs = connection.execute(select(values.id, values.slug).order_by(values.id)).all()
        keys, labels = zip(*pairs, strict=True) if pairs else ((), ())
    else:
        keys = labels = tuple(sorted(member.value for member in values))
    codes = np.searchsorted(np.array(keys), np.array(column)) if column else np.array(())
    return Facet(tuple(labels), codes.astype(np.int16))


def _fetched(connection, statement) -> list[tuple]:
    """The rows of ``statement`` as the driver gives them, plain tuples: every column is a
    number or a string already, and making 100,000 Row objects cost more than the read."""
    result = connection.execute(statement)
    try:
        return result.cursor.fetchall()
    finally:
        result.close()


def _pairs(connection, statement) -> tuple[np.ndarray, np.ndarray]:
    """A statement's two columns of integers."""
    pairs = np.array(_fetched(connection, statement), dtype=np.int64).reshape(-1, 2)
    return pairs[:, 0], pairs[:, 1]


def _positions(ids: np.ndarray, keys: np.ndarray) -> np.ndarray:
    """The position of each of ``keys`` among the sorted ``ids``, -1 for a key not there."""
    if not len(ids) or not len(keys):
        return np.full(len(keys), -1, dtype=np.int64)
    positions = np.searchsorted(ids, keys).clip(max=len(ids) - 1)
    return np.where(ids[positions] == keys, positions, -1)


def _spread(ids: np.ndarray, keys: np.ndarray, values: np.ndarray, missing: int) -> np.ndarray:
    """``values`` by ``keys`` put at the positions of ``ids`` (``missing`` where a key is
    absent; keys not among ``ids`` are left out)."""
    spread = np.full(len(ids), missing, dtype=np.int64)
    positions = _positions(ids, keys)
    held = positions >= 0
    spread[positions[held]] = values[held]
    return spread


def build(session: Session) -> ListingIndex:
    """The index of the published offer as ``session`` sees it: four statements, of plain
    numbers and strings."""
    # Stored values, not members: an enum's made one by one would cost more than the read.
    single = [
        type_coerce(column, String) if isinstance(column.type, Enum) else column
        for column, _ in SINGLE_VALUED.values()
    ]
    # The columns of the listing's covering index (ix_offering_listing), and the mode.
    statement = (
        select(
            Offering.id,
            *single,
            *(epoch_micros(getattr(Offering, name)) for name in MOMENTS),
            type_coerce(Offering.seats_taken < Offering.capacity, Boolean),
            type_coerce(Offering.mode, String),
            type_coerce(Offering.price_cents == 0, Boolean),
        )
        .where(PUBLISHED)
        .order_by(Offering.id)
    )
    connection = session.connection()
    columns = list(zip(*_fetched(connection, statement), strict=True))
    if not columns:
        columns = [()] * (1 + len(single) + len(MOMENTS) + 3)
    ids = np.array(columns[0], dtype=np.int64)
    facets = {
        name: _facet(connection, values, columns[offset])
        for offset, (name, (_, values)) in enumerate(SINGLE_VALUED.items(), start=1)
    }
    for name, column in MULTI_VALUED.items():
        vocabulary = VOCABULARIES[name]
        offering_ids, held = _pairs(connection, _bits(column, vocabulary))
        facets[name] = Facet(
            tuple(member.value for member in vocabulary), _spread(ids, offering_ids, held, 0), True
        )
    first = 1 + len(single)
    moments = {name: np.array(columns[first + n], dtype=np.int64) for n, name in enumerate(MOMENTS)}
    has_seats, mode, free = columns[first + len(MOMENTS) :]
    mode = np.array(mode, dtype=object)
    return ListingIndex(
        ids=ids,
        facets=facets,
        moments=moments,
        has_seats=np.array(has_seats, dtype=bool),
        individual=mode == Mode.INDIVIDUAL.value,
        by_class=mode == Mode.CLASS.value,
        pupils_until=_pupils_until(connection, ids),
        free=np.array(free, dtype=bool),
    )


def _pupils_until(connection, ids: np.ndarray) -> np.ndarray:
    """The last start of a session still taking pupils of each class-mode offering of
    ``ids``, or UNSET."""
    takes_pupils = (
        select(OfferingSession.offering_id, epoch_micros(func.max(OfferingSession.starts_at)))
        .join(Offering)
        .outerjoin(ClassSession, ClassSession.session_id == OfferingSession.id)
        .where(PUBLISHED, Offering.mode == Mode.CLASS, TAKES_PUPILS)
        .group_by(OfferingSession.offering_id)
    )
    return _spread(ids, *_pairs(connection, takes_pupils), UNSET)


def refreshed(session: Session, index: ListingIndex) -> ListingIndex:
    """``index`` with its seats read again (which offerings are full, which class sessions
    still take pupils), for an offer otherwise as it was (its version has not moved): two
    statements over the few full offerings and the class sessions, where a build reads
    every published offering (61-117 ms against 0.77-1.26 s at 100,000 offerings on SQLite)."""
    connection = session.connection()
    full = select(Offering.id).where(PUBLISHED, Offering.seats_taken >= Offering.capacity)
    full_ids = np.array([row[0] for row in _fetched(connection, full)], dtype=np.int64)
    return replace(
        index,
        has_seats=~np.isin(index.ids, full_ids),
        pupils_until=_pupils_until(connection, index.ids),
    )


class Kept:
    """One worker's index: rebuilt when the offer's version moves, its seats read again
    when only the full offerings or class sessions do (thread-safe)."""

    def __init__(self):
        self._lock = threading.Lock()
        self._version: int | None = None
        self._key: str | None = None
        self._index: ListingIndex | None = None

    def get(self, state) -> Callable[[Session], ListingIndex]:
        """What ``search_catalogue`` takes as ``index``: this worker's index for ``state``
        (a ``CatalogueState``)."""

        def index(session: Session) -> ListingIndex:
            with self._lock:
                if self._index is None or self._version != state.version:
                    self._index = build(session)
                elif self._key != state.offer_key:
                    self._index = refreshed(session, self._index)
                self._version, self._key = state.version, state.offer_key
                return self._index

        return index

    def clear(self) -> None:
        with self._lock:
            self._version = self._key = self._index = None

"""What a cached catalogue page depends on, read in one cheap statement per request.

- The catalogue version: bumped in the transaction of every offer-side change (the
  offerings service's ``record_offering``, which publish, edit, sessions, cancel, archive,
  duplicate and the import all go through; organisation and class-rule edits too).
- Seats, which change under each offering's own row lock on every enrolment. A results
  list is keyed by the set of full offerings (what moves an offering in the order and out
  of "available"), read from a small partial index. A rendered page is found by the seat
  stamp (the sum of the ``seat_stamp`` counters that triggers bump with every seat change,
  sharded by offering so no single row counts a region-wide rush) and, when the stamp has
  moved since, by the seat figures of its own offerings.
- Time: the next moment any offering opens, closes, starts or ends, so cached results
  move state on time, and the next session to start, which ends a class session's seats
  (indexed mins).

Every part comes from the database, so workers and hosts sharing one PostgreSQL agree on
every key and nothing kept in a process can go stale.
"""

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import (
    BigInteger,
    Integer,
    bindparam,
    column,
    func,
    insert,
    select,
    text,
    update,
)
from sqlalchemy.orm import Session

from app.models import CatalogueVersion
from app.models.types import UTCDateTime

BOUNDARIES = ("enrolment_opens", "enrolment_closes", "starts_at", "ends_at")


def bump_version(session: Session) -> None:
    """Mark the public offer as changed, in the caller's transaction."""
    bumped = session.execute(
        update(CatalogueVersion)
        .where(CatalogueVersion.id == 1)
        .values(version=CatalogueVersion.version + 1)
        .execution_options(synchronize_session=False)
    )
    if bumped.rowcount == 0:  # a database emptied by hand (the migration writes the row)
        session.execute(insert(CatalogueVersion).values(id=1, version=1))


def _version():
    return func.coalesce(
        select(CatalogueVersion.version).where(CatalogueVersion.id == 1).scalar_subquery(), 0
    )


@dataclass(frozen=True)
class CatalogueState:
    version: int
    full: tuple[int, int]  # how many published offerings are full, and the sum of their ids
    next_boundary: datetime | None
    seats: int = 0  # the seat stamp: moves with every seat taken or freed anywhere
    next_session: datetime | None = None  # the next session to start

    @property
    def key(self) -> str:
        """What a results list depends on."""
        boundary = self.next_boundary.isoformat() if self.next_boundary else "-"
        return f"v{self.version}:f{self.full[0]}.{self.full[1]}:t{boundary}"

    @property
    def page_key(self) -> str:
        """What every rendered page of a results list depends on, seats included."""
        session = self.next_session.isoformat() if self.next_session else "-"
        return f"{self.key}:s{self.seats}:n{session}"


# Plain SQL, built once: this runs on every catalogue request, so it skips building and
# compiling a statement each time. Each part is an index lookup (see the Offering indexes).
def _state_statement(full_from: str):
    return (
        text(
            # FULL_PUBLISHED is the predicate of ix_offering_full, written out as it is there.
            "SELECT"  # noqa: S608 (full_from is one of the two constants below)
            " coalesce((SELECT version FROM catalogue_version WHERE id = 1), 0) AS version,"
            f" (SELECT count(*) FROM {full_from}"
            "  WHERE status = 'published' AND seats_taken >= capacity) AS full_count,"
            f" (SELECT coalesce(sum(id), 0) FROM {full_from}"
            "  WHERE status = 'published' AND seats_taken >= capacity) AS full_sum,"
            " (SELECT min(enrolment_opens) FROM offering WHERE enrolment_opens > :now)"
            "  AS enrolment_opens,"
            " (SELECT min(enrolment_closes) FROM offering WHERE enrolment_closes > :now)"
            "  AS enrolment_closes,"
            " (SELECT min(starts_at) FROM offering WHERE starts_at > :now) AS starts_at,"
            " (SELECT min(ends_at) FROM offering WHERE ends_at > :now) AS ends_at,"
            " (SELECT coalesce(sum(changes), 0) FROM seat_stamp) AS seats,"
            " (SELECT min(starts_at) FROM session WHERE starts_at > :now) AS next_session"
        )
        .bindparams(bindparam("now", type_=UTCDateTime()))
        .columns(
            column("version", BigInteger()),
            column("full_count", BigInteger()),
            column("full_sum", BigInteger()),
            *(column(name, UTCDateTime()) for name in BOUNDARIES),
            column("seats", BigInteger()),
            column("next_session", UTCDateTime()),
        )
    )


# SQLite's planner prefers the wide listing index (a scan of every published offering) to the
# partial one unless told; PostgreSQL picks the partial index by itself.
_STATE = {
    "sqlite": _state_statement("offering INDEXED BY ix_offering_full"),
    "postgresql": _state_statement("offering"),
}

# A class-mode offering's seats are its sessions' pupils, of the sessions still to start.
_SEATS = (
    text(
        "SELECT o.id, o.seats_taken,"
        " (SELECT coalesce(sum(c.pupils_taken), 0) FROM class_session c"
        "  JOIN session s ON s.id = c.session_id WHERE s.offering_id = o.id) AS pupils,"
        " (SELECT count(*) FROM session s WHERE s.offering_id = o.id AND s.starts_at <= :now)"
        "  AS sessions_begun"
        " FROM offering o WHERE o.id IN :ids ORDER BY o.id"
    )
    .bindparams(bindparam("ids", expanding=True), bindparam("now", type_=UTCDateTime()))
    .columns(
        *(column(name, Integer()) for name in ("id", "seats_taken", "pupils", "sessions_begun"))
    )
)


def catalogue_state(session: Session, now: datetime) -> CatalogueState:
    """The key of every cached results list and page at ``now``: one statement of index
    lookups (and the sum of the seat stamp's few rows)."""
    statement = _STATE.get(session.get_bind().dialect.name, _STATE["postgresql"])
    row = session.execute(statement, {"now": now}).one()
    version, full_count, full_sum, *boundaries, seats, next_session = row
    upcoming = [moment for moment in boundaries if moment is not None]
    return CatalogueState(
        int(version),
        (int(full_count), int(full_sum)),
        min(upcoming, default=None),
        int(seats),
        next_session,
    )


def seat_figures(session: Session, offering_ids: list[int], now: datetime) -> tuple[tuple, ...]:
    """(id, seats taken, pupils seated, sessions begun) of the offerings a page shows, in id
    order: its cards' live part."""
    if not offering_ids:
        return ()
    rows = session.execute(_SEATS, {"ids": list(offering_ids), "now": now})
    return tuple(tuple(row) for row in rows)


_OFFERING = (
    text(
        "SELECT"
        " coalesce((SELECT version FROM catalogue_version WHERE id = 1), 0) AS version,"
        " o.seats_taken,"
        " (SELECT coalesce(sum(c.pupils_taken), 0) FROM class_session c"
        "  JOIN session s ON s.id = c.session_id WHERE s.offering_id = o.id) AS pupils,"
        " (SELECT coalesce(sum(c.pupils_taken * c.session_id), 0) FROM class_session c"
        "  JOIN session s ON s.id = c.session_id WHERE s.offering_id = o.id) AS pupils_where,"
        " (SELECT count(*) FROM session s WHERE s.offering_id = o.id AND s.starts_at <= :now)"
        "  AS sessions_begun,"
        " o.enrolment_opens, o.enrolment_closes, o.starts_at, o.ends_at"
        " FROM offering o WHERE o.id = :offering_id"
    )
    .bindparams(bindparam("now", type_=UTCDateTime()), bindparam("offering_id", type_=Integer()))
    .columns(
        *(column(name, BigInteger()) for name in ("version", "seats_taken", "pupils")),
        *(column(name, BigInteger()) for name in ("pupils_where", "sessions_begun")),
        *(column(name, UTCDateTime()) for name in BOUNDARIES),
    )
)


def offering_state(session: Session, offering_id: int, now: datetime) -> tuple | None:
    """What an offering's public page depends on beyond its version: seats, class seats
    (their sum, and a sum weighted by session, so a class moving sessions shows) and which
    of its moments have passed. None if the offering does not exist. One statement."""
    row = session.execute(_OFFERING, {"now": now, "offering_id": offering_id}).one_or_none()
    if row is None:
        return None
    *figures, opens, closes, starts, ends = row
    passed = tuple(moment is not None and moment <= now for moment in (opens, closes, starts, ends))
    return (*(int(figure) for figure in figures), *passed)

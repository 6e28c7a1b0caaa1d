"""What a cached catalogue page depends on, read in one cheap statement per request.

- The catalogue version: bumped in the transaction of every offer-side change (the
  offerings service's ``record_offering``, which publish, edit, sessions, cancel, archive,
  duplicate and the import all go through; organisation and class-rule edits too).
- Seats, which change under each offering's own row lock on every enrolment. A results
  list is keyed by the set of full offerings (what moves an offering in the order and out
  of "available") and by the set of full class sessions (a class-mode offering is
  "available" while one still takes pupils): their counts and id sums, which triggers keep
  in the seat stamp's rows as rows become full or stop being full. A rendered page is
  found by the seat stamp (the sum of the ``seat_stamp`` counters that triggers bump with
  every seat change, sharded by offering so no single row counts a region-wide rush) and,
  when the stamp has moved since, by the seat figures of its own offerings.
- Time: the next moment any offering opens, closes, starts or ends, or any session starts
  (a class-mode offering's seats are those of sessions still to start), so cached results
  move state on time (indexed mins).

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

from app.models import CatalogueVersion, Mode
from app.models.types import UTCDateTime, enum_column

BOUNDARIES = ("enrolment_opens", "enrolment_closes", "starts_at", "ends_at")
# The seat stamp's columns for the full offerings and the full class sessions.
FULL_SETS = ("full_offerings", "full_offering_ids", "full_classes", "full_class_ids")


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
    # How many class sessions have every pupil's seat taken, and the sum of their ids.
    full_classes: tuple[int, int]
    seats: int = 0  # the seat stamp: moves with every seat taken or freed anywhere

    @property
    def offer_key(self) -> str:
        """What a results list depends on besides the time: the listing index's key."""
        full, classes = self.full, self.full_classes
        return f"v{self.version}:f{full[0]}.{full[1]}:c{classes[0]}.{classes[1]}"

    @property
    def key(self) -> str:
        """What a results list depends on."""
        boundary = self.next_boundary.isoformat() if self.next_boundary else "-"
        return f"{self.offer_key}:t{boundary}"

    @property
    def page_key(self) -> str:
        """What every rendered page of a results list depends on, seats included."""
        return f"{self.key}:s{self.seats}"


# Plain SQL, built once: this runs on every catalogue request, so it skips building and
# compiling a statement each time. The minimums are index lookups; the rest is one pass over
# the seat stamp's 64 rows, whose full sets the triggers keep (migration 0014). A class
# session filling (or a session starting) moves a class-mode offering out of "available", as
# a full offering moves down the order.
_STAMP = (*FULL_SETS, "changes")
_STATE = (
    text(
        "SELECT"  # noqa: S608 (the names put in are the constants _STAMP)
        " coalesce((SELECT version FROM catalogue_version WHERE id = 1), 0) AS version,"
        f" {', '.join(f'stamp.{name}' for name in _STAMP)},"
        " (SELECT min(enrolment_opens) FROM offering WHERE enrolment_opens > :now)"
        "  AS enrolment_opens,"
        " (SELECT min(enrolment_closes) FROM offering WHERE enrolment_closes > :now)"
        "  AS enrolment_closes,"
        " (SELECT min(starts_at) FROM offering WHERE starts_at > :now) AS starts_at,"
        " (SELECT min(ends_at) FROM offering WHERE ends_at > :now) AS ends_at,"
        " (SELECT min(starts_at) FROM session WHERE starts_at > :now) AS session_starts"
        " FROM (SELECT"
        f" {', '.join(f'coalesce(sum({name}), 0) AS {name}' for name in _STAMP)}"
        " FROM seat_stamp) AS stamp"
    )
    .bindparams(bindparam("now", type_=UTCDateTime()))
    .columns(
        column("version", BigInteger()),
        *(column(name, BigInteger()) for name in _STAMP),
        *(column(name, UTCDateTime()) for name in (*BOUNDARIES, "session_starts")),
    )
)

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
    lookups and one pass over the seat stamp's 64 rows, whatever the size of the offer."""
    # On the session's connection: plain SQL needs none of the ORM's handling of a statement.
    row = session.connection().execute(_STATE, {"now": now}).one()
    version, full_count, full_sum, classes_count, classes_sum, seats, *boundaries = row
    upcoming = [moment for moment in boundaries if moment is not None]
    return CatalogueState(
        int(version),
        (int(full_count), int(full_sum)),
        min(upcoming, default=None),
        (int(classes_count), int(classes_sum)),
        int(seats),
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
        " o.enrolment_opens, o.enrolment_closes, o.starts_at, o.ends_at, o.mode"
        " FROM offering o WHERE o.id = :offering_id"
    )
    .bindparams(bindparam("now", type_=UTCDateTime()), bindparam("offering_id", type_=Integer()))
    .columns(
        *(column(name, BigInteger()) for name in ("version", "seats_taken", "pupils")),
        *(column(name, BigInteger()) for name in ("pupils_where", "sessions_begun")),
        *(column(name, UTCDateTime()) for name in BOUNDARIES),
        column("mode", enum_column(Mode)),
    )
)


@dataclass(frozen=True)
class OfferingState:
    mode: Mode
    # What its page shows that can change: the key its cached copies are filed by.
    figures: tuple


def offering_state(session: Session, offering_id: int, now: datetime) -> OfferingState | None:
    """What an offering's public page depends on beyond its version: seats, class seats
    (their sum, and a sum weighted by session, so a class moving sessions shows) and which
    of its moments have passed; and its mode. None if the offering does not exist. One
    statement."""
    parameters = {"now": now, "offering_id": offering_id}
    row = session.connection().execute(_OFFERING, parameters).one_or_none()
    if row is None:
        return None
    *figures, opens, closes, starts, ends, mode = row
    passed = tuple(moment is not None and moment <= now for moment in (opens, closes, starts, ends))
    return OfferingState(mode, (*(int(figure) for figure in figures), *passed))

"""What a cached catalogue page depends on, read in one cheap statement per request.

- The catalogue version: bumped in the transaction of every offer-side change (the
  offerings service's ``record_offering``, which publish, edit, sessions, cancel, archive,
  duplicate and the import all go through; organisation and class-rule edits too).
- Seats, which change under each offering's own row lock on every enrolment: no global row
  counts them (a region-wide rush would queue on it). A results list is keyed by the set
  of full offerings (what moves an offering in the order and out of "available"), read
  from a small partial index; a rendered page by the seat figures of its own offerings.
- Time: the next moment any offering opens, closes, starts or ends, so cached results
  move state on time (indexed mins).

Every part comes from the database, so workers and hosts sharing one PostgreSQL agree on
every key and nothing kept in a process can go stale.
"""

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import and_, func, insert, select, text, update
from sqlalchemy.orm import Session

from app.models import FULL_PUBLISHED, CatalogueVersion, Offering, OfferingSession
from app.models.schools import ClassSession

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

    @property
    def key(self) -> str:
        boundary = self.next_boundary.isoformat() if self.next_boundary else "-"
        return f"v{self.version}:f{self.full[0]}.{self.full[1]}:t{boundary}"


def catalogue_state(session: Session, now: datetime) -> CatalogueState:
    """The key of every cached results list at ``now``: one statement of index lookups."""
    full = select(Offering.id).where(text(FULL_PUBLISHED)).subquery()
    columns = [
        _version(),
        select(func.count()).select_from(full).scalar_subquery(),
        select(func.coalesce(func.sum(full.c.id), 0)).scalar_subquery(),
    ]
    for name in BOUNDARIES:
        column = getattr(Offering, name)
        columns.append(select(func.min(column)).where(column > now).scalar_subquery())
    version, full_count, full_sum, *boundaries = session.execute(select(*columns)).one()
    upcoming = [moment for moment in boundaries if moment is not None]
    return CatalogueState(
        int(version), (int(full_count), int(full_sum)), min(upcoming, default=None)
    )


def seat_figures(session: Session, offering_ids: list[int]) -> tuple[tuple[int, int], ...]:
    """(id, seats taken) of the offerings a page shows, in id order: its cards' live part."""
    if not offering_ids:
        return ()
    rows = session.execute(
        select(Offering.id, Offering.seats_taken)
        .where(Offering.id.in_(offering_ids))
        .order_by(Offering.id)
    )
    return tuple((row.id, row.seats_taken) for row in rows)


def offering_state(session: Session, offering_id: int, now: datetime) -> tuple | None:
    """What an offering's public page depends on beyond its version: seats, class seats
    and which of its moments have passed. None if the offering does not exist."""
    pupils = (
        select(
            func.coalesce(func.sum(ClassSession.pupils_taken), 0),
        )
        .join(OfferingSession, OfferingSession.id == ClassSession.session_id)
        .where(OfferingSession.offering_id == offering_id)
        .scalar_subquery()
    )
    pupils_by_session = (
        select(func.coalesce(func.sum(ClassSession.pupils_taken * ClassSession.session_id), 0))
        .join(OfferingSession, OfferingSession.id == ClassSession.session_id)
        .where(OfferingSession.offering_id == offering_id)
        .scalar_subquery()
    )
    sessions_begun = (
        select(func.count())
        .where(and_(OfferingSession.offering_id == offering_id, OfferingSession.starts_at <= now))
        .scalar_subquery()
    )
    row = session.execute(
        select(
            _version(),
            Offering.seats_taken,
            pupils,
            pupils_by_session,
            sessions_begun,
            *(getattr(Offering, name) for name in BOUNDARIES),
        ).where(Offering.id == offering_id)
    ).one_or_none()
    if row is None:
        return None
    *figures, opens, closes, starts, ends = row
    passed = tuple(moment is not None and moment <= now for moment in (opens, closes, starts, ends))
    return (*(int(figure) for figure in figures), *passed)

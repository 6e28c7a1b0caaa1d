"""Taking, giving back and passing on places.

Capacity is enforced by the database: a seat is taken by one conditional UPDATE
(``seats_taken < capacity``) on the offering row, which both SQLite (one writer at a time)
and PostgreSQL (row lock, predicate re-checked after a concurrent commit) make atomic. Every
change that frees a seat also starts with an UPDATE of that row, so in PostgreSQL it holds
the row lock while it promotes from the waiting list: no two transactions promote at once.
A partial unique index allows one live place per person and offering. A status changes only
from the status that was read (compare-and-set), so a stale read never releases a seat twice
nor brings back a place its owner has just cancelled.
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import Select, bindparam, func, insert, literal_column, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, make_transient_to_detached
from sqlalchemy.orm.attributes import set_committed_value

from app.models import (
    LIVE_ENROLMENT_STATUSES,
    Availability,
    Enrolment,
    EnrolmentEvent,
    EnrolmentStatus,
    Mode,
    Offering,
    OfferingStatus,
    User,
)
from app.services import indicators
from app.services.errors import Conflict, DomainError, NotFound
from app.services.mail import outbox


class EnrolmentRefused(Conflict):
    """The offering's rules do not let this person take a place now."""


class AlreadyEnrolled(Conflict):
    """A second request for a place the person already holds (e.g. a double click)."""

    def __init__(self):
        super().__init__(_l("You already have a place in this offering."))


class EnrolmentGone(DomainError):
    status_code = 410


def _offering_for_enrolment(session: Session, offering_id: int) -> Offering:
    offering = session.get(Offering, offering_id)
    if offering is None or offering.status in (OfferingStatus.DRAFT, OfferingStatus.ARCHIVED):
        raise NotFound(_l("This offering does not exist or is no longer published."))
    return offering


def age_in_year(user: User, year: int) -> int | None:
    profile = user.profile
    if profile is None or profile.birth_year is None:
        return None
    return year - profile.birth_year


def check_eligibility(offering: Offering, user: User, now: datetime) -> None:
    """Raise EnrolmentRefused with the reason a person cannot take a place now."""
    availability = offering.availability(now)
    if availability == Availability.CANCELLED:
        raise EnrolmentGone(_l("This offering has been cancelled."))
    if offering.mode != Mode.INDIVIDUAL:
        raise EnrolmentRefused(
            _l(
                "This offering does not take individual enrolments: %(mode)s.",
                mode=offering.mode.label,
            )
        )
    if availability == Availability.NOT_YET_OPEN:
        raise EnrolmentRefused(_l("Enrolment has not opened yet."))
    if availability == Availability.CLOSED:
        raise EnrolmentGone(_l("Enrolment for this offering is closed."))
    check_person(offering, user, now)


def check_person(offering: Offering, user: User, now: datetime) -> None:
    """Raise EnrolmentRefused when the offering is not for this person (residence, age),
    whatever way in it has: an enrolment or an application."""
    if offering.residents_only and not (user.municipality and user.municipality.is_partner):
        raise EnrolmentRefused(
            _l(
                "This offering is reserved to residents of Las Rozas de Madrid, Boadilla del "
                "Monte and Majadahonda. Check the municipality in your account."
            )
        )
    if offering.min_age is not None or offering.max_age is not None:
        year = (offering.starts_at or now).year
        age = age_in_year(user, year)
        if age is None:
            raise EnrolmentRefused(
                _l("This offering has age limits: add your year of birth to your profile.")
            )
        if offering.min_age is not None and age < offering.min_age:
            raise EnrolmentRefused(
                _l("This offering is for people aged %(age)s or over.", age=offering.min_age)
            )
        if offering.max_age is not None and age > offering.max_age:
            raise EnrolmentRefused(
                _l("This offering is for people aged %(age)s or under.", age=offering.max_age)
            )


def live_enrolment(session: Session, offering_id: int, user_id: int) -> Enrolment | None:
    return session.scalar(
        select(Enrolment).where(
            Enrolment.offering_id == offering_id,
            Enrolment.user_id == user_id,
            Enrolment.status.in_(LIVE_ENROLMENT_STATUSES),
        )
    )


_OFFERING = Offering.__table__
_PLACE = Enrolment.__table__
_AHEAD = _PLACE.alias("ahead")

# The statements run under an offering's lock, built once: on the connection, as plain SQL,
# so that the lock holder spends its time in the database and not in building statements.
_LOCK = (
    update(_OFFERING)
    .where(_OFFERING.c.id == bindparam("offering"))
    .values(seats_taken=_OFFERING.c.seats_taken)
    .returning(_OFFERING.c.status, _OFFERING.c.seats_taken, _OFFERING.c.capacity)
)
_TAKE_SEAT = (
    update(_OFFERING)
    .where(
        _OFFERING.c.id == bindparam("offering"),
        _OFFERING.c.seats_taken < _OFFERING.c.capacity,
    )
    .values(seats_taken=_OFFERING.c.seats_taken + 1)
)
# A new place and, in the same statement, its position if it waits: the places waiting
# before it, all committed by earlier holders of the lock this statement runs under.
# (The new row's columns spelt out: SQLAlchemy would neither correlate them nor, on SQLite,
# keep their table's name in a RETURNING clause.)
_INSERT_PLACE = insert(_PLACE).returning(
    _PLACE.c.id,
    select(func.count() + 1)
    .select_from(_AHEAD)
    .where(
        _AHEAD.c.offering_id == literal_column("enrolment.offering_id"),
        _AHEAD.c.status == EnrolmentStatus.WAITING,
        _AHEAD.c.id < literal_column("enrolment.id"),
    )
    .scalar_subquery(),
)
_INSERT_EVENT = insert(EnrolmentEvent.__table__)


# The first key of the PostgreSQL advisory lock newcomers queue on (the second is the
# offering); the indicator store's keys start at 0x4D4F54.
QUEUE_CLASS = 0x454E52


def _queue(session: Session, offering_id: int) -> None:
    """On PostgreSQL, wait in line for the offering's lock: in a rush, newcomers to one
    offering take turns first come, first served.

    A row lock does not keep a line: when its holder commits, whoever asks at that instant
    may take it before those already waiting, and in a rush of a thousand some were passed
    over again and again (a p99 six times the median). An advisory lock is granted in the
    order it was asked for. Only ``enrol`` queues here, before it holds anything of the
    offering, and the row lock comes after it, so no transaction waits for the line while
    holding the row: no deadlock with the paths that lock the row alone. SQLite has one
    writer at a time already."""
    if session.get_bind().dialect.name == "postgresql":
        session.connection().execute(select(func.pg_advisory_xact_lock(QUEUE_CLASS, offering_id)))


def lock_offering(session: Session, offering_id: int) -> Offering:
    """Serialise every change to this offering's places, on both databases, and return the
    offering as it is now (status and seats re-read under the lock).

    A no-op UPDATE of the offering row takes PostgreSQL's row lock and SQLite's write lock
    (``SELECT ... FOR UPDATE`` would do nothing on SQLite). Every path that takes, frees or
    passes on a seat, or cancels the offering, comes here first, so they all lock in the same
    order (offering, then enrolments) and never deadlock; and a newcomer who read "full"
    just before a cancellation committed waits for it instead of queueing beside a free seat.
    """
    session.flush()  # what the session holds goes first: below, SQL on its connection only
    fresh = session.connection().execute(_LOCK, {"offering": offering_id}).one()
    offering = session.get(Offering, offering_id)
    # What the lock's own statement read: no second query while the lock is held.
    for name, value in zip(("status", "seats_taken", "capacity"), fresh, strict=True):
        set_committed_value(offering, name, value)
    return offering


def _take_seat(session: Session, offering_id: int) -> bool:
    return session.connection().execute(_TAKE_SEAT, {"offering": offering_id}).rowcount == 1


def _release_seat(session: Session, offering_id: int) -> None:
    session.execute(
        update(Offering)
        .where(Offering.id == offering_id, Offering.seats_taken > 0)
        .values(seats_taken=Offering.seats_taken - 1)
        .execution_options(synchronize_session=False)
    )


def transition(
    session: Session, enrolment: Enrolment, status: EnrolmentStatus, now: datetime, actor_id, reason
) -> bool:
    """Change a stored enrolment's status only if it still has the status we read.

    False (and the enrolment reloaded) when a concurrent transaction changed it first: a
    double-clicked cancel, or a waiting place promoted while its owner was cancelling it."""
    ever = {
        EnrolmentStatus.CONFIRMED: {"ever_confirmed": True},
        EnrolmentStatus.WAITING: {"ever_waited": True},
    }.get(status, {})
    result = session.execute(
        update(Enrolment)
        .where(Enrolment.id == enrolment.id, Enrolment.status == enrolment.status)
        .values(status=status, updated_at=now, **ever)
        .execution_options(synchronize_session=False)
    )
    if result.rowcount != 1:
        session.refresh(enrolment)
        return False
    if status == EnrolmentStatus.CONFIRMED:
        indicators.place_confirmed(
            session,
            enrolment.offering_id,
            enrolment.user_id,
            waited=enrolment.status == EnrolmentStatus.WAITING,
        )
    for name, value in {"status": status, "updated_at": now, **ever}.items():
        set_committed_value(enrolment, name, value)
    enrolment.events.append(EnrolmentEvent(status=status, at=now, actor_id=actor_id, reason=reason))
    return True


def notify(session: Session, enrolment: Enrolment, template: str, **context) -> None:
    message = _email(enrolment, template, **context)
    if message is not None:
        message.enqueue(session)


def _email(enrolment: Enrolment, template: str, **context) -> outbox.Draft | None:
    user = enrolment.user
    if user is None or not user.email:
        return None
    return outbox.draft_to_user(
        user, template, enrolment=enrolment, offering=enrolment.offering, **context
    )


def enrol(
    session: Session, *, offering_id: int, user_id: int, now: datetime, actor_id: int | None = None
) -> Enrolment:
    """A confirmed place while seats remain, otherwise a place on the waiting list.

    Asking again for a place already held returns that place (idempotent). When two requests
    of the same person race, the unique index rejects the second: AlreadyEnrolled, and the
    caller rolls back (the seat it took goes back with it)."""
    offering = _offering_for_enrolment(session, offering_id)
    user = session.get(User, user_id)
    if user is None or not user.is_active:
        raise NotFound(_l("This account does not exist."))
    existing = live_enrolment(session, offering_id, user_id)
    if existing is not None:
        return existing
    check_eligibility(offering, user, now)
    # In a rush most people join a full offering's waiting list: their email is written
    # before the lock, its position filled in under it, so the lock waits for SQL only.
    waiting_email = (
        _email(Enrolment(offering=offering, user=user), "enrolment_waiting", later=["position"])
        if offering.seats_left == 0
        else None
    )
    feed = indicators.PlaceFeed(session, offering_id)

    _queue(session, offering_id)
    offering = lock_offering(session, offering_id)
    check_eligibility(offering, user, now)  # again: staff may have cancelled it meanwhile
    # Under the lock the count just read is the truth: a full offering needs no UPDATE.
    seated = offering.seats_left > 0 and _take_seat(session, offering_id)
    status = EnrolmentStatus.CONFIRMED if seated else EnrolmentStatus.WAITING
    if status == EnrolmentStatus.WAITING and offering.mode != Mode.INDIVIDUAL:
        raise EnrolmentRefused(_l("There are no places left."))
    enrolment, position = _insert_place(session, offering, user, status, now, actor_id, feed)
    if seated:
        set_committed_value(offering, "seats_taken", offering.seats_taken + 1)
    if status == EnrolmentStatus.CONFIRMED:
        notify(session, enrolment, "enrolment_confirmed")
    else:
        message = waiting_email or _email(enrolment, "enrolment_waiting", later=["position"])
        if message is not None:
            message.enqueue(session, position=position)
    return enrolment


def _insert_place(
    session: Session,
    offering: Offering,
    user: User,
    status: EnrolmentStatus,
    now,
    actor_id,
    feed: indicators.PlaceFeed,
) -> tuple[Enrolment, int]:
    """The new place and its first event as two plain INSERTs, and the place as a loaded
    object with its waiting-list position (meaningful if it waits): under the offering's
    lock no unit of work runs, only SQL."""
    values = {
        "offering_id": offering.id,
        "user_id": user.id,
        "status": status,
        "created_at": now,
        "updated_at": now,
        "ever_confirmed": status == EnrolmentStatus.CONFIRMED,
        "ever_waited": status == EnrolmentStatus.WAITING,
    }
    connection = session.connection()
    try:
        enrolment_id, position = connection.execute(_INSERT_PLACE, values).one()
    except IntegrityError as error:
        raise AlreadyEnrolled() from error
    connection.execute(
        _INSERT_EVENT,
        {
            "enrolment_id": enrolment_id,
            "status": status,
            "at": now,
            "actor_id": actor_id,
            "reason": "enrolled",
        },
    )
    if status == EnrolmentStatus.CONFIRMED:
        feed.confirmed(user.id, waited=False)
    else:
        feed.waiting()
    enrolment = Enrolment(id=enrolment_id, **values, reminded_at=None, completed_at=None)
    make_transient_to_detached(enrolment)
    session.add(enrolment)
    set_committed_value(enrolment, "offering", offering)
    set_committed_value(enrolment, "user", user)
    return enrolment, position


def release(
    session: Session,
    enrolment: Enrolment,
    *,
    now: datetime,
    status: EnrolmentStatus,
    actor_id: int | None = None,
    reason: str = "cancelled",
) -> list[Enrolment]:
    """End a live enrolment; if it held a seat, promote the waiting list. Returns promoted."""
    lock_offering(session, enrolment.offering_id)
    while True:
        if not enrolment.status.is_live:
            raise EnrolmentGone(_l("This enrolment is already cancelled."))
        held_seat = enrolment.status == EnrolmentStatus.CONFIRMED
        if transition(session, enrolment, status, now, actor_id, reason):
            break
        # Changed since we read it: ended by a concurrent request (the check above says so),
        # or promoted from the waiting list (then it is released as the seat it now holds).
    if not held_seat:
        session.flush()
        return []
    _release_seat(session, enrolment.offering_id)
    session.flush()
    return promote_waitlist(session, offering_id=enrolment.offering_id, now=now, actor_id=actor_id)


def promote_waitlist(
    session: Session, *, offering_id: int, now: datetime, actor_id: int | None = None
) -> list[Enrolment]:
    """Give every free seat to the first people waiting, in order, and tell them."""
    offering = session.get(Offering, offering_id)
    waiting = (
        select(Enrolment)
        .where(Enrolment.offering_id == offering_id, Enrolment.status == EnrolmentStatus.WAITING)
        .order_by(Enrolment.id)
    )
    return fill_free_seats(
        session,
        offering,
        now=now,
        line=waiting,
        promote=lambda first: transition(
            session, first, EnrolmentStatus.CONFIRMED, now, actor_id, "promoted"
        ),
        tell=lambda first: notify(session, first, "enrolment_promoted"),
    )


def fill_free_seats(
    session: Session,
    offering: Offering,
    *,
    now: datetime,
    line: Select,
    promote: Callable[[Any], bool],
    tell: Callable[[Any], None],
) -> list:
    """Give every free seat of ``offering``, in turn, to the first in line while it gives
    free places (published, not started): ``line`` selects those in line, in their order,
    ``promote(first)`` is the first one's compare-and-set transition, ``tell(first)`` its
    email. A seat is claimed before the transition, so never beyond capacity."""
    if not offering.gives_free_places(now):
        return []
    given = []
    while True:
        first = session.scalar(line.limit(1))
        if first is None or not _take_seat(session, offering.id):
            break
        if not promote(first):
            # They left the list while we chose them: the seat goes to the next in line.
            _release_seat(session, offering.id)
            continue
        session.flush()
        tell(first)
        given.append(first)
    session.refresh(offering, ["seats_taken"])
    return given


def promote_chosen(
    session: Session, enrolment: Enrolment, *, now: datetime, actor_id: int | None
) -> Enrolment:
    """Staff give a free seat to a waiting person they choose, out of turn (e.g. at the door
    once the offering has started, when the waiting list no longer moves by itself).

    Never beyond capacity: with no free seat the answer is a Conflict, and staff raise the
    capacity first."""
    if enrolment.status != EnrolmentStatus.WAITING:
        raise Conflict(_l("This person is not on the waiting list."))
    lock_offering(session, enrolment.offering_id)
    if not _take_seat(session, enrolment.offering_id):
        raise Conflict(
            _l(
                "There is no free place. Raise the capacity of the offering first, or cancel "
                "another place."
            )
        )
    if not transition(
        session, enrolment, EnrolmentStatus.CONFIRMED, now, actor_id, "promoted-by-staff"
    ):
        # Left the list (or promoted) while staff were choosing: the seat goes back.
        _release_seat(session, enrolment.offering_id)
        raise Conflict(_l("This person is not on the waiting list."))
    session.flush()
    session.refresh(enrolment.offering, ["seats_taken"])
    notify(session, enrolment, "enrolment_promoted")
    return enrolment


@dataclass(frozen=True)
class OwnPlace:
    """A person's live place in an offering, as its public page shows it."""

    status: EnrolmentStatus
    position: int | None  # on the waiting list, 1 for the first in line


_OWN_PLACE = select(
    _PLACE.c.status,
    select(func.count())
    .select_from(_AHEAD)
    .where(
        _AHEAD.c.offering_id == _PLACE.c.offering_id,
        _AHEAD.c.status == EnrolmentStatus.WAITING,
        _AHEAD.c.id <= _PLACE.c.id,
    )
    .scalar_subquery(),
).where(
    _PLACE.c.offering_id == bindparam("offering"),
    _PLACE.c.user_id == bindparam("user"),
    _PLACE.c.status.in_(LIVE_ENROLMENT_STATUSES),
)


def own_place(session: Session, offering_id: int, user_id: int) -> OwnPlace | None:
    """The person's live place in the offering and, if waiting, its position: one
    statement (an offering page reads it at every signed-in visit)."""
    row = session.execute(_OWN_PLACE, {"offering": offering_id, "user": user_id}).one_or_none()
    if row is None:
        return None
    status, position = row
    return OwnPlace(status, position if status == EnrolmentStatus.WAITING else None)


def waiting_position(session: Session, enrolment: Enrolment) -> int | None:
    """1 for the first in line; None when the enrolment is not waiting."""
    if enrolment.status != EnrolmentStatus.WAITING:
        return None
    ahead = session.scalar(
        select(func.count())
        .select_from(Enrolment)
        .where(
            Enrolment.offering_id == enrolment.offering_id,
            Enrolment.status == EnrolmentStatus.WAITING,
            Enrolment.id < enrolment.id,
        )
    )
    return ahead + 1

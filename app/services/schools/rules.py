"""How a class-mode offering takes classes: its stages, classes per school, accompanying
teachers per pupils, the pupils each session holds, and the checks of a class's details."""

import math
from dataclasses import dataclass
from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.models import (
    Availability,
    ClassRules,
    ClassSession,
    Mode,
    Offering,
    OfferingSession,
    Stage,
)
from app.services.catalogue import get_public
from app.services.enrolment import EnrolmentGone, EnrolmentRefused
from app.services.errors import DomainError, NotFound

GROUP_NAME_MAX = 80


@dataclass(frozen=True)
class ClassDetails:
    """What a teacher says about a class (pupils are counted, never named)."""

    group_name: str
    stage: Stage | None
    grade: str
    pupils: int | None
    teachers: int | None
    accessibility: str = ""
    phone: str = ""


@dataclass(frozen=True)
class SessionSeats:
    """A session of a class-mode offering as a teacher sees it."""

    meeting: OfferingSession
    capacity: int
    taken: int

    @property
    def left(self) -> int:
        return max(self.capacity - self.taken, 0)


def rules_of(session: Session, offering: Offering) -> ClassRules:
    """The offering's rules; the defaults (not stored) when staff set none."""
    return session.get(ClassRules, offering.id) or ClassRules(offering_id=offering.id)


def teachers_needed(rules: ClassRules, pupils: int) -> int:
    if not rules.pupils_per_teacher:
        return 1
    return max(1, math.ceil(pupils / rules.pupils_per_teacher))


def group_key(name: str) -> str:
    """A class's name as the uniqueness rule compares it: "3º A" and "3º a" are one class."""
    return " ".join(name.split()).casefold()


def _stored_rows(session: Session, offering: Offering) -> dict[int, ClassSession]:
    ids = [meeting.id for meeting in offering.sessions]
    rows = session.scalars(select(ClassSession).where(ClassSession.session_id.in_(ids)))
    return {row.session_id: row for row in rows}


def session_seats(session: Session, offering: Offering) -> list[SessionSeats]:
    """Every session with the pupils it holds and has taken. A session nobody registered
    for yet holds the offering's capacity (its row is written at the first registration)."""
    stored = _stored_rows(session, offering)
    seats = []
    for meeting in offering.sessions:
        row = stored.get(meeting.id)
        capacity = row.capacity if row else offering.capacity
        seats.append(SessionSeats(meeting, capacity, row.pupils_taken if row else 0))
    return seats


def places_left(session: Session, offerings, now: datetime) -> dict[int, int]:
    """The places each offering still has, as the catalogue and the open data tell them (by
    offering id): Offerings, or rows with their id, mode and seats_left. A class-mode
    offering's seats are pupils: the free seats of its sessions still to start, added up (a
    session nobody registered for yet holds the offering's capacity); one query whatever the
    number of offerings."""
    left = {offering.id: offering.seats_left for offering in offerings}
    classes = [offering.id for offering in offerings if offering.mode == Mode.CLASS]
    if not classes:
        return left
    free = func.coalesce(ClassSession.capacity, Offering.capacity) - func.coalesce(
        ClassSession.pupils_taken, 0
    )
    rows = session.execute(
        select(OfferingSession.offering_id, func.sum(free))
        .join(Offering, Offering.id == OfferingSession.offering_id)
        .outerjoin(ClassSession, ClassSession.session_id == OfferingSession.id)
        .where(OfferingSession.offering_id.in_(classes), OfferingSession.starts_at > now)
        .group_by(OfferingSession.offering_id)
    )
    left.update(dict.fromkeys(classes, 0))
    left.update({offering_id: int(seats) for offering_id, seats in rows})
    return left


def ensure_class_sessions(session: Session, offering: Offering) -> dict[int, ClassSession]:
    """Under the offering's lock: a counter row for every session, the missing ones holding
    the offering's capacity."""
    stored = _stored_rows(session, offering)
    for meeting in offering.sessions:
        if meeting.id not in stored:
            stored[meeting.id] = ClassSession(session_id=meeting.id, capacity=offering.capacity)
            session.add(stored[meeting.id])
    session.flush()
    return stored


def class_offering(session: Session, offering_id: int) -> Offering:
    """A public offering that takes classes."""
    offering = get_public(session, offering_id)
    if offering.mode != Mode.CLASS:
        raise NotFound(_l("This offering does not take class registrations."))
    return offering


def check_open(offering: Offering, now: datetime) -> None:
    """Raise the reason a class cannot be registered now."""
    availability = offering.availability(now)
    if availability == Availability.CANCELLED:
        raise EnrolmentGone(_l("This offering has been cancelled."))
    if availability == Availability.NOT_YET_OPEN:
        raise EnrolmentRefused(_l("Registration has not opened yet."))
    if availability != Availability.OPEN:
        raise EnrolmentGone(_l("The deadline for registering classes has passed."))


def before_deadline(offering: Offering, now: datetime) -> bool:
    deadline = offering.enrolment_deadline
    return deadline is None or now < deadline


def check_details(rules: ClassRules, details: ClassDetails) -> list[tuple[str, object]]:
    """Every problem of a class's details at once, each at its field."""
    problems = []
    if not details.group_name.strip():
        problems.append(("group_name", _l("Write the name of the class, for example 4º B.")))
    if details.stage is None:
        problems.append(("stage", _l("Choose the stage of the class.")))
    elif details.stage not in rules.stage_list:
        problems.append(
            (
                "stage",
                _l(
                    "This activity is for %(stages)s.",
                    stages=", ".join(str(stage.label) for stage in rules.stage_list),
                ),
            )
        )
    if not details.grade.strip():
        problems.append(("grade", _l("Write the grade, for example 4º.")))
    if details.pupils is None or details.pupils < 1:
        problems.append(("pupils", _l("A class has one pupil at least.")))
    needed = teachers_needed(rules, details.pupils or 1)
    if details.teachers is None or details.teachers < needed:
        problems.append(
            (
                "teachers",
                _l(
                    "This activity asks for %(needed)s accompanying teachers for "
                    "%(pupils)s pupils (one for every %(ratio)s or part of it).",
                    needed=needed,
                    pupils=details.pupils or 1,
                    ratio=rules.pupils_per_teacher or details.pupils or 1,
                ),
            )
        )
    if not details.phone.strip():
        problems.append(("phone", _l("Give a phone number we can call on the day.")))
    return problems


def check_fits_capacity(
    seats: dict[int, int], session_ids: list[int], pupils: int, field: str = "pupils"
) -> None:
    """A class bigger than a session it chose could never take place there: refused now,
    rather than left waiting for ever."""
    too_small = [capacity for sid in session_ids if (capacity := seats[sid]) < pupils]
    if too_small:
        raise DomainError(
            _l(
                "This class is bigger than the session: it takes %(capacity)s pupils at most.",
                capacity=min(too_small),
            ),
            field,
        )

"""The seat engine of class registrations.

Seats for whole classes, taken, freed and passed on to the waiting classes.

The rules of services.enrolment.places, for groups. Every change first takes the offering's
lock (``lock_offering``: its row, then the session counters, then the registrations, always
in that order), re-reads the registration under it and only then moves pupils: a session's
counter changes by one conditional UPDATE (``pupils_taken + n <= capacity``), so a class
takes its seats whole or not at all, and never beyond capacity. A status, pupil count or
session changes only from the values that were read (compare-and-set). Freed seats go, in
the same transaction, to the first waiting classes that fit whole in one of their sessions,
in the order they registered: a class of 25 never takes 3 free seats, and a class of 3
behind it takes them.
"""

from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import select, update
from sqlalchemy.orm import Session, selectinload
from sqlalchemy.orm.attributes import set_committed_value

from app.models import (
    ClassEvent,
    ClassRegistration,
    ClassSession,
    ClassStatus,
    Offering,
    OfferingStatus,
)
from app.services import indicators
from app.services.enrolment import lock_offering
from app.services.errors import Conflict
from app.services.indicators.definitions import CLASSES
from app.services.mail import outbox

NOT_LIVE = _l("This registration is no longer live: it was cancelled or declined.")


def take_seats(session: Session, session_id: int, pupils: int) -> bool:
    result = session.execute(
        update(ClassSession)
        .where(
            ClassSession.session_id == session_id,
            ClassSession.pupils_taken + pupils <= ClassSession.capacity,
        )
        .values(pupils_taken=ClassSession.pupils_taken + pupils)
        .execution_options(synchronize_session=False)
    )
    return result.rowcount == 1


def release_seats(session: Session, session_id: int, pupils: int) -> None:
    session.execute(
        update(ClassSession)
        .where(ClassSession.session_id == session_id, ClassSession.pupils_taken >= pupils)
        .values(pupils_taken=ClassSession.pupils_taken - pupils)
        .execution_options(synchronize_session=False)
    )


def record_event(reg: ClassRegistration, now: datetime, actor_id, reason: str) -> None:
    reg.events.append(
        ClassEvent(
            status=reg.status,
            session_id=reg.session_id,
            pupils=reg.pupils,
            at=now,
            actor_id=actor_id,
            reason=reason,
        )
    )


def transition(
    session: Session,
    reg: ClassRegistration,
    now: datetime,
    actor_id: int | None,
    reason: str,
    **values,
) -> bool:
    """Set ``values`` (status, session_id, pupils, teachers) only if the registration still
    has the status, session and pupils we read; False (and the row reloaded) otherwise."""
    result = session.execute(
        update(ClassRegistration)
        .where(
            ClassRegistration.id == reg.id,
            ClassRegistration.status == reg.status,
            ClassRegistration.session_id == reg.session_id,
            ClassRegistration.pupils == reg.pupils,
        )
        .values(**values, updated_at=now)
        .execution_options(synchronize_session=False)
    )
    if result.rowcount != 1:
        session.refresh(reg)
        return False
    for name, value in {**values, "updated_at": now}.items():
        set_committed_value(reg, name, value)
    record_event(reg, now, actor_id, reason)
    indicators.offering_changed(session, reg.offering_id, CLASSES)
    return True


def notify(session: Session, reg: ClassRegistration, template: str, **context) -> None:
    """Email the teacher who registered the class, in their language."""
    teacher = reg.teacher
    if teacher is None or not teacher.email:
        return
    outbox.send_to_user(
        session, teacher, template, registration=reg, offering=reg.offering, **context
    )


def locked(session: Session, reg: ClassRegistration) -> ClassRegistration:
    """The registration as it is under its offering's lock; refused if no longer live."""
    lock_offering(session, reg.offering_id)
    session.refresh(reg)
    if not reg.status.is_live:
        raise Conflict(NOT_LIVE)
    return reg


def stale() -> Conflict:
    return Conflict(_l("This registration changed while you were editing it: check it again."))


def promote_classes(
    session: Session, *, offering_id: int, now: datetime, actor_id: int | None = None
) -> list[ClassRegistration]:
    """Under the offering's lock: confirm every waiting class, in the order they registered,
    in the first of its sessions (not started yet) where it fits whole, and tell them. One
    pass is enough: seats only shrink as it goes, so a class skipped would not fit later."""
    offering = session.get(Offering, offering_id)
    if offering.status != OfferingStatus.PUBLISHED:
        return []
    starts = {meeting.id: meeting.starts_at for meeting in offering.sessions}
    waiting = session.scalars(
        select(ClassRegistration)
        .where(
            ClassRegistration.offering_id == offering_id,
            ClassRegistration.status == ClassStatus.WAITING,
        )
        .options(selectinload(ClassRegistration.choices))
        .order_by(ClassRegistration.id)
    ).all()
    promoted = []
    for reg in waiting:
        for sid in reg.choice_ids:
            if starts[sid] <= now or not take_seats(session, sid, reg.pupils):
                continue
            if transition(
                session,
                reg,
                now,
                actor_id,
                "promoted",
                status=ClassStatus.CONFIRMED,
                session_id=sid,
            ):
                session.flush()
                notify(session, reg, "class_promoted")
                promoted.append(reg)
            else:
                release_seats(session, sid, reg.pupils)
            break
    return promoted

"""Registering a whole class, changing its pupil count or session, cancelling and
declining it, and staff confirming a waiting class. The seats move through
services.schools.seats, under the offering's lock (see there)."""

from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from app.models import (
    LIVE_CLASS_STATUSES,
    ClassChoice,
    ClassRegistration,
    ClassSession,
    ClassStatus,
    Offering,
    OfferingSession,
    User,
)
from app.services import audit, indicators
from app.services.enrolment import lock_offering
from app.services.errors import Conflict, DomainError, Forbidden
from app.services.indicators.definitions import CLASSES
from app.services.schools.membership import school_of
from app.services.schools.rules import (
    ClassDetails,
    before_deadline,
    check_details,
    check_fits_capacity,
    check_open,
    class_offering,
    ensure_class_sessions,
    group_key,
    rules_of,
    teachers_needed,
)
from app.services.schools.seats import (
    locked,
    notify,
    promote_classes,
    record_event,
    release_seats,
    stale,
    take_seats,
    transition,
)

MAX_CHOICES = 3  # the chosen session and two alternatives
STAFF_FIELDS = ("status", "session_id", "pupils", "decline_reason")
_record_class = audit.recorder("class_registration")


class ClassRefused(Conflict):
    """The offering's rules do not let this class in (cap per school, duplicate, full)."""


def live_classes(session: Session, offering_id: int, school_id: int) -> int:
    return session.scalar(
        select(func.count())
        .select_from(ClassRegistration)
        .where(
            ClassRegistration.offering_id == offering_id,
            ClassRegistration.school_id == school_id,
            ClassRegistration.status.in_(LIVE_CLASS_STATUSES),
        )
    )


def _check_cap(session: Session, offering: Offering, school_id: int) -> None:
    cap = rules_of(session, offering).max_classes_per_school
    if cap is not None and live_classes(session, offering.id, school_id) >= cap:
        raise ClassRefused(
            _l(
                "Each school can register %(cap)s classes at most for this activity, and "
                "yours already has. Cancel one to register another.",
                cap=cap,
            )
        )


def _check_choices(offering: Offering, session_ids: list[int], now: datetime) -> None:
    ours = {meeting.id: meeting for meeting in offering.sessions}
    if not session_ids:
        raise DomainError(_l("Choose a session."), "session")
    if len(set(session_ids)) != len(session_ids) or len(session_ids) > MAX_CHOICES:
        raise DomainError(_l("Choose each alternative session once."), "alternatives")
    if any(sid not in ours for sid in session_ids):
        raise DomainError(_l("Choose sessions of this activity."), "session")
    if any(ours[sid].starts_at <= now for sid in session_ids):
        raise DomainError(_l("That session has already started."), "session")


def _check_not_registered(
    session: Session, school_id: int, key: str, session_ids, other_than: int | None = None
) -> None:
    taken = session.scalar(
        select(ClassRegistration.id).where(
            ClassRegistration.school_id == school_id,
            ClassRegistration.group_key == key,
            ClassRegistration.session_id.in_(session_ids),
            ClassRegistration.status.in_(LIVE_CLASS_STATUSES),
            ClassRegistration.id != (other_than or 0),
        )
    )
    if taken is not None:
        raise ClassRefused(
            _l("Your school has already registered a class of this name for this session."),
            "group_name",
        )


def _record_staff(session: Session, reg: ClassRegistration, actor_id, action, before) -> None:
    """The back office's changes to a class, in the audit log (teachers' own are in its
    status history)."""
    old, new = audit.changed(before, audit.snapshot(reg, STAFF_FIELDS))
    summary = f"{reg.group_name} ({reg.school.name}): {action}"
    _record_class(session, reg, actor_id, f"class.{action}", summary, old, new)


def teacher_school_id(user: User, school_id: int | None = None) -> int:
    """The school a teacher acts for: theirs, never another."""
    school = school_of(user)
    if school is None:
        raise Forbidden(_l("Only teachers of a school can register classes: join yours first."))
    if school_id is not None and school_id != school.id:
        raise Forbidden(_l("You can only act for your own school."))
    return school.id


def register_class(
    session: Session,
    *,
    offering_id: int,
    teacher_id: int,
    session_ids: list[int],
    details: ClassDetails,
    now: datetime,
    school_id: int | None = None,
) -> ClassRegistration:
    """Confirm a class in the first of its sessions where it fits whole, or put it on the
    waiting list of all of them. Nothing is stored on a refusal."""
    teacher = session.get(User, teacher_id)
    school = teacher_school_id(teacher, school_id)
    offering = class_offering(session, offering_id)
    check_open(offering, now)
    rules = rules_of(session, offering)
    problems = check_details(rules, details)
    if problems:
        raise DomainError(problems=problems)
    _check_choices(offering, session_ids, now)
    key = group_key(details.group_name)
    _check_not_registered(session, school, key, session_ids)

    offering = lock_offering(session, offering.id)
    check_open(offering, now)  # again: staff may have cancelled it meanwhile
    _check_cap(session, offering, school)
    seats = ensure_class_sessions(session, offering)
    capacities = {sid: seats[sid].capacity for sid in session_ids}
    check_fits_capacity(capacities, session_ids[:1], details.pupils, "pupils")
    check_fits_capacity(capacities, session_ids[1:], details.pupils, "alternatives")
    placed = next((sid for sid in session_ids if take_seats(session, sid, details.pupils)), None)
    reg = ClassRegistration(
        offering=offering,
        school_id=school,
        teacher=teacher,
        session_id=placed or session_ids[0],
        status=ClassStatus.CONFIRMED if placed else ClassStatus.WAITING,
        group_name=" ".join(details.group_name.split()),
        group_key=key,
        stage=details.stage,
        grade=details.grade.strip(),
        pupils=details.pupils,
        teachers=details.teachers,
        accessibility=details.accessibility.strip() or None,
        phone=details.phone.strip(),
        created_at=now,
        updated_at=now,
        choices=[ClassChoice(rank=rank, session_id=sid) for rank, sid in enumerate(session_ids)],
    )
    record_event(reg, now, teacher_id, "registered")
    session.add(reg)
    try:
        session.flush()
    except IntegrityError as error:  # the same class sent twice at the same moment
        raise ClassRefused(
            _l("Your school has already registered a class of this name for this session."),
            "group_name",
        ) from error
    indicators.offering_changed(session, reg.offering_id, CLASSES)
    notify(session, reg, "class_confirmed" if placed else "class_waiting")
    return reg


def change_pupils(
    session: Session,
    reg: ClassRegistration,
    *,
    pupils: int | None,
    teachers: int | None,
    actor_id: int,
    now: datetime,
) -> list[ClassRegistration]:
    """A new headcount (and teachers). More pupils only before the deadline and only if they
    fit; fewer free seats at once for the waiting classes. Confirms the final headcount.
    Returns the classes promoted."""
    offering = reg.offering
    rules = rules_of(session, offering)
    needed = teachers_needed(rules, pupils or 1)
    if pupils is None or pupils < 1:
        raise DomainError(_l("A class has one pupil at least."), "pupils")
    if teachers is None or teachers < needed:
        raise DomainError(
            _l("Bring %(needed)s accompanying teachers at least.", needed=needed), "teachers"
        )
    reg = locked(session, reg)
    if reg.meeting.starts_at <= now:
        raise Conflict(_l("The session has started: the count can no longer change."))
    delta = pupils - reg.pupils
    if delta > 0 and not before_deadline(offering, now):
        raise Conflict(
            _l("The deadline has passed: you can lower the number of pupils, not raise it."),
            "pupils",
        )
    seats = ensure_class_sessions(session, offering)
    check_fits_capacity(
        {sid: seats[sid].capacity for sid in reg.choice_ids}, reg.choice_ids[:1], pupils
    )
    held = reg.status == ClassStatus.CONFIRMED
    if held and delta > 0 and not take_seats(session, reg.session_id, delta):
        raise ClassRefused(
            _l(
                "%(pupils)s pupils no longer fit in this session: %(left)s more seats are "
                "free. Keep the count, or move the class to another session.",
                pupils=pupils,
                left=seats[reg.session_id].capacity - seats[reg.session_id].pupils_taken,
            ),
            "pupils",
        )
    if held and delta < 0:
        release_seats(session, reg.session_id, -delta)
    if not transition(session, reg, now, actor_id, "pupils", pupils=pupils, teachers=teachers):
        raise stale()
    reg.headcount_confirmed_at = now
    session.flush()
    return promote_classes(session, offering_id=reg.offering_id, now=now, actor_id=actor_id)


def move_class(
    session: Session,
    reg: ClassRegistration,
    *,
    session_id: int | None,
    actor_id: int,
    now: datetime,
    by_staff: bool = False,
) -> list[ClassRegistration]:
    """Confirm the class in another session of the offering, where it must fit whole; its
    old seats go to the waiting classes. Teachers move before the deadline, staff any time
    before the session. Returns the classes promoted."""
    offering = reg.offering
    if not by_staff and not before_deadline(offering, now):
        raise Conflict(_l("The deadline has passed: ask the organisers to move the class."))
    staying = session_id == reg.session_id and reg.status == ClassStatus.CONFIRMED
    if session_id is None or staying:
        raise DomainError(_l("Choose another session."), "session")
    _check_choices(offering, [session_id], now)
    reg = locked(session, reg)
    before = audit.snapshot(reg, STAFF_FIELDS)
    _check_not_registered(session, reg.school_id, reg.group_key, [session_id], reg.id)
    seats = ensure_class_sessions(session, offering)
    check_fits_capacity(
        {session_id: seats[session_id].capacity}, [session_id], reg.pupils, "session"
    )
    if not take_seats(session, session_id, reg.pupils):
        raise ClassRefused(
            _l(
                "The class does not fit in that session: %(left)s seats are free.",
                left=seats[session_id].pupils_left,
            ),
            "session",
        )
    if reg.status == ClassStatus.CONFIRMED:
        release_seats(session, reg.session_id, reg.pupils)
    moved = transition(
        session, reg, now, actor_id, "moved", status=ClassStatus.CONFIRMED, session_id=session_id
    )
    if not moved:
        raise stale()
    reg.choices = [ClassChoice(rank=0, session_id=session_id)]
    session.flush()
    if by_staff:
        _record_staff(session, reg, actor_id, "move", before)
        notify(session, reg, "class_moved")
    return promote_classes(session, offering_id=reg.offering_id, now=now, actor_id=actor_id)


def end_class(
    session: Session,
    reg: ClassRegistration,
    *,
    actor_id: int,
    now: datetime,
    reason: str | None = None,
) -> list[ClassRegistration]:
    """Cancel (the school) or, with staff's ``reason``, decline a class; the teacher is
    told by email; its seats go to the waiting classes. Returns the classes promoted."""
    if reason is not None and not reason.strip():
        raise DomainError(_l("Say why: the teacher reads it in the email."), "reason")
    reg = locked(session, reg)
    before = audit.snapshot(reg, STAFF_FIELDS)
    if reg.meeting.starts_at <= now and reg.status == ClassStatus.CONFIRMED:
        raise Conflict(_l("The session has started: the class can no longer be cancelled."))
    held = reg.status == ClassStatus.CONFIRMED
    status = ClassStatus.CANCELLED if reason is None else ClassStatus.DECLINED
    if not transition(session, reg, now, actor_id, status.value, status=status):
        raise stale()
    reg.decline_reason = reason.strip() if reason else None
    if held:
        release_seats(session, reg.session_id, reg.pupils)
    session.flush()
    if reason is not None:
        _record_staff(session, reg, actor_id, "decline", before)
    notify(session, reg, "class_cancelled" if reason is None else "class_declined")
    if not held:
        return []
    return promote_classes(session, offering_id=reg.offering_id, now=now, actor_id=actor_id)


def confirm_class(
    session: Session, reg: ClassRegistration, *, actor_id: int, now: datetime
) -> ClassRegistration:
    """Staff confirm a waiting class in its chosen session, if it fits whole there."""
    if reg.status != ClassStatus.WAITING:
        raise Conflict(_l("This class is not waiting."))
    reg = locked(session, reg)
    before = audit.snapshot(reg, STAFF_FIELDS)
    seats = ensure_class_sessions(session, reg.offering)
    if reg.status != ClassStatus.WAITING or not take_seats(session, reg.session_id, reg.pupils):
        raise ClassRefused(
            _l(
                "The class does not fit in its session: %(left)s seats are free. Raise the "
                "session's capacity or move the class to another session.",
                left=seats[reg.session_id].pupils_left,
            )
        )
    if not transition(session, reg, now, actor_id, "confirmed", status=ClassStatus.CONFIRMED):
        raise stale()
    session.flush()
    _record_staff(session, reg, actor_id, "confirm", before)
    notify(session, reg, "class_promoted")
    return reg


def end_offering_classes(
    session: Session, offering_id: int, *, now: datetime, actor_id: int | None = None
) -> list[ClassRegistration]:
    """The offering has just been cancelled (services.offerings): every live class, confirmed
    or waiting, ends as OFFERING_CANCELLED, nobody is promoted, every session's seats are
    freed, and each teacher is told. Returns the classes ended.

    Called in the cancellation's transaction, after its UPDATE of the offering row: that
    holds the offering's lock, so no class changes meanwhile, and the counters are freed
    before the registrations (the lock order). Each class ends only from the status read
    (compare-and-set): asking again ends nothing."""
    meetings = select(OfferingSession.id).where(OfferingSession.offering_id == offering_id)
    session.execute(
        update(ClassSession)
        .where(ClassSession.session_id.in_(meetings))
        .values(pupils_taken=0)
        .execution_options(synchronize_session=False)
    )
    live = session.scalars(
        select(ClassRegistration)
        .where(
            ClassRegistration.offering_id == offering_id,
            ClassRegistration.status.in_(LIVE_CLASS_STATUSES),
        )
        .order_by(ClassRegistration.id)
    ).all()
    cancelled = ClassStatus.OFFERING_CANCELLED
    ended = [
        reg
        for reg in live
        if transition(session, reg, now, actor_id, "offering-cancelled", status=cancelled)
    ]
    session.flush()
    for reg in ended:
        notify(session, reg, "class_offering_cancelled")
    return ended

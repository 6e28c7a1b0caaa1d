"""Attendance at each session and completion of the offering, ticked in bulk by staff;
each save is one audit entry."""

from collections.abc import Collection
from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.models import Attendance, Enrolment, Offering, OfferingSession
from app.services import audit, indicators
from app.services.enrolment.participants import confirmed_participants
from app.services.errors import DomainError
from app.services.indicators.definitions import LEARNING

_record_session = audit.recorder("session")
_record_offering = audit.recorder("offering")


def _check_participants(chosen: Collection[int], participants: list[Enrolment], field: str):
    unknown = set(chosen) - {e.id for e in participants}
    if unknown:
        raise DomainError(
            _l("Someone in the list no longer has a confirmed place: reload the page."), field
        )


def attendance_marks(session: Session, session_id: int) -> dict[int, bool]:
    """enrolment id -> present, for whoever has been marked at this session."""
    rows = session.execute(
        select(Attendance.enrolment_id, Attendance.present).where(
            Attendance.session_id == session_id
        )
    )
    return {enrolment_id: present for enrolment_id, present in rows}


def mark_attendance(
    session: Session,
    offering_session: OfferingSession,
    *,
    present: Collection[int],
    actor_id: int,
    now: datetime,
) -> tuple[int, int]:
    """Everyone confirmed is marked: present if chosen, absent otherwise. Returns
    (present, marked)."""
    participants = confirmed_participants(session, offering_session.offering_id)
    _check_participants(present, participants, "present")
    existing = {
        row.enrolment_id: row
        for row in session.scalars(
            select(Attendance).where(Attendance.session_id == offering_session.id)
        )
    }
    before, after = {}, {}
    for participant in participants:
        is_present = participant.id in present
        row = existing.get(participant.id)
        if row is not None and row.present == is_present:
            continue
        before[participant.id] = None if row is None else row.present
        after[participant.id] = is_present
        if row is None:
            row = Attendance(enrolment_id=participant.id, session_id=offering_session.id)
            session.add(row)
        row.present = is_present
        row.marked_at = now
        row.marked_by_id = actor_id
    session.flush()
    indicators.offering_changed(session, offering_session.offering_id, LEARNING)
    count = sum(1 for participant in participants if participant.id in present)
    summary = (
        f"Attendance of session {offering_session.id} (offering "
        f"{offering_session.offering_id}): {count} present of {len(participants)}"
    )
    _record_session(session, offering_session, actor_id, "attendance.mark", summary, before, after)
    return count, len(participants)


def mark_completion(
    session: Session,
    offering: Offering,
    *,
    completed: Collection[int],
    actor_id: int,
    now: datetime,
) -> tuple[int, int]:
    """Everyone confirmed: completed if chosen (keeping the first date it was marked),
    not completed otherwise. Returns (completed, participants)."""
    participants = confirmed_participants(session, offering.id)
    _check_participants(completed, participants, "completed")
    before, after = {}, {}
    for participant in participants:
        done = participant.id in completed
        if done == (participant.completed_at is not None):
            continue
        before[participant.id] = audit.snapshot(participant, ["completed_at"])["completed_at"]
        participant.completed_at = now if done else None
        after[participant.id] = audit.snapshot(participant, ["completed_at"])["completed_at"]
    session.flush()
    indicators.offering_changed(session, offering.id, LEARNING)
    count = sum(1 for participant in participants if participant.id in completed)
    summary = f"Completion of offering {offering.id}: {count} of {len(participants)}"
    _record_offering(session, offering, actor_id, "enrolment.complete", summary, before, after)
    return count, len(participants)

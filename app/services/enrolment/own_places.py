"""A person's own places: the list in their account, and giving one back."""

from dataclasses import dataclass, field
from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from app.models import (
    Enrolment,
    EnrolmentStatus,
    Offering,
)
from app.services.enrolment.places import (
    EnrolmentGone,
    EnrolmentRefused,
    notify,
    release,
    waiting_position,
)
from app.services.owned import get_owned


def get_own_enrolment(session: Session, enrolment_id: int, user_id: int) -> Enrolment:
    """The one access rule for a participant's own enrolment: someone else's is not found."""
    return get_owned(
        session, Enrolment, enrolment_id, user_id, _l("We could not find that enrolment.")
    )


@dataclass
class ParticipantEnrolments:
    """A person's places as "my enrolments" shows them."""

    upcoming: list[Enrolment] = field(default_factory=list)
    waiting: list[tuple[Enrolment, int]] = field(default_factory=list)  # with position
    past: list[Enrolment] = field(default_factory=list)  # ended, or no longer live


def participant_enrolments(session: Session, user_id: int, now: datetime) -> ParticipantEnrolments:
    """Confirmed places still to come and waiting places (soonest first), then the rest."""
    rows = session.scalars(
        select(Enrolment)
        .join(Enrolment.offering)
        .where(Enrolment.user_id == user_id)
        .options(selectinload(Enrolment.offering).selectinload(Offering.sessions))
        .order_by(Offering.starts_at, Enrolment.id)
    )
    result = ParticipantEnrolments()
    for enrolment in rows:
        ended = enrolment.offering.ends_at is not None and enrolment.offering.ends_at < now
        if ended or not enrolment.status.is_live:
            result.past.append(enrolment)
        elif enrolment.status == EnrolmentStatus.CONFIRMED:
            result.upcoming.append(enrolment)
        else:
            result.waiting.append((enrolment, waiting_position(session, enrolment)))
    result.past.reverse()  # most recent first
    return result


def can_cancel(enrolment: Enrolment, now: datetime) -> bool:
    """A waiting place can always be given up; a confirmed one until the offering's deadline."""
    if enrolment.status == EnrolmentStatus.WAITING:
        return True
    deadline = enrolment.offering.cancellation_deadline
    return enrolment.status == EnrolmentStatus.CONFIRMED and (deadline is None or now < deadline)


def check_cancellable(enrolment: Enrolment, now: datetime) -> None:
    """Raise the reason why the person cannot give this place back now."""
    if not enrolment.status.is_live:
        raise EnrolmentGone(_l("This enrolment is already cancelled."))
    if not can_cancel(enrolment, now):
        raise EnrolmentRefused(
            _l("The deadline to cancel this place has passed. Please contact the organiser.")
        )


def cancel_enrolment(
    session: Session,
    *,
    enrolment_id: int,
    user_id: int,
    now: datetime,
    actor_id: int | None = None,
) -> Enrolment:
    """Give a place back; a confirmed seat passes at once to the first person waiting."""
    from app.services.applications.applying import give_up_place  # it builds on this package

    enrolment = get_own_enrolment(session, enrolment_id, user_id)
    check_cancellable(enrolment, now)
    if not give_up_place(session, enrolment, now=now, actor_id=actor_id):
        release(session, enrolment, now=now, status=EnrolmentStatus.CANCELLED, actor_id=actor_id)
    notify(session, enrolment, "enrolment_cancelled")
    return enrolment

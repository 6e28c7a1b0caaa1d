"""Telling participants when staff change or cancel an offering.

Like every service these write outbox rows in the caller's transaction and never commit."""

from collections.abc import Iterable
from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from app.models import (
    LIVE_ENROLMENT_STATUSES,
    Enrolment,
    EnrolmentStatus,
    Offering,
    OfferingStatus,
)
from app.models.types import LabelledEnum
from app.services import indicators
from app.services.enrolment import notify, transition
from app.services.errors import Conflict, NotFound


class OfferingChange(LabelledEnum):
    """What staff changed, as participants read it. The label is lazy, so each email shows
    it in its reader's language, not the language of the staff member who made the change."""

    DATES = "dates", _l("Dates and times")
    VENUE = "venue", _l("Venue or address")
    FORMAT = "format", _l("Format (in person or online)")
    CONTENT = "content", _l("Programme and description")
    CAPACITY = "capacity", _l("Number of places")


def live_enrolments(session: Session, offering_id: int) -> list[Enrolment]:
    """The offering's confirmed and waiting places, in the order they were taken."""
    live = Enrolment.status.in_(LIVE_ENROLMENT_STATUSES)
    stmt = select(Enrolment).where(Enrolment.offering_id == offering_id, live)
    return list(session.scalars(stmt.order_by(Enrolment.id)))


def notify_offering_changed(
    session: Session, offering: Offering, now: datetime, what_changed: Iterable[OfferingChange]
) -> list[Enrolment]:
    """Tell every live participant (confirmed and waiting) what staff changed.

    Call it after the change is applied (and flushed): the email shows the offering as it is
    now. Nothing is sent about an offering that has already ended."""
    changes = list(what_changed)
    if not changes:
        raise ValueError("what_changed must name at least one change")
    if offering.ends_at is not None and offering.ends_at <= now:
        return []
    enrolments = live_enrolments(session, offering.id)
    for enrolment in enrolments:
        notify(session, enrolment, "offering_changed", changes=changes, now=now)
    session.flush()
    return enrolments


def cancel_offering(
    session: Session, offering_id: int, now: datetime, actor_id: int | None = None
) -> list[Enrolment]:
    """Cancel a published offering: every live enrolment ends as OFFERING_CANCELLED (nobody is
    promoted), every seat is freed, and each person is told. Returns the enrolments ended.

    The status change is a conditional UPDATE of the offering row, so two staff members
    cancelling at once end the enrolments once; asking again for a cancelled offering is a
    no-op (a double-clicked submit). Each enrolment changes only from the status read
    (compare-and-set), so a place its owner gives up at the same moment is not ended twice."""
    offering = session.get(Offering, offering_id)
    if offering is None:
        raise NotFound(_l("This offering does not exist."))
    cancelled = session.execute(
        update(Offering)
        .where(Offering.id == offering_id, Offering.status == OfferingStatus.PUBLISHED)
        .values(status=OfferingStatus.CANCELLED, seats_taken=0, updated_at=now)
        .execution_options(synchronize_session=False)
    )
    session.refresh(offering)
    if cancelled.rowcount != 1:
        if offering.status == OfferingStatus.CANCELLED:
            return []
        raise Conflict(_l("Only a published offering can be cancelled."))
    indicators.mark_offering(session, offering_id)
    ended = [
        enrolment
        for enrolment in live_enrolments(session, offering_id)
        if transition(
            session,
            enrolment,
            EnrolmentStatus.OFFERING_CANCELLED,
            now,
            actor_id,
            "offering-cancelled",
        )
    ]
    session.flush()
    for enrolment in ended:
        notify(session, enrolment, "offering_cancelled")
    return ended

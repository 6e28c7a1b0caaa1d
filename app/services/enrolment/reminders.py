"""Reminders before an offering starts (`flask --app wsgi reminders send`), idempotent:
each place is reminded once."""

from datetime import datetime, timedelta

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from app.models import (
    Enrolment,
    EnrolmentStatus,
    Offering,
    OfferingStatus,
)
from app.services.enrolment.places import notify

REMINDER_WINDOW = timedelta(hours=48)


def remind_upcoming(
    session: Session, now: datetime, within: timedelta = REMINDER_WINDOW
) -> list[Enrolment]:
    """Remind every confirmed participant of a published offering starting within ``within``.

    Each reminder is claimed by a conditional UPDATE of ``reminded_at`` in the same
    transaction as its outbox row, so running this twice, even at the same time, reminds once.
    """
    candidates = session.scalars(
        select(Enrolment)
        .join(Enrolment.offering)
        .where(
            Enrolment.status == EnrolmentStatus.CONFIRMED,
            Enrolment.reminded_at.is_(None),
            Offering.status == OfferingStatus.PUBLISHED,
            Offering.starts_at > now,
            Offering.starts_at <= now + within,
        )
        .order_by(Offering.starts_at, Enrolment.id)
    ).all()
    reminded = []
    for enrolment in candidates:
        claimed = session.execute(
            update(Enrolment)
            .where(Enrolment.id == enrolment.id, Enrolment.reminded_at.is_(None))
            .values(reminded_at=now)
        )
        if claimed.rowcount != 1:
            continue
        notify(session, enrolment, "enrolment_reminder", now=now)
        reminded.append(enrolment)
    session.flush()
    return reminded

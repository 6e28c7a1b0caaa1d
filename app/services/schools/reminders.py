"""A reminder before the day, asking the teacher to confirm the final headcount
(`flask --app wsgi reminders send` sends these with the enrolment reminders), idempotent:
each class is reminded once."""

from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.models import ClassRegistration, ClassStatus, Offering, OfferingSession
from app.services.enrolment import REMINDER_WINDOW, remind_starting
from app.services.schools.seats import notify


def remind_headcounts(
    session: Session, now: datetime, within: timedelta = REMINDER_WINDOW
) -> list[ClassRegistration]:
    """Remind every confirmed class whose session starts within ``within``, once."""
    return remind_starting(
        session,
        select(ClassRegistration)
        .join(OfferingSession, ClassRegistration.session_id == OfferingSession.id)
        .join(Offering, ClassRegistration.offering_id == Offering.id),
        ClassRegistration,
        confirmed=ClassStatus.CONFIRMED,
        starts_at=OfferingSession.starts_at,
        now=now,
        within=within,
        send=lambda reg: notify(session, reg, "class_headcount_reminder"),
    )

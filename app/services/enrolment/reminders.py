"""Reminders before an offering starts (`flask --app wsgi reminders send`), idempotent:
each place is reminded once."""

from collections.abc import Callable
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

    Each place is reminded once (``remind_once``), however often this runs.
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
    return remind_once(
        session,
        Enrolment,
        candidates,
        now,
        lambda enrolment: notify(session, enrolment, "enrolment_reminder", now=now),
    )


def remind_once(session: Session, model, rows, now: datetime, send: Callable) -> list:
    """``send(row)`` for each of ``rows`` (of ``model``, with a ``reminded_at`` column) not
    reminded yet: each is claimed by a conditional UPDATE in the same transaction as its
    email, so a second run, even at the same moment, sends nothing twice."""
    reminded = []
    for row in rows:
        claimed = session.execute(
            update(model)
            .where(model.id == row.id, model.reminded_at.is_(None))
            .values(reminded_at=now)
        )
        if claimed.rowcount != 1:
            continue
        send(row)
        reminded.append(row)
    session.flush()
    return reminded

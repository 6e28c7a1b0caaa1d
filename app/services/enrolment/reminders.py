"""Reminders before an offering starts (`flask --app wsgi reminders send`), idempotent:
each place is reminded once."""

from collections.abc import Callable
from datetime import datetime, timedelta

from sqlalchemy import Select, select, update
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
    return remind_starting(
        session,
        select(Enrolment).join(Enrolment.offering),
        Enrolment,
        confirmed=EnrolmentStatus.CONFIRMED,
        starts_at=Offering.starts_at,
        now=now,
        within=within,
        send=lambda enrolment: notify(session, enrolment, "enrolment_reminder", now=now),
    )


def remind_starting(
    session: Session,
    query: Select,
    model,
    *,
    confirmed,
    starts_at,
    now: datetime,
    within: timedelta,
    send: Callable,
) -> list:
    """``send(row)`` once for each row of ``query`` (of ``model``) in its ``confirmed``
    status, not reminded yet, of a published offering whose ``starts_at`` falls within
    ``within`` from now; earliest first."""
    candidates = session.scalars(
        query.where(
            model.status == confirmed,
            model.reminded_at.is_(None),
            Offering.status == OfferingStatus.PUBLISHED,
            starts_at > now,
            starts_at <= now + within,
        ).order_by(starts_at, model.id)
    ).all()
    return remind_once(session, model, candidates, now, send)


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

"""The cohort's places: taken by an acceptance, freed by a withdrawal or a lapse, and
offered to the reserve list in its order.

Every place is one of the offering's seats, taken and freed through enrolment.places (one
conditional UPDATE under the offering's row lock): the cohort size is never exceeded, on
SQLite or PostgreSQL, and a withdrawal racing an offer to the reserve waits for it."""

from datetime import datetime, timedelta

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.models import Application, ApplicationStatus, Offering
from app.services.applications.states import RESERVE_ORDER, notify, transition
from app.services.enrolment import places
from app.services.errors import Conflict


class CohortFull(Conflict):
    def __init__(self, size: int):
        super().__init__(
            _l(
                "The cohort is full: %(size)s places are already accepted. Withdraw another "
                "acceptance first.",
                size=size,
            ),
            "decision",
        )


def take_place(session: Session, offering_id: int) -> None:
    """One of the cohort's places, or CohortFull."""
    offering = places.lock_offering(session, offering_id)
    if not places._take_seat(session, offering_id):
        raise CohortFull(offering.capacity)
    session.refresh(offering, ["seats_taken"])


def give_back_place(session: Session, offering_id: int) -> None:
    places.lock_offering(session, offering_id)
    places._release_seat(session, offering_id)


def confirm_deadline(offering: Offering, now: datetime) -> datetime:
    """When an offered place must be confirmed: some days from now, never after the start."""
    deadline = now + timedelta(days=current_app.config["APPLICATION_CONFIRM_DAYS"])
    if offering.starts_at is not None and offering.starts_at < deadline:
        return max(offering.starts_at, now)
    return deadline


def offer_reserve(
    session: Session, offering_id: int, *, now: datetime, actor_id: int | None
) -> list[Application]:
    """Every free place to the first on the reserve list, in order, each told by email with
    the date to confirm by. Nothing moves once the programme has started."""
    offering = places.lock_offering(session, offering_id)
    reserve = (
        select(Application)
        .where(
            Application.offering_id == offering_id,
            Application.status == ApplicationStatus.RESERVE,
            Application.pending_decision.is_(None),
        )
        .order_by(*RESERVE_ORDER)
    )
    return places.fill_free_seats(
        session,
        offering,
        now=now,
        line=reserve,
        promote=lambda first: transition(
            session,
            first,
            ApplicationStatus.ACCEPTED,
            now,
            actor_id,
            "offered-from-reserve",
            accepted_at=now,
            decided_at=now,
            confirm_by=confirm_deadline(offering, now),
        ),
        tell=lambda first: notify(session, first, from_reserve=True),
    )


def free_place(
    session: Session, offering_id: int, *, now: datetime, actor_id: int | None
) -> list[Application]:
    """A place given back: to the reserve list at once."""
    give_back_place(session, offering_id)
    session.flush()
    return offer_reserve(session, offering_id, now=now, actor_id=actor_id)


def expire_unconfirmed(session: Session, *, now: datetime) -> tuple[int, int]:
    """Offered places not confirmed by their date lapse and pass to the reserve list
    (``flask applications expire``, from cron; running it twice changes nothing more).
    Returns (lapsed, offered)."""
    lapsed = offered = 0
    due = session.scalars(
        select(Application)
        .where(
            Application.status == ApplicationStatus.ACCEPTED,
            Application.confirm_by < now,
        )
        .order_by(Application.offering_id, Application.id)
    ).all()
    for application in due:
        places.lock_offering(session, application.offering_id)
        if not transition(session, application, ApplicationStatus.LAPSED, now, None, "lapsed"):
            continue  # confirmed or withdrawn at the last moment
        session.flush()
        notify(session, application)
        lapsed += 1
        offered += len(free_place(session, application.offering_id, now=now, actor_id=None))
    return lapsed, offered

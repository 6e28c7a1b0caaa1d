"""Reading the public offer: one published offering, and the next ones to start."""

from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import Session as DbSession
from sqlalchemy.orm import joinedload

from app.models import Offering, OfferingStatus
from app.services.catalogue.listing import card_loads, with_places_left
from app.services.errors import NotFound

PUBLIC_STATUSES = (OfferingStatus.PUBLISHED, OfferingStatus.CANCELLED)


class OfferingGone(NotFound):
    """No such offering in public: it never was, or it is a draft or archived."""

    def __init__(self):
        super().__init__(_l("This offering does not exist or is no longer published."))


def get_public(session: DbSession, offering_id: int) -> Offering:
    """A published (or publicly cancelled) offering; drafts and archived ones do not exist.
    What its page and its open data show is loaded with it (no query per relation)."""
    offering = session.get(Offering, offering_id, options=card_loads())
    if offering is None or offering.status not in PUBLIC_STATUSES:
        raise OfferingGone()
    return offering


def upcoming(session: DbSession, now: datetime, limit: int) -> list[Offering]:
    """The next published offerings to start that one can still join (places left,
    enrolment open), with what a short listing shows loaded."""
    statement = (
        select(Offering)
        .where(
            Offering.status == OfferingStatus.PUBLISHED,
            Offering.starts_at >= now,
            *with_places_left(now),
        )
        .options(joinedload(Offering.programme), joinedload(Offering.municipality))
        .order_by(Offering.starts_at, Offering.id)
        .limit(limit)
    )
    return list(session.scalars(statement))

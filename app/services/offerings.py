"""Offerings: reading the public ones and keeping their sessions and search terms in step."""

from collections.abc import Iterable
from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Session as DbSession

from app.models import Offering, OfferingStatus, Session
from app.services.errors import NotFound

PUBLIC_STATUSES = (OfferingStatus.PUBLISHED, OfferingStatus.CANCELLED)


def get_public(session: DbSession, offering_id: int) -> Offering:
    """A published (or publicly cancelled) offering; drafts and archived ones do not exist."""
    offering = session.get(Offering, offering_id)
    if offering is None or offering.status not in PUBLIC_STATUSES:
        raise NotFound(_l("This offering does not exist or is no longer published."))
    return offering


def set_sessions(offering: Offering, spans: Iterable[tuple[datetime, datetime]]) -> None:
    """Replace the offering's sessions; its first start and last end follow them."""
    ordered = sorted(spans)
    offering.sessions = [Session(starts_at=start, ends_at=end) for start, end in ordered]
    offering.starts_at = ordered[0][0] if ordered else None
    offering.ends_at = max(end for _, end in ordered) if ordered else None

"""The offer and the map in the figures as they change.

Every flushed change to an offering, its sessions or an organisation marks the years it
touches, and the commit re-counts their ``structure`` group (members, agents, offerings,
places, hours) in the same transaction, whichever path made the change: the back office, an
import, the demo, a school proposed by a teacher. Seats move through SQL, not the ORM, so an
enrolment marks nothing."""

from datetime import datetime
from itertools import chain

from sqlalchemy import event, inspect, select, union
from sqlalchemy.orm import Session, SessionTransaction

from app.localtime import MADRID
from app.models import IndicatorDelta, IndicatorValue, Offering, OfferingSession, Organisation
from app.models.types import utcnow
from app.services.indicators import definitions as d
from app.services.indicators.compute import year_of
from app.services.indicators.store import FIRST_YEAR, refresh

# What an offering's and an organisation's figures are made of.
OFFERING_FACTS = ("status", "capacity", "starts_at", "programme_id", "kind", "municipality_id")
ORGANISATION_FACTS = ("kind", "sector", "municipality_id", "member_since", "member_until")
_YEARS, _OFFERINGS, _SINCE = "indicator_years", "indicator_offerings", "indicator_since"


def _changed(session: Session, obj, facts: tuple[str, ...]) -> bool:
    if obj in session.new or obj in session.deleted:
        return True
    state = inspect(obj)
    return any(state.attrs[name].history.has_changes() for name in facts)


def _years(obj, name: str) -> set[int]:
    """The years of a date or time attribute's values, before and after the flush."""
    history = inspect(obj).attrs[name].history
    moments = [m for m in chain(history.added, history.unchanged, history.deleted) if m]
    return {year_of(m) if isinstance(m, datetime) else m.year for m in moments}


def mark_offering(session: Session, offering_id: int) -> None:
    """An offering changed by a plain UPDATE (cancelled, its capacity set under the lock),
    which the ORM does not see: counted again at commit like the rest."""
    session.info.setdefault(_OFFERINGS, set()).add(offering_id)


@event.listens_for(Session, "after_flush")
def _mark(session: Session, _context) -> None:
    years, offerings, since = set(), set(), set()
    for obj in chain(session.new, session.dirty, session.deleted):
        if isinstance(obj, OfferingSession) and (
            obj in session.new or obj in session.deleted or session.is_modified(obj)
        ):
            offerings.add(obj.offering_id)
        elif isinstance(obj, Offering) and _changed(session, obj, OFFERING_FACTS):
            offerings.add(obj.id)
            years |= _years(obj, "starts_at")
        elif isinstance(obj, Organisation) and _changed(session, obj, ORGANISATION_FACTS):
            since |= _years(obj, "created_at") | _years(obj, "member_since")
    for key, found in ((_YEARS, years), (_OFFERINGS, offerings), (_SINCE, since)):
        if found:
            session.info.setdefault(key, set()).update(found)


def _stored_years(session: Session, since: int) -> set[int]:
    """This year and the years in the store from ``since``: an organisation changed counts
    again where figures are shown, without opening years nobody has figures for."""
    stored = union(
        *(
            select(model.year).where(model.year >= since)
            for model in (IndicatorValue, IndicatorDelta)
        )
    )
    return {utcnow().astimezone(MADRID).year, *session.scalars(stored)}


@event.listens_for(Session, "before_commit")
def _recount(session: Session) -> None:
    if not any(key in session.info for key in (_YEARS, _OFFERINGS, _SINCE)):
        return
    session.flush()
    years = session.info.pop(_YEARS, set())
    offerings = session.info.pop(_OFFERINGS, set())
    since = session.info.pop(_SINCE, set())
    if offerings:
        starts = session.scalars(select(Offering.starts_at).where(Offering.id.in_(offerings)))
        years |= {year_of(moment) for moment in starts}
    if since:
        years |= _stored_years(session, max(min(since), FIRST_YEAR))
    for year in sorted(year for year in years if year and year >= FIRST_YEAR):
        refresh(session, year, d.STRUCTURE)


@event.listens_for(Session, "after_transaction_end")
def _ended(session: Session, transaction: SessionTransaction) -> None:
    if transaction.parent is None:  # rolled back: nothing to count
        for key in (_YEARS, _OFFERINGS, _SINCE):
            session.info.pop(key, None)

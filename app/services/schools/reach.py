"""The pupils who came, marked by staff on the day, and the schools, classes and pupils
reached, counted per year, programme and municipality for the indicator store.

A class counts once its session is held and it was confirmed; its pupils are those marked
present, or the confirmed headcount while nobody has marked them. Nothing here names a
pupil or needs the teacher's account: a closed account leaves the figures as they were."""

from dataclasses import dataclass
from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import distinct, func, select
from sqlalchemy.orm import Session

from app.localtime import MADRID
from app.models import (
    ClassRegistration,
    ClassStatus,
    Municipality,
    Offering,
    OfferingSession,
    Programme,
)
from app.services import audit, indicators
from app.services.errors import Conflict, DomainError
from app.services.indicators.definitions import CLASSES

_record_class = audit.recorder("class_registration")


def mark_present(
    session: Session, reg: ClassRegistration, *, pupils_present: int | None, actor_id: int
) -> ClassRegistration:
    """How many of a confirmed class's pupils came (never more than it registered)."""
    if reg.status != ClassStatus.CONFIRMED:
        raise Conflict(_l("Only a confirmed class can be marked."))
    if pupils_present is None or not 0 <= pupils_present <= reg.pupils:
        raise DomainError(
            _l("Between 0 and %(pupils)s, the pupils registered.", pupils=reg.pupils),
            "pupils_present",
        )
    before = {"pupils_present": reg.pupils_present}
    reg.pupils_present = pupils_present
    session.flush()
    indicators.offering_changed(session, reg.offering_id, CLASSES)
    summary = f"{reg.group_name}: {pupils_present} of {reg.pupils} pupils present"
    _record_class(
        session,
        reg,
        actor_id,
        "class.attendance",
        summary,
        before,
        {"pupils_present": pupils_present},
    )
    return reg


@dataclass(frozen=True)
class Reach:
    programme: str  # slugs: the indicator store keys its breakdowns by them
    municipality: str
    schools: int
    classes: int
    pupils: int


def _year_bounds(year: int) -> tuple[datetime, datetime]:
    return (
        datetime(year, 1, 1, tzinfo=MADRID),
        datetime(year + 1, 1, 1, tzinfo=MADRID),
    )


def reach(session: Session, year: int, now: datetime) -> list[Reach]:
    """Schools, classes and pupils reached in ``year`` (Madrid time) by sessions held
    before ``now``, per programme and municipality of the offering."""
    start, end = _year_bounds(year)
    pupils = func.coalesce(ClassRegistration.pupils_present, ClassRegistration.pupils)
    rows = session.execute(
        select(
            Programme.slug,
            Municipality.slug,
            func.count(distinct(ClassRegistration.school_id)),
            func.count(ClassRegistration.id),
            func.sum(pupils),
        )
        .select_from(ClassRegistration)
        .join(OfferingSession, ClassRegistration.session_id == OfferingSession.id)
        .join(Offering, ClassRegistration.offering_id == Offering.id)
        .join(Programme, Offering.programme_id == Programme.id)
        .join(Municipality, Offering.municipality_id == Municipality.id)
        .where(
            ClassRegistration.status == ClassStatus.CONFIRMED,
            OfferingSession.starts_at >= start,
            OfferingSession.starts_at < min(end, now),
        )
        .group_by(Programme.slug, Municipality.slug)
        .order_by(Programme.slug, Municipality.slug)
    ).all()
    return [Reach(*row) for row in rows]

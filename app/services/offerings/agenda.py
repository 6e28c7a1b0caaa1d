"""The back office's home: a member of staff's day, within the offerings they manage.

Four lists, one query each whatever the size of the offer: the sessions of today and of the
next days, the offerings with people waiting, those starting soon with few places taken, and
the changes of the last days (the audit log, imports included).
"""

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import ColumnElement, and_, case, func, or_, select
from sqlalchemy.orm import Session as DbSession
from sqlalchemy.orm import contains_eager

from app.localtime import MADRID, local_midnight
from app.models import (
    Application,
    AuditEntry,
    Enrolment,
    EnrolmentStatus,
    Mode,
    Offering,
    OfferingSession,
    OfferingStatus,
    User,
)
from app.models.schools import ClassRegistration, ClassStatus

# How far ahead "this week" looks, after today.
WEEK_DAYS = 7
# An offering starting within this many days with less than this share of its places taken
# needs a hand (more publicity, a reminder to the schools...).
LOW_UPTAKE_DAYS = 30
LOW_UPTAKE_SHARE = 0.25
# Changes of the last days worth reading on the home page.
CHANGES_DAYS = 7
# Longest list shown in each box; each box links to the full list.
LIMIT = 10


@dataclass(frozen=True)
class WaitingOffering:
    offering: Offering
    waiting: int  # people (individual places) and classes waiting


@dataclass(frozen=True)
class Change:
    entry: AuditEntry
    offering_id: int | None  # the offering the change belongs to, when it belongs to one


@dataclass(frozen=True)
class StaffDay:
    today: list[OfferingSession]
    week: list[OfferingSession]  # after today, within WEEK_DAYS
    waiting: list[WaitingOffering]
    low_uptake: list[Offering]
    changes: list[Change]


def _sessions(
    session: DbSession, scope: ColumnElement[bool], start: datetime, end: datetime
) -> list[OfferingSession]:
    stmt = (
        select(OfferingSession)
        .join(OfferingSession.offering)
        .options(contains_eager(OfferingSession.offering))
        .where(
            scope,
            Offering.status == OfferingStatus.PUBLISHED,
            OfferingSession.starts_at >= start,
            OfferingSession.starts_at < end,
        )
        .order_by(OfferingSession.starts_at, OfferingSession.id)
        .limit(LIMIT)
    )
    return list(session.scalars(stmt))


def _waiting(session: DbSession, scope: ColumnElement[bool], now: datetime):
    people = (
        select(func.count())
        .where(Enrolment.offering_id == Offering.id, Enrolment.status == EnrolmentStatus.WAITING)
        .scalar_subquery()
    )
    classes = (
        select(func.count())
        .where(
            ClassRegistration.offering_id == Offering.id,
            ClassRegistration.status == ClassStatus.WAITING,
        )
        .scalar_subquery()
    )
    waiting = (people + classes).label("waiting")
    stmt = (
        select(Offering, waiting)
        .where(
            scope,
            Offering.status == OfferingStatus.PUBLISHED,
            or_(Offering.ends_at.is_(None), Offering.ends_at >= now),
            waiting > 0,
        )
        .order_by(waiting.desc(), Offering.starts_at, Offering.id)
        .limit(LIMIT)
    )
    return [WaitingOffering(offering, count) for offering, count in session.execute(stmt)]


def _low_uptake(session: DbSession, scope: ColumnElement[bool], now: datetime):
    stmt = (
        select(Offering)
        .where(
            scope,
            Offering.status == OfferingStatus.PUBLISHED,
            Offering.mode == Mode.INDIVIDUAL,
            Offering.starts_at >= now,
            Offering.starts_at < now + timedelta(days=LOW_UPTAKE_DAYS),
            Offering.capacity > 0,
            Offering.seats_taken < Offering.capacity * LOW_UPTAKE_SHARE,
        )
        .order_by(Offering.starts_at, Offering.id)
        .limit(LIMIT)
    )
    return list(session.scalars(stmt))


def _offering_of_entry() -> ColumnElement[int | None]:
    """The offering an audit entry is about: itself, or the offering of its session, place,
    class or application."""
    return case(
        (AuditEntry.entity_type == "offering", AuditEntry.entity_id),
        (AuditEntry.entity_type == "session", OfferingSession.offering_id),
        (AuditEntry.entity_type == "enrolment", Enrolment.offering_id),
        (AuditEntry.entity_type == "class_registration", ClassRegistration.offering_id),
        (AuditEntry.entity_type == "application", Application.offering_id),
    )


def _changes(session: DbSession, change_scope: ColumnElement[bool], since: datetime):
    def about(entity_type: str, model) -> ColumnElement[bool]:
        return and_(AuditEntry.entity_type == entity_type, AuditEntry.entity_id == model.id)

    offering_id = _offering_of_entry().label("offering_id")
    stmt = (
        select(AuditEntry, offering_id)
        .outerjoin(User, AuditEntry.actor_id == User.id)
        .outerjoin(OfferingSession, about("session", OfferingSession))
        .outerjoin(Enrolment, about("enrolment", Enrolment))
        .outerjoin(ClassRegistration, about("class_registration", ClassRegistration))
        .outerjoin(Application, about("application", Application))
        .outerjoin(Offering, Offering.id == _offering_of_entry())
        .options(contains_eager(AuditEntry.actor))
        .where(AuditEntry.at >= since, change_scope)
        .order_by(AuditEntry.at.desc(), AuditEntry.id.desc())
        .limit(LIMIT)
    )
    return [Change(entry, offering) for entry, offering in session.execute(stmt)]


def staff_day(
    session: DbSession,
    *,
    offering_scope: ColumnElement[bool],
    change_scope: ColumnElement[bool],
    now: datetime,
) -> StaffDay:
    """The home page of the back office. ``offering_scope`` is a WHERE clause on Offering
    (access.offering_scope); ``change_scope`` one on AuditEntry, its actor (User) and the
    Offering it is about (access.change_scope)."""
    today = now.astimezone(MADRID).date()
    start_of_today = local_midnight(today)
    tomorrow = local_midnight(today + timedelta(days=1))
    week_end = local_midnight(today + timedelta(days=1 + WEEK_DAYS))
    return StaffDay(
        today=_sessions(session, offering_scope, start_of_today, tomorrow),
        week=_sessions(session, offering_scope, tomorrow, week_end),
        waiting=_waiting(session, offering_scope, now),
        low_uptake=_low_uptake(session, offering_scope, now),
        changes=_changes(
            session, change_scope, local_midnight(today - timedelta(days=CHANGES_DAYS))
        ),
    )

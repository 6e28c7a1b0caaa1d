"""Storage limitation (GDPR art. 5.1.e): personal data kept no longer than its purpose needs,
one period per purpose, set in the configuration (`flask --app wsgi privacy purge`).

Every purpose leaves the figures alone. Enrolments, their statuses and history, attendance
and completion are never deleted or changed: an account past its time is erased the way a
person closes it (``privacy._anonymise``), its places kept and pointing at an empty row, so
the counts per offering (and every yearly figure built from them) stay what they were.
``purge`` checks it: it refuses to return if one of those counts moved.

- Sign-ups never confirmed: deleted outright. They cannot log in, so they never took part.
- Accounts nobody used for years (no sign-in, no change, no place in an offering still to
  end, no live class registered, not the last staff of a school with live classes):
  erased. No email is sent first, nor at erasure (that notice says "as you asked").
- Inclusion profiles: kept until the yearly figures of the person's last participation are
  done, then deleted: the year's figures are reported in the year after it. The indicator
  store (to come) takes demographics as they were when the person took part, so it has to
  record year Y before Y + 1 is over; until it does, lengthen the period rather than lose
  a year's inclusion breakdown.
- Emails sent or given up: deleted (they hold the address, the name and the text).
- Audit entries: the entry stays (what, which row, when); who did it, the names and
  addresses in it and what staff wrote to people are redacted.
- Search alerts: deleted when their life ends, and a visitor's never confirmed once its
  link has expired, with the record of what was sent of them.
- The contact phone of a class registration (the teacher's, for the day): emptied once the
  class's session is past, or the registration ended; the class, its pupil counts and its
  history stay, so the classes and pupils reached do not change.
- A group's accessibility needs (free text a teacher writes, which may describe a pupil's
  disability): cleared the same way, after their own period.

Nothing else in the database needs purging: sessions are signed cookies (an erased
account's token is rotated, so they are worthless); reset and confirmation links are not
stored, only signed, and die with the password or the address they name. Outside it, the
rate limiter's per-address counters expire with their window; backups and server logs
follow the operator's own retention.
"""

from dataclasses import dataclass, fields
from datetime import date, datetime, timedelta

from sqlalchemy import and_, delete, exists, func, or_, select, update
from sqlalchemy.orm import Session

from app.localtime import MADRID, local_midnight
from app.models import (
    LIVE_CLASS_STATUSES,
    LIVE_ENROLMENT_STATUSES,
    Attendance,
    AuditEntry,
    ClassRegistration,
    Enrolment,
    Offering,
    OfferingSession,
    OutboxMessage,
    OutboxStatus,
    ParticipantProfile,
    Role,
    SearchAlert,
    User,
)
from app.models.alerts import CONFIRMATION_MAX_AGE as ALERT_CONFIRMATION_MAX_AGE
from app.services.accounts.privacy import _anonymise

# Stored in place of what an old audit entry said about people.
REDACTED = "[redacted]"


# Entries about a person: their summary names them ("Ana enrolled by staff in ..."), and
# their name and residence are redacted too (with the kept places, a residence can single
# someone out: see ``privacy``).
PERSON_ENTITIES = frozenset({"user", "enrolment"})
PERSON_KEYS = frozenset({"name", "municipality_id", "municipality"})


# Keys of an entry's before/after that name a person in any entry (an organisation's contact
# address is often someone's own; a message's subject and body are what staff wrote to people).
PERSONAL_KEYS = frozenset({"email", "contact_email", "subject", "body"})


# Actions whose summary quotes what staff wrote.
QUOTING_ACTIONS = frozenset({"offering.message"})
AUDIT_BATCH = 500


@dataclass(frozen=True)
class RetentionPeriods:
    """How long each purpose keeps its data (config ``RETENTION_*_DAYS``)."""

    unconfirmed: timedelta  # from sign-up (or the last email to the address)
    inactive: timedelta  # from the account's last use or the end of its last offering
    profiles: timedelta  # from 31 December of the year of the last participation
    outbox: timedelta  # from sending, or giving up
    audit: timedelta  # from the entry
    class_contacts: timedelta  # from the class's session, or the end of its registration
    class_needs: timedelta  # the same, for a group's accessibility needs
    alerts: timedelta  # from the alert's confirmation

    @classmethod
    def from_config(cls, config) -> "RetentionPeriods":
        """Raises ValueError for a period under a day, or one that would delete a sign-up
        while its confirmation link still works."""
        periods = cls(
            **{
                field.name: timedelta(days=int(config[f"RETENTION_{field.name.upper()}_DAYS"]))
                for field in fields(cls)
            }
        )
        for field in fields(cls):
            if getattr(periods, field.name) < timedelta(days=1):
                raise ValueError(f"RETENTION_{field.name.upper()}_DAYS must be 1 or more")
        if periods.unconfirmed < config["EMAIL_CONFIRMATION_MAX_AGE"]:
            raise ValueError(
                "RETENTION_UNCONFIRMED_DAYS must be at least the life of a confirmation link"
            )
        return periods


def delete_unconfirmed_sign_ups(session: Session, now: datetime, period: timedelta) -> int:
    """Accounts whose address was never confirmed, with nothing emailed to it for the
    period (a link asked for again starts it over). Deleted with their emails."""
    cutoff = now - period
    recent_email = exists().where(
        OutboxMessage.to_address == User.email, OutboxMessage.created_at >= cutoff
    )
    stale = session.scalars(
        select(User)
        .where(
            User.email_confirmed_at.is_(None),
            User.erased_at.is_(None),
            User.created_at < cutoff,
            ~recent_email,
            # Never the case (they cannot log in), but a place is never lost to a purge.
            ~exists().where(Enrolment.user_id == User.id),
        )
        .order_by(User.id)
        .with_for_update(of=User)
    ).all()
    for user in stale:
        session.execute(
            delete(OutboxMessage)
            .where(OutboxMessage.to_address == user.email)
            .execution_options(synchronize_session=False)
        )
        session.delete(user)
    session.flush()
    return len(stale)


def _in_use(model, statuses, cutoff: datetime):
    """A place or class changed since ``cutoff``, or live in an offering that has not ended
    before it (no dates yet means still to come)."""
    return or_(
        model.updated_at >= cutoff,
        model.created_at >= cutoff,
        and_(
            model.status.in_(statuses),
            or_(Offering.ends_at.is_(None), Offering.ends_at >= cutoff),
        ),
    )


def _used_since(cutoff: datetime):
    """A place that is still going on, or any enrolment changed since ``cutoff``."""
    return (
        exists()
        .where(Enrolment.user_id == User.id, Enrolment.offering_id == Offering.id)
        .where(_in_use(Enrolment, LIVE_ENROLMENT_STATUSES, cutoff))
    )


def _class_live_or_changed(cutoff: datetime):
    """A registration changed since ``cutoff``, or live in an offering that has not ended
    before it: its class still needs someone at the school (the enrolment rule, for classes)."""
    return and_(
        ClassRegistration.offering_id == Offering.id,
        _in_use(ClassRegistration, LIVE_CLASS_STATUSES, cutoff),
    )


def _keep_last_school_staff(session: Session, stale: list[User], cutoff: datetime) -> list[User]:
    """``stale`` without the staff of a school with live classes that would be left with no
    staff at all: someone has to change, cancel or be told about those classes. They go
    with a later purge, once the classes are over or a colleague is active there."""
    with_classes = set(
        session.scalars(
            select(ClassRegistration.school_id).where(_class_live_or_changed(cutoff)).distinct()
        )
    )
    at_stake = {user.organisation_id for user in stale if user.role == Role.SCHOOL_STAFF}
    at_stake &= with_classes
    if not at_stake:
        return stale
    stale_ids = {user.id for user in stale}
    staff = session.execute(
        select(User.organisation_id, User.id).where(
            User.role == Role.SCHOOL_STAFF,
            User.erased_at.is_(None),
            User.organisation_id.in_(at_stake),
        )
    ).all()
    staying = {school for school, user_id in staff if user_id not in stale_ids}
    orphaned = at_stake - staying
    return [
        user
        for user in stale
        if not (user.role == Role.SCHOOL_STAFF and user.organisation_id in orphaned)
    ]


def erase_inactive_accounts(session: Session, now: datetime, period: timedelta) -> int:
    """Accounts with no sign-in, no change and no participation for the period, erased as
    if their owner had closed them: their places stay, so they are still counted.

    A teacher's classes are their participation: one who registered a class still live, or
    changed lately, is kept, and so is the staff of a school with live classes that would
    have none left. Administrators are left to the others: a site must keep one, and an
    automatic purge should not be what takes the last away."""
    cutoff = now - period

    def before_cutoff(column):
        return or_(column.is_(None), column < cutoff)

    stale = session.scalars(
        select(User)
        .where(
            User.erased_at.is_(None),
            User.role != Role.ADMIN,
            User.created_at < cutoff,
            before_cutoff(User.last_login_at),
            before_cutoff(User.email_confirmed_at),
            before_cutoff(User.password_changed_at),
            before_cutoff(
                select(ParticipantProfile.updated_at)
                .where(ParticipantProfile.user_id == User.id)
                .scalar_subquery()
            ),
            ~_used_since(cutoff),
            ~exists().where(
                ClassRegistration.teacher_id == User.id, _class_live_or_changed(cutoff)
            ),
        )
        .order_by(User.id)
        .with_for_update(of=User)
    ).all()
    stale = _keep_last_school_staff(session, stale, cutoff)
    for user in stale:
        _anonymise(session, user, now, farewell=False)
    return len(stale)


def profile_cutoff(now: datetime, period: timedelta) -> datetime:
    """Profiles whose last use is before this instant are past their time.

    A participation in year Y counts in Y's figures, reported during Y + 1; its profile is
    kept for ``period`` after Y ends (31 December, Madrid). Each instant of the year that
    ``now - period`` falls in is still within it; the year before is not."""
    year = (now.astimezone(MADRID) - period).year
    return local_midnight(date(year, 1, 1))


def delete_lapsed_profiles(session: Session, now: datetime, period: timedelta) -> int:
    """The inclusion answers of people whose last participation (or last answer) belongs to
    a year whose figures are done. Their account, residence and places stay."""
    cutoff = profile_cutoff(now, period)
    participated = (
        exists()
        .where(
            Enrolment.user_id == ParticipantProfile.user_id,
            Enrolment.offering_id == Offering.id,
        )
        .where(
            or_(
                Enrolment.created_at >= cutoff,
                Enrolment.updated_at >= cutoff,
                Offering.ends_at.is_(None),
                Offering.ends_at >= cutoff,
            )
        )
    )
    lapsed = session.scalars(
        select(ParticipantProfile)
        .where(ParticipantProfile.updated_at < cutoff, ~participated)
        .order_by(ParticipantProfile.user_id)
        .with_for_update(of=ParticipantProfile)
    ).all()
    for profile in lapsed:
        session.delete(profile)
    session.flush()
    return len(lapsed)


def delete_old_emails(session: Session, now: datetime, period: timedelta) -> int:
    """Sent messages, and those given up (dated by their last attempt), past the period.
    Pending ones are never touched: they still have to go."""
    cutoff = now - period
    result = session.execute(
        delete(OutboxMessage)
        .where(
            or_(
                and_(
                    OutboxMessage.status == OutboxStatus.SENT,
                    OutboxMessage.sent_at < cutoff,
                ),
                and_(
                    OutboxMessage.status == OutboxStatus.FAILED,
                    OutboxMessage.next_attempt_at < cutoff,
                ),
            )
        )
        .execution_options(synchronize_session=False)
    )
    session.flush()
    return result.rowcount


def _redacted_values(values: dict | None, keys: frozenset[str]) -> dict | None:
    if not isinstance(values, dict):
        return values
    return {
        key: REDACTED if key in keys and value is not None else value
        for key, value in values.items()
    }


def _redact(entry: AuditEntry) -> bool:
    """Redact one entry in place; False when there was nothing left to redact."""
    about_a_person = entry.entity_type in PERSON_ENTITIES
    keys = PERSONAL_KEYS | PERSON_KEYS if about_a_person else PERSONAL_KEYS
    summary = REDACTED if about_a_person or entry.action in QUOTING_ACTIONS else entry.summary
    before, after = _redacted_values(entry.before, keys), _redacted_values(entry.after, keys)
    if (entry.actor_id, entry.summary, entry.before, entry.after) == (
        None,
        summary,
        before,
        after,
    ):
        return False
    # New dicts, not changes inside the old ones: a JSON column notices reassignment only.
    entry.actor_id, entry.summary, entry.before, entry.after = None, summary, before, after
    return True


def redact_old_audit_entries(session: Session, now: datetime, period: timedelta) -> int:
    """Entries older than the period keep their action, entity and time; who did it, and
    what in them names a person, are redacted. Returns the entries changed this time."""
    cutoff = now - period
    changed, last_id = 0, 0
    while True:
        batch = session.scalars(
            select(AuditEntry)
            .where(AuditEntry.at < cutoff, AuditEntry.id > last_id)
            .order_by(AuditEntry.id)
            .limit(AUDIT_BATCH)
        ).all()
        if not batch:
            break
        changed += sum(_redact(entry) for entry in batch)
        last_id = batch[-1].id
        session.flush()
    return changed


def _empty_class_field(session: Session, now: datetime, period: timedelta, column, empty) -> int:
    """``column`` of the class registrations whose session ended before the period, or
    that were cancelled or declined before it (the offering cancelled too), set to
    ``empty``. Emptied, not the registration: its school, pupils, teachers and history are
    what the figures count."""
    cutoff = now - period
    ended_sessions = select(OfferingSession.id).where(OfferingSession.ends_at < cutoff)
    result = session.execute(
        update(ClassRegistration)
        .where(
            column.is_not(None),
            column != "",
            or_(
                ClassRegistration.session_id.in_(ended_sessions),
                and_(
                    ClassRegistration.status.not_in(LIVE_CLASS_STATUSES),
                    ClassRegistration.updated_at < cutoff,
                ),
            ),
        )
        # Not a change of the class: its updated_at (the column's onupdate) stays.
        .values({column: empty, ClassRegistration.updated_at: ClassRegistration.updated_at})
        .execution_options(synchronize_session=False)
    )
    session.flush()
    return result.rowcount


def empty_class_contacts(session: Session, now: datetime, period: timedelta) -> int:
    """The phones given with class registrations (the teacher's, for the day), emptied
    once the class is over (see ``_empty_class_field``)."""
    return _empty_class_field(session, now, period, ClassRegistration.phone, "")


def clear_class_needs(session: Session, now: datetime, period: timedelta) -> int:
    """What a group said it needs (free text, often about a pupil's disability: health
    data), cleared once the class is over, as its phone is (see ``_empty_class_field``)."""
    return _empty_class_field(session, now, period, ClassRegistration.accessibility, None)


def delete_ended_alerts(session: Session, now: datetime, period: timedelta) -> int:
    """Search alerts past their life, and those never confirmed once their link expired;
    what was sent of them goes with them (the observatory counted them without a name)."""
    result = session.execute(
        delete(SearchAlert)
        .where(
            or_(
                SearchAlert.confirmed_at < now - period,
                and_(
                    SearchAlert.confirmed_at.is_(None),
                    SearchAlert.created_at < now - ALERT_CONFIRMATION_MAX_AGE,
                ),
            )
        )
        .execution_options(synchronize_session=False)
    )
    session.flush()
    return result.rowcount


PURPOSES = {
    "unconfirmed": delete_unconfirmed_sign_ups,
    "inactive": erase_inactive_accounts,
    "profiles": delete_lapsed_profiles,
    "outbox": delete_old_emails,
    "audit": redact_old_audit_entries,
    "class_contacts": empty_class_contacts,
    "class_needs": clear_class_needs,
    "alerts": delete_ended_alerts,
}


def participation_counts(session: Session) -> dict:
    """What the purge must never change: places per offering and status, seats taken,
    completions, attendance per session, and classes with their pupils per status."""
    by_status = session.execute(
        select(Enrolment.offering_id, Enrolment.status, func.count())
        .group_by(Enrolment.offering_id, Enrolment.status)
        .order_by(Enrolment.offering_id, Enrolment.status)
    )
    completed = session.execute(
        select(Enrolment.offering_id, func.count())
        .where(Enrolment.completed_at.is_not(None))
        .group_by(Enrolment.offering_id)
        .order_by(Enrolment.offering_id)
    )
    attendance = session.execute(
        select(Attendance.session_id, Attendance.present, func.count())
        .group_by(Attendance.session_id, Attendance.present)
        .order_by(Attendance.session_id, Attendance.present)
    )
    seats = session.execute(select(Offering.id, Offering.seats_taken).order_by(Offering.id))
    classes = session.execute(
        select(
            ClassRegistration.offering_id,
            ClassRegistration.status,
            func.count(),
            func.sum(ClassRegistration.pupils),
            func.sum(ClassRegistration.pupils_present),
        )
        .group_by(ClassRegistration.offering_id, ClassRegistration.status)
        .order_by(ClassRegistration.offering_id, ClassRegistration.status)
    )
    return {
        "enrolments": [tuple(row) for row in by_status],
        "completed": [tuple(row) for row in completed],
        "attendance": [tuple(row) for row in attendance],
        "seats_taken": [tuple(row) for row in seats],
        "classes": [tuple(row) for row in classes],
    }


class FiguresChanged(RuntimeError):
    """A purpose changed a count it must leave alone: a bug, and the caller rolls back."""


def purge(session: Session, purpose: str, *, now: datetime, periods: RetentionPeriods) -> int:
    """Run one purpose in the caller's transaction; returns how many rows it removed or
    redacted. Raises FiguresChanged (roll back!) if any participation count moved."""
    before = participation_counts(session)
    removed = PURPOSES[purpose](session, now, getattr(periods, purpose))
    if participation_counts(session) != before:
        raise FiguresChanged(purpose)
    return removed

"""Retention: each purpose removes what is just past its period and keeps what is just
inside it, never changes a count per offering, and removes nothing more when run again."""

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select, update

from app.localtime import MADRID
from app.models import (
    Attendance,
    AuditEntry,
    ClassRegistration,
    ClassStatus,
    Enrolment,
    EnrolmentStatus,
    Gender,
    OutboxMessage,
    OutboxStatus,
    ParticipantProfile,
    Role,
    User,
    utcnow,
)
from app.services.accounts import privacy, retention
from app.services.accounts.retention import REDACTED, RetentionPeriods
from tests.factories import (
    make_class_offering,
    make_class_registration,
    make_offering,
    make_school,
    make_user,
    set_sessions,
)

PERIODS = RetentionPeriods(
    unconfirmed=timedelta(days=7),
    inactive=timedelta(days=3 * 365),
    profiles=timedelta(days=366),
    outbox=timedelta(days=90),
    audit=timedelta(days=5 * 365),
    class_contacts=timedelta(days=30),
    class_needs=timedelta(days=45),
    alerts=timedelta(days=365),
)
MINUTE = timedelta(minutes=1)


def madrid(*args) -> datetime:
    return datetime(*args, tzinfo=MADRID).astimezone(UTC)


def ended_offering(session, ended_at: datetime, **fields):
    offering = make_offering(session, **fields)
    set_sessions(offering, [(ended_at - timedelta(hours=2), ended_at)])
    session.flush()
    return offering


def place(session, offering, user, status=EnrolmentStatus.CONFIRMED, at=None, **fields):
    at = at or offering.starts_at
    enrolment = Enrolment(
        offering=offering, user=user, status=status, created_at=at, updated_at=at, **fields
    )
    session.add(enrolment)
    session.flush()
    return enrolment


def email(session, to, status=OutboxStatus.SENT, at=None, **fields):
    at = at or utcnow()
    message = OutboxMessage(
        to_address=to,
        subject="Tu plaza",
        body_text=f"Hola, {to}",
        template="enrolment_confirmed",
        status=status,
        created_at=fields.pop("created_at", at),
        sent_at=at if status == OutboxStatus.SENT else None,
        next_attempt_at=at,
        **fields,
    )
    session.add(message)
    session.flush()
    return message


def counts_by_offering(session):
    """Counted here independently of ``participation_counts``."""
    rows = session.execute(
        select(Enrolment.offering_id, Enrolment.status, func.count()).group_by(
            Enrolment.offering_id, Enrolment.status
        )
    )
    attended = session.execute(
        select(Enrolment.offering_id, func.count())
        .join(Attendance, Attendance.enrolment_id == Enrolment.id)
        .where(Attendance.present)
        .group_by(Enrolment.offering_id)
    )
    completed = session.execute(
        select(Enrolment.offering_id, func.count())
        .where(Enrolment.completed_at.is_not(None))
        .group_by(Enrolment.offering_id)
    )
    return (
        {(offering, str(status)): n for offering, status, n in rows},
        dict(attended.all()),
        dict(completed.all()),
    )


# Sign-ups never confirmed


def test_a_sign_up_never_confirmed_goes_after_its_period_with_its_emails(session):
    now = utcnow()
    gone = make_user(session, confirmed=False, created_at=now - PERIODS.unconfirmed - MINUTE)
    email(session, gone.email, at=now - PERIODS.unconfirmed - MINUTE)
    kept = make_user(session, confirmed=False, created_at=now - PERIODS.unconfirmed + MINUTE)
    confirmed = make_user(session, created_at=now - timedelta(days=400))
    gone_id, gone_address = gone.id, gone.email

    assert retention.delete_unconfirmed_sign_ups(session, now, PERIODS.unconfirmed) == 1

    session.expire_all()
    assert session.get(User, gone_id) is None
    assert session.scalar(select(func.count()).where(OutboxMessage.to_address == gone_address)) == 0
    assert session.get(User, kept.id) is not None
    assert session.get(User, confirmed.id) is not None
    assert retention.delete_unconfirmed_sign_ups(session, now, PERIODS.unconfirmed) == 0


def test_a_confirmation_link_asked_for_again_gives_the_sign_up_its_period_again(session):
    now = utcnow()
    person = make_user(session, confirmed=False, created_at=now - timedelta(days=30))
    email(session, person.email, status=OutboxStatus.PENDING, at=now - timedelta(days=1))

    assert retention.delete_unconfirmed_sign_ups(session, now, PERIODS.unconfirmed) == 0
    assert (
        retention.delete_unconfirmed_sign_ups(session, now + timedelta(days=7), PERIODS.unconfirmed)
        == 1
    )


# Accounts nobody uses


def old_account(session, now, **fields):
    """Opened, confirmed and last used just over the period ago."""
    long_ago = now - PERIODS.inactive - timedelta(days=1)
    user = make_user(
        session,
        created_at=long_ago,
        password_changed_at=long_ago,
        last_login_at=fields.pop("last_login_at", long_ago),
        **fields,
    )
    user.email_confirmed_at = long_ago
    session.flush()
    return user


def test_an_account_unused_past_its_period_is_erased_and_its_places_still_count(session):
    now = utcnow()
    person = old_account(session, now, name="Ana García")
    course = ended_offering(session, now - PERIODS.inactive - timedelta(days=2))
    attended = place(session, course, person, completed_at=course.ends_at)
    session.add(
        Attendance(enrolment_id=attended.id, session_id=course.sessions[0].id, present=True)
    )
    waiting = place(
        session, ended_offering(session, course.ends_at), person, EnrolmentStatus.WAITING
    )
    session.add(
        ParticipantProfile(user_id=person.id, gender=Gender.WOMAN, updated_at=course.ends_at)
    )
    address = person.email
    email(session, address, at=now - timedelta(days=1))
    session.flush()
    before = counts_by_offering(session)

    assert retention.erase_inactive_accounts(session, now, PERIODS.inactive) == 1

    session.expire_all()
    erased = session.get(User, person.id)
    assert erased.erased_at == now
    assert (erased.name, erased.email, erased.password_hash) == (privacy.ERASED_NAME, None, None)
    assert erased.municipality_id is None and erased.profile is None
    assert counts_by_offering(session) == before
    assert (attended.status, waiting.status) == (EnrolmentStatus.CONFIRMED, EnrolmentStatus.WAITING)
    assert attended.user_id == person.id and attended.completed_at is not None
    # Nothing left to or about the address, not even a goodbye ("as you asked" would be untrue).
    assert session.scalar(select(func.count()).where(OutboxMessage.to_address == address)) == 0
    assert retention.erase_inactive_accounts(session, now, PERIODS.inactive) == 0


@pytest.mark.parametrize(
    "recent",
    ["login", "place_in_an_offering_ended_lately", "place_still_to_come", "place_without_dates"],
)
def test_an_account_used_within_its_period_is_kept(session, recent):
    now = utcnow()
    inside = now - PERIODS.inactive + MINUTE
    person = old_account(session, now, last_login_at=inside if recent == "login" else None)
    if recent == "place_in_an_offering_ended_lately":
        place(session, ended_offering(session, inside), person, at=inside - timedelta(days=90))
    elif recent == "place_still_to_come":
        place(
            session,
            make_offering(session),
            person,
            EnrolmentStatus.WAITING,
            at=inside - timedelta(days=9),
        )
    elif recent == "place_without_dates":
        course = make_offering(session)
        set_sessions(course, [])
        place(session, course, person, at=now - PERIODS.inactive - timedelta(days=9))

    assert retention.erase_inactive_accounts(session, now, PERIODS.inactive) == 0
    assert person.erased_at is None


def test_a_place_cancelled_long_ago_does_not_keep_an_unused_account(session):
    now = utcnow()
    person = old_account(session, now)
    course = ended_offering(session, now - timedelta(days=10))
    place(session, course, person, EnrolmentStatus.CANCELLED, at=now - PERIODS.inactive - MINUTE)

    assert retention.erase_inactive_accounts(session, now, PERIODS.inactive) == 1


def test_an_unused_administrator_is_left_to_the_other_administrators(session):
    now = utcnow()
    admin = old_account(session, now, role=Role.ADMIN)
    staff = old_account(session, now, role=Role.COORDINATOR)

    assert retention.erase_inactive_accounts(session, now, PERIODS.inactive) == 1
    assert admin.erased_at is None and staff.erased_at == now


def old_teacher(session, now, school, **fields):
    """An approved teacher of ``school`` who last used the site over the period ago."""
    return old_account(session, now, role=Role.SCHOOL_STAFF, organisation=school, **fields)


def class_of(session, offering, teacher, status=ClassStatus.CONFIRMED, at=None):
    """A class ``teacher`` registered for the first session of ``offering``, at ``at``."""
    reg = make_class_registration(
        session, offering, offering.sessions[0], status=status, updated_at=at
    )
    return hand_over(session, reg, teacher.organisation_id, teacher.id)


def hand_over(session, reg, school_id, teacher_id):
    """``reg`` as if that school and teacher had registered it (its dates stay)."""
    session.execute(
        update(ClassRegistration)
        .where(ClassRegistration.id == reg.id)
        .values(school_id=school_id, teacher_id=teacher_id, updated_at=ClassRegistration.updated_at)
    )
    session.expire(reg)
    return reg


@pytest.mark.parametrize("status", [ClassStatus.CONFIRMED, ClassStatus.WAITING])
def test_a_teacher_with_a_live_class_still_to_come_is_kept(session, status):
    now = utcnow()
    school = make_school(session)
    teacher = old_teacher(session, now, school)
    colleague = old_teacher(session, now, school, last_login_at=now - timedelta(days=1))
    long_ago = now - PERIODS.inactive - timedelta(days=9)
    class_of(session, make_class_offering(session), teacher, status, at=long_ago)

    assert retention.erase_inactive_accounts(session, now, PERIODS.inactive) == 0
    assert teacher.erased_at is None and colleague.erased_at is None


def test_a_teacher_whose_classes_are_over_or_ended_long_ago_is_erased(session):
    now = utcnow()
    school = make_school(session)
    teacher = old_teacher(session, now, school)
    make_user(session, role=Role.SCHOOL_STAFF, organisation=school)  # an active colleague
    long_ago = now - PERIODS.inactive - timedelta(days=9)
    past = make_class_offering(session)
    set_sessions(past, [(long_ago, long_ago + timedelta(hours=2))])
    session.flush()
    class_of(session, past, teacher, at=long_ago - timedelta(days=20))
    class_of(session, make_class_offering(session), teacher, ClassStatus.CANCELLED, at=long_ago)
    before = retention.participation_counts(session)

    assert retention.erase_inactive_accounts(session, now, PERIODS.inactive) == 1
    assert teacher.erased_at == now
    assert retention.participation_counts(session) == before


def test_the_last_staff_of_a_school_with_live_classes_is_kept_until_they_are_over(session):
    """The classes were registered by a teacher who has left; the two staff left have not
    signed in for years. Erasing them would leave the classes with nobody at the school."""
    now = utcnow()
    school = make_school(session)
    staff = [old_teacher(session, now, school) for _ in range(2)]
    elsewhere = old_teacher(session, now, make_school(session))  # no classes: erased
    long_ago = now - PERIODS.inactive - timedelta(days=9)
    offering = make_class_offering(session)
    reg = make_class_registration(session, offering, offering.sessions[0], updated_at=long_ago)
    hand_over(session, reg, school.id, None)

    assert retention.erase_inactive_accounts(session, now, PERIODS.inactive) == 1
    assert [user.erased_at for user in staff] == [None, None]
    assert elsewhere.erased_at == now

    # Once the offering is over (past the period), nothing holds them any more.
    later = offering.ends_at + PERIODS.inactive + timedelta(days=1)
    retention.erase_inactive_accounts(session, later, PERIODS.inactive)
    assert [user.erased_at for user in staff] == [later, later]


# Inclusion profiles


@pytest.mark.parametrize(
    ("now", "kept"),
    [
        (madrid(2026, 12, 31, 23, 59), True),  # all through the year its figures are reported
        (madrid(2027, 1, 1, 12, 0), True),  # 366 days after 31 December, not 365
        (madrid(2027, 1, 2, 0, 1), False),
    ],
)
def test_a_profile_is_kept_until_the_year_after_the_last_participation_is_over(session, now, kept):
    person = make_user(session)
    course = ended_offering(session, madrid(2025, 12, 31, 20, 0))
    place(session, course, person, at=madrid(2025, 11, 1, 10, 0))
    session.add(
        ParticipantProfile(user_id=person.id, gender=Gender.MAN, updated_at=madrid(2024, 3, 1))
    )
    session.flush()

    assert retention.delete_lapsed_profiles(session, now, PERIODS.profiles) == (0 if kept else 1)

    session.expire_all()
    assert (session.get(ParticipantProfile, person.id) is not None) is kept
    # The account, its residence and its place stay whatever happens to the profile.
    assert person.municipality_id is not None and person.erased_at is None
    assert session.scalar(select(func.count()).where(Enrolment.user_id == person.id)) == 1


def test_a_profile_without_participation_lives_from_its_last_answer(session):
    answered_late = make_user(session)
    answered_early = make_user(session)
    session.add_all(
        [
            ParticipantProfile(user_id=answered_late.id, updated_at=madrid(2026, 1, 1, 0, 30)),
            ParticipantProfile(user_id=answered_early.id, updated_at=madrid(2025, 12, 31, 23, 30)),
        ]
    )
    session.flush()

    assert (
        retention.delete_lapsed_profiles(session, madrid(2027, 1, 2, 12, 0), PERIODS.profiles) == 1
    )
    session.expire_all()
    assert session.get(ParticipantProfile, answered_late.id) is not None
    assert session.get(ParticipantProfile, answered_early.id) is None


def test_a_profile_with_a_place_still_to_come_is_kept(session):
    person = make_user(session)
    course = make_offering(session)
    set_sessions(course, [])
    place(session, course, person, at=madrid(2020, 1, 1))
    session.add(ParticipantProfile(user_id=person.id, updated_at=madrid(2020, 1, 1)))
    session.flush()

    assert retention.delete_lapsed_profiles(session, madrid(2030, 1, 1), PERIODS.profiles) == 0


def test_in_a_leap_year_the_profile_cutoff_is_still_the_first_of_january():
    # 2024 had 366 days: the whole of it is kept for 2023's figures, and no more.
    assert retention.profile_cutoff(madrid(2024, 12, 31, 23, 0), PERIODS.profiles) == madrid(
        2023, 1, 1
    )
    assert retention.profile_cutoff(madrid(2025, 1, 1, 0, 30), PERIODS.profiles) == madrid(
        2024, 1, 1
    )


# Outbox


def test_emails_sent_or_given_up_go_after_their_period_and_pending_ones_stay(session):
    now = utcnow()
    old, recent = now - PERIODS.outbox - MINUTE, now - PERIODS.outbox + MINUTE
    sent_old = email(session, "a@example.org", at=old)
    sent_recent = email(session, "b@example.org", at=recent)
    failed_old = email(session, "c@example.org", OutboxStatus.FAILED, at=old, attempts=30)
    failed_recent = email(session, "d@example.org", OutboxStatus.FAILED, at=recent, attempts=30)
    # Queued long ago and still retrying: it has yet to reach its person.
    pending = email(session, "e@example.org", OutboxStatus.PENDING, at=old, created_at=old)
    ids = {m: m.id for m in (sent_old, sent_recent, failed_old, failed_recent, pending)}

    assert retention.delete_old_emails(session, now, PERIODS.outbox) == 2

    left = set(session.scalars(select(OutboxMessage.id)))
    assert left == {ids[sent_recent], ids[failed_recent], ids[pending]}
    assert retention.delete_old_emails(session, now, PERIODS.outbox) == 0


# Audit log


def audit(session, at, **fields):
    entry = AuditEntry(at=at, **fields)
    session.add(entry)
    session.flush()
    return entry


def test_old_audit_entries_lose_who_and_whom_but_stay(session):
    now = utcnow()
    old, recent = now - PERIODS.audit - MINUTE, now - PERIODS.audit + MINUTE
    staff = make_user(session, role=Role.COORDINATOR)
    opened = dict(
        actor_id=staff.id,
        action="user.create-on-behalf",
        entity_type="user",
        entity_id=41,
        summary="Account opened by staff for Ana García <ana@example.org>",
        after={
            "name": "Ana García",
            "email": "ana@example.org",
            "municipality_id": 3,
            "preferred_language": "es",
        },
    )
    old_opened, recent_opened = audit(session, old, **opened), audit(session, recent, **opened)
    message = audit(
        session,
        old,
        actor_id=staff.id,
        action="offering.message",
        entity_type="offering",
        entity_id=7,
        summary="Message to 2 participants of offering 7: Ana, bring your laptop",
        after={
            "statuses": ["confirmed"],
            "recipients": 2,
            "subject": "Ana, bring your laptop",
            "body": "Ana and Luis: see you at nine.",
        },
    )
    organisation = audit(
        session,
        old,
        actor_id=staff.id,
        action="organisation.update",
        entity_type="organisation",
        entity_id=5,
        summary="Fundación Ejemplo",
        before={"name": "Fundación Ejemplo", "contact_email": "luis@example.org"},
        after={"name": "Fundación Ejemplo", "contact_email": None},
    )
    offering = audit(
        session,
        old,
        actor_id=staff.id,
        action="offering.update",
        entity_type="offering",
        entity_id=7,
        summary="TEST-7: capacity",
        before={"capacity": 10},
        after={"capacity": 12},
    )

    assert retention.redact_old_audit_entries(session, now, PERIODS.audit) == 4

    session.expire_all()
    assert (old_opened.actor_id, old_opened.summary) == (None, REDACTED)
    assert old_opened.after == {
        "name": REDACTED,
        "email": REDACTED,
        "municipality_id": REDACTED,
        "preferred_language": "es",
    }
    assert (old_opened.action, old_opened.entity_type, old_opened.entity_id, old_opened.at) == (
        "user.create-on-behalf",
        "user",
        41,
        old,
    )
    assert recent_opened.actor_id == staff.id and "Ana García" in recent_opened.summary
    assert recent_opened.after["email"] == "ana@example.org"
    assert message.summary == REDACTED
    assert message.after == {
        "statuses": ["confirmed"],
        "recipients": 2,
        "subject": REDACTED,
        "body": REDACTED,
    }
    assert organisation.summary == "Fundación Ejemplo"
    assert organisation.before == {"name": "Fundación Ejemplo", "contact_email": REDACTED}
    assert organisation.after == {"name": "Fundación Ejemplo", "contact_email": None}
    assert (offering.actor_id, offering.summary, offering.after) == (
        None,
        "TEST-7: capacity",
        {"capacity": 12},
    )
    assert session.scalar(select(func.count()).select_from(AuditEntry)) == 5
    assert retention.redact_old_audit_entries(session, now, PERIODS.audit) == 0


def test_audit_entries_are_redacted_in_batches(session, monkeypatch):
    monkeypatch.setattr(retention, "AUDIT_BATCH", 2)
    now = utcnow()
    for number in range(5):
        audit(
            session,
            now - PERIODS.audit - timedelta(days=number + 1),
            action="enrolment.cancel",
            entity_type="enrolment",
            entity_id=number,
            summary=f"Person {number}'s place",
        )

    assert retention.redact_old_audit_entries(session, now, PERIODS.audit) == 5
    assert set(session.scalars(select(AuditEntry.summary))) == {REDACTED}


# Class contact phones


@pytest.mark.parametrize(
    ("purpose", "column", "given", "emptied"),
    [
        ("class_contacts", "phone", "600 123 456", ""),
        ("class_needs", "accessibility", "Una alumna en silla de ruedas", None),
    ],
)
def test_a_class_contact_or_needs_go_once_its_session_or_its_end_is_past_the_period(
    session, purpose, column, given, emptied
):
    now, period = utcnow(), getattr(PERIODS, purpose)
    offering = make_class_offering(session)
    ended = [now - period - MINUTE, now - period + MINUTE, now + timedelta(days=5)]
    set_sessions(offering, [(at - timedelta(hours=2), at) for at in ended])
    session.flush()
    long_past, just_inside, coming = offering.sessions

    def registration(meeting, *args, **fields):
        return make_class_registration(
            session, offering, meeting, *args, **{"accessibility": given, **fields}
        )

    gone = registration(long_past, pupils_present=18)
    kept = registration(just_inside)
    live = registration(coming)
    cancelled_long_ago = registration(
        coming, ClassStatus.CANCELLED, updated_at=now - period - MINUTE
    )
    declined_lately = registration(coming, ClassStatus.DECLINED, updated_at=now - period + MINUTE)
    registration(long_past, accessibility=None, phone="")  # nothing to clear
    stamps = {reg.id: reg.updated_at for reg in session.scalars(select(ClassRegistration))}

    removed = retention.purge(session, purpose, now=now, periods=PERIODS)

    session.expire_all()
    assert removed == 2
    assert [getattr(reg, column) for reg in (gone, cancelled_long_ago)] == [emptied, emptied]
    assert {getattr(reg, column) for reg in (kept, live, declined_lately)} == {given}
    assert (gone.pupils, gone.pupils_present, gone.status) == (20, 18, ClassStatus.CONFIRMED)
    # Each purpose clears its own column only.
    other, still = ("accessibility", given) if column == "phone" else ("phone", "600 123 456")
    assert getattr(gone, other) == still
    assert {reg.id: reg.updated_at for reg in session.scalars(select(ClassRegistration))} == (
        stamps
    )
    assert retention.purge(session, purpose, now=now, periods=PERIODS) == 0


# Every purpose together


def a_world(session, now):
    """People in every situation the purge meets, with places in every status."""
    long_ago = now - timedelta(days=6 * 365)
    past = ended_offering(session, long_ago, capacity=3)
    lately = ended_offering(session, now - timedelta(days=200))
    coming = make_offering(session)
    people = [old_account(session, now) for _ in range(4)] + [make_user(session) for _ in range(3)]
    people.append(make_user(session, confirmed=False, created_at=long_ago))
    statuses = [
        EnrolmentStatus.CONFIRMED,
        EnrolmentStatus.WAITING,
        EnrolmentStatus.CANCELLED,
        EnrolmentStatus.OFFERING_CANCELLED,
    ]
    for number, person in enumerate(people[:7]):
        for offering in (past, lately, coming)[: 1 + number % 3]:
            enrolment = place(
                session,
                offering,
                person,
                statuses[number % 4],
                at=offering.starts_at - timedelta(days=30),
            )
            if enrolment.status == EnrolmentStatus.CONFIRMED and offering is not coming:
                enrolment.completed_at = offering.ends_at
                session.add(
                    Attendance(
                        enrolment_id=enrolment.id,
                        session_id=offering.sessions[0].id,
                        present=number % 2 == 0,
                    )
                )
        session.add(ParticipantProfile(user_id=person.id, gender=Gender.WOMAN, updated_at=long_ago))
        email(session, person.email, at=long_ago)
        audit(
            session,
            long_ago,
            actor_id=people[0].id,
            action="enrolment.cancel",
            entity_type="enrolment",
            entity_id=number,
            summary=f"{person.name}'s place",
        )
    past.seats_taken = 1
    session.flush()


def test_purging_everything_changes_no_count_per_offering(session):
    now = utcnow()
    a_world(session, now)
    before = counts_by_offering(session), retention.participation_counts(session)
    assert before[0][0] and before[0][1] and before[0][2]  # the world has something to keep

    # Ten years on, every purpose finds everything past its period.
    later = now + timedelta(days=3650)
    removed = {
        purpose: retention.purge(session, purpose, now=later, periods=PERIODS)
        for purpose in retention.PURPOSES
    }

    assert removed == {
        "unconfirmed": 1,
        "inactive": 7,
        "profiles": 0,
        "outbox": 0,
        "audit": 7,
        "class_contacts": 0,
        "class_needs": 0,
        "alerts": 0,
    }
    assert (counts_by_offering(session), retention.participation_counts(session)) == before
    again = {p: retention.purge(session, p, now=later, periods=PERIODS) for p in retention.PURPOSES}
    assert set(again.values()) == {0}
    assert (counts_by_offering(session), retention.participation_counts(session)) == before


def test_a_purpose_that_changed_a_count_is_refused(session, monkeypatch):
    now = utcnow()
    a_world(session, now)

    def careless(session, now, period):
        confirmed = select(Enrolment).where(Enrolment.status == EnrolmentStatus.CONFIRMED)
        session.scalars(confirmed.limit(1)).one().status = EnrolmentStatus.CANCELLED
        return 1

    monkeypatch.setitem(retention.PURPOSES, "outbox", careless)
    with pytest.raises(retention.FiguresChanged):
        retention.purge(session, "outbox", now=now, periods=PERIODS)


# Configuration


def test_the_periods_come_from_the_configuration(app):
    periods = RetentionPeriods.from_config(app.config)
    assert periods == RetentionPeriods(
        unconfirmed=timedelta(days=7),
        inactive=timedelta(days=1095),
        profiles=timedelta(days=366),
        outbox=timedelta(days=90),
        audit=timedelta(days=1825),
        class_contacts=timedelta(days=30),
        class_needs=timedelta(days=30),
        alerts=timedelta(days=365),
    )


@pytest.mark.parametrize(
    ("name", "days"), [("RETENTION_OUTBOX_DAYS", 0), ("RETENTION_UNCONFIRMED_DAYS", 2)]
)
def test_a_period_too_short_is_refused(app, name, days):
    with pytest.raises(ValueError, match=name):
        RetentionPeriods.from_config({**app.config, name: days})

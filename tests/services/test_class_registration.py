"""Class registrations without HTTP: seats are pupils, a class fits whole or waits, the
waiting list understands groups, and every refusal leaves nothing stored."""

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from app.models import (
    ClassRegistration,
    ClassRules,
    ClassSession,
    ClassStatus,
    OutboxMessage,
    Stage,
    utcnow,
)
from app.services import offerings, schools
from app.services.errors import DomainError, Forbidden, NotFound
from tests.factories import (
    class_details,
    make_class_offering,
    make_offering,
    make_school,
    make_teacher,
    make_user,
)


@pytest.fixture
def offering(session):
    return make_class_offering(session, capacity=30, sessions=2)


@pytest.fixture
def teacher(session):
    return make_teacher(session, make_school(session))


def register(session, offering, teacher, choices=None, **details):
    return schools.register_class(
        session,
        offering_id=offering.id,
        teacher_id=teacher.id,
        session_ids=choices or [offering.sessions[0].id],
        details=class_details(**details),
        now=utcnow(),
    )


def taken(session, meeting) -> int:
    session.expire_all()
    row = session.get(ClassSession, meeting.id)
    return row.pupils_taken if row else 0


def emails(session) -> list[str]:
    return session.scalars(select(OutboxMessage.template).order_by(OutboxMessage.id)).all()


def stored(session) -> int:
    return session.scalar(select(func.count()).select_from(ClassRegistration))


def test_a_class_that_fits_is_confirmed_and_takes_its_pupils_as_seats(session, offering, teacher):
    reg = register(session, offering, teacher, pupils=25)

    assert reg.status == ClassStatus.CONFIRMED
    assert taken(session, offering.sessions[0]) == 25
    assert [event.reason for event in reg.events] == ["registered"]
    assert emails(session) == ["class_confirmed"]


def test_a_class_that_does_not_fit_whole_waits_and_never_takes_the_seats_left(
    session, offering, teacher
):
    register(session, offering, teacher, pupils=27)
    big = register(session, offering, teacher, pupils=25)

    assert big.status == ClassStatus.WAITING
    assert taken(session, offering.sessions[0]) == 27  # 3 seats stay free, not split
    assert emails(session) == ["class_confirmed", "class_waiting"]


def test_a_class_takes_the_first_alternative_where_it_fits(session, offering, teacher):
    first, second = (meeting.id for meeting in offering.sessions)
    register(session, offering, teacher, pupils=20)

    reg = register(session, offering, teacher, choices=[first, second], pupils=15)

    assert (reg.status, reg.session_id) == (ClassStatus.CONFIRMED, second)
    assert reg.choice_ids == [first, second]


def test_freed_seats_go_to_the_first_waiting_class_that_fits_whole(session, offering, teacher):
    """A class of 25 waits ahead of a class of 8: when 10 seats free, the 8 go in."""
    holder = register(session, offering, teacher, pupils=22)
    register(session, offering, teacher, pupils=8)  # 30 of 30
    big = register(session, offering, teacher, pupils=25)
    small = register(session, offering, teacher, pupils=8)

    promoted = schools.change_pupils(
        session, holder, pupils=12, teachers=2, actor_id=teacher.id, now=utcnow()
    )

    assert promoted == [small]
    assert (big.status, small.status) == (ClassStatus.WAITING, ClassStatus.CONFIRMED)
    assert taken(session, offering.sessions[0]) == 28
    assert emails(session)[-1] == "class_promoted"


def test_cancelling_a_confirmed_class_promotes_the_waiting_one_in_its_alternative(
    session, offering, teacher
):
    first, second = (meeting.id for meeting in offering.sessions)
    register(session, offering, teacher, choices=[second], pupils=30)
    holder = register(session, offering, teacher, choices=[first], pupils=30)
    waiting = register(session, offering, teacher, choices=[second, first], pupils=20)

    promoted = schools.end_class(session, holder, actor_id=teacher.id, now=utcnow())

    assert promoted == [waiting]
    assert (waiting.status, waiting.session_id) == (ClassStatus.CONFIRMED, first)
    assert holder.status == ClassStatus.CANCELLED
    assert taken(session, offering.sessions[0]) == 20


def test_more_pupils_only_if_they_fit_and_nothing_changes_when_they_do_not(
    session, offering, teacher
):
    reg = register(session, offering, teacher, pupils=20)
    register(session, offering, teacher, pupils=8)
    session.commit()

    with pytest.raises(DomainError) as refusal:
        schools.change_pupils(
            session, reg, pupils=23, teachers=2, actor_id=teacher.id, now=utcnow()
        )

    assert (refusal.value.field, refusal.value.status_code) == ("pupils", 409)
    session.rollback()
    assert taken(session, offering.sessions[0]) == 28
    assert session.get(ClassRegistration, reg.id).pupils == 20


def test_after_the_deadline_the_count_may_go_down_not_up(session, teacher):
    offering = make_class_offering(session, enrolment_closes=utcnow() + timedelta(days=1))
    reg = register(session, offering, teacher, pupils=20)
    session.commit()
    later = utcnow() + timedelta(days=2)

    with pytest.raises(DomainError) as refusal:
        schools.change_pupils(session, reg, pupils=21, teachers=2, actor_id=teacher.id, now=later)
    assert refusal.value.field == "pupils"
    session.rollback()
    reg = session.get(ClassRegistration, reg.id)
    schools.change_pupils(session, reg, pupils=18, teachers=2, actor_id=teacher.id, now=later)

    assert taken(session, offering.sessions[0]) == 18
    assert reg.headcount_confirmed_at == later


def test_moving_a_class_frees_its_old_session_for_the_waiting(session, offering, teacher):
    first, second = (meeting.id for meeting in offering.sessions)
    reg = register(session, offering, teacher, choices=[first], pupils=30)
    waiting = register(session, offering, teacher, choices=[first], pupils=10)

    promoted = schools.move_class(
        session, reg, session_id=second, actor_id=teacher.id, now=utcnow()
    )

    assert promoted == [waiting]
    assert reg.session_id == second
    assert (taken(session, offering.sessions[0]), taken(session, offering.sessions[1])) == (10, 30)


def test_staff_decline_with_a_reason_that_is_emailed(session, offering, teacher):
    reg = register(session, offering, teacher, pupils=10)
    staff = make_user(session)

    schools.end_class(session, reg, actor_id=staff.id, now=utcnow(), reason="Aforo reducido")

    assert (reg.status, reg.decline_reason) == (ClassStatus.DECLINED, "Aforo reducido")
    assert taken(session, offering.sessions[0]) == 0
    message = session.scalars(select(OutboxMessage).order_by(OutboxMessage.id.desc())).first()
    assert message.template == "class_declined" and "Aforo reducido" in message.body_text


def test_a_cap_of_classes_per_school_refuses_the_next_with_its_reason(session, offering, teacher):
    session.add(ClassRules(offering_id=offering.id, max_classes_per_school=1))
    register(session, offering, teacher, pupils=10)

    with pytest.raises(schools.ClassRefused) as refusal:
        register(session, offering, teacher, pupils=10)

    assert refusal.value.status_code == 409
    assert "1" in str(refusal.value.message)


@pytest.mark.parametrize(
    ("details", "field"),
    [
        ({"pupils": 31}, "pupils"),
        ({"pupils": 0}, "pupils"),
        ({"pupils": -3}, "pupils"),
        ({"teachers": 0}, "teachers"),
        ({"group_name": "  "}, "group_name"),
        ({"stage": None}, "stage"),
        ({"phone": ""}, "phone"),
    ],
)
def test_bad_details_are_refused_at_their_field_and_store_nothing(
    session, offering, teacher, details, field
):
    session.commit()
    with pytest.raises(DomainError) as refusal:
        register(session, offering, teacher, **details)

    assert field in [name for name, _message in refusal.value.problems]
    assert refusal.value.status_code == 422
    session.rollback()
    assert stored(session) == 0
    assert taken(session, offering.sessions[0]) == 0


def test_fewer_teachers_than_the_offering_asks_for_are_refused(session, offering, teacher):
    session.add(ClassRules(offering_id=offering.id, pupils_per_teacher=10, stages="eso"))

    with pytest.raises(DomainError) as refusal:
        register(session, offering, teacher, pupils=21, teachers=2)

    fields = dict(refusal.value.problems)
    assert set(fields) == {"teachers", "stage"}  # 21 pupils need 3; the stage is not for it
    assert "3" in str(fields["teachers"])


def test_a_session_of_another_offering_is_refused(session, offering, teacher):
    other = make_class_offering(session)

    with pytest.raises(DomainError) as refusal:
        register(session, offering, teacher, choices=[other.sessions[0].id])

    assert refusal.value.field == "session"


def test_the_deadline_passed_refuses_registration(session, teacher):
    offering = make_class_offering(session, enrolment_closes=utcnow() - timedelta(hours=1))

    with pytest.raises(DomainError) as refusal:
        register(session, offering, teacher)

    assert refusal.value.status_code == 410


def test_only_a_teacher_of_the_school_registers_for_it(session, offering, teacher):
    other_school = make_school(session)
    resident = make_user(session)

    with pytest.raises(Forbidden):
        register(session, offering, resident)
    with pytest.raises(Forbidden):
        schools.register_class(
            session,
            offering_id=offering.id,
            teacher_id=teacher.id,
            school_id=other_school.id,
            session_ids=[offering.sessions[0].id],
            details=class_details(),
            now=utcnow(),
        )


def test_an_individual_offering_takes_no_classes(session, teacher):
    with pytest.raises(NotFound):
        register(session, make_offering(session), teacher)


def test_the_same_class_twice_for_one_session_is_refused(session, offering, teacher):
    register(session, offering, teacher, group_name="4º B")

    with pytest.raises(schools.ClassRefused) as refusal:
        register(session, offering, teacher, group_name="4º  b")

    assert refusal.value.field == "group_name"


def test_a_school_sees_only_its_own_registrations(session, offering, teacher):
    reg = register(session, offering, teacher)
    other = make_school(session)

    assert schools.school_registrations(session, other.id) == []
    with pytest.raises(NotFound):
        schools.get_school_registration(session, other.id, reg.id)


def test_pupils_reached_count_the_present_or_the_confirmed(session, teacher):
    past = make_class_offering(session, starts_in=timedelta(days=2), capacity=50)
    a = register(session, past, teacher, pupils=20)
    b = register(session, past, teacher, pupils=10)
    schools.mark_present(session, a, pupils_present=18, actor_id=teacher.id)
    after = past.sessions[0].starts_at + timedelta(hours=3)
    year = past.sessions[0].starts_at.year

    (row,) = [r for r in schools.reach(session, year, after) if r.programme == "science-week"]

    assert (row.municipality, row.schools, row.classes, row.pupils) == ("las-rozas", 1, 2, 28)
    assert b.pupils_present is None
    assert schools.reach(session, year, utcnow()) == []  # not held yet


def test_the_headcount_reminder_goes_once(session, teacher):
    soon = make_class_offering(session, starts_in=timedelta(hours=30))
    register(session, soon, teacher)

    first = schools.remind_headcounts(session, utcnow())
    second = schools.remind_headcounts(session, utcnow())

    assert (len(first), second) == (1, [])
    assert emails(session)[-1] == "class_headcount_reminder"


def test_staff_raise_a_session_capacity_and_the_waiting_class_is_confirmed(
    session, offering, teacher
):
    register(session, offering, teacher, pupils=25)
    waiting = register(session, offering, teacher, pupils=20)
    staff = make_user(session)
    first, second = offering.sessions

    promoted = schools.save_rules(
        session,
        offering,
        stages=[Stage.PRIMARIA],
        max_classes_per_school=None,
        pupils_per_teacher=None,
        capacities={first.id: 45, second.id: 30},
        actor_id=staff.id,
        now=utcnow(),
    )

    assert promoted == [waiting]
    with pytest.raises(DomainError) as refusal:
        schools.save_rules(
            session,
            offering,
            stages=[Stage.PRIMARIA],
            max_classes_per_school=None,
            pupils_per_teacher=None,
            capacities={first.id: 40, second.id: 30},
            actor_id=staff.id,
            now=utcnow(),
        )
    assert refusal.value.field == "capacities-0"


def test_a_session_that_classes_chose_is_never_removed(session, offering, teacher):
    first, second = offering.sessions
    register(session, offering, teacher, choices=[first.id])
    kept = [offerings.SessionRow(second.starts_at, second.ends_at, id=second.id)]

    with pytest.raises(DomainError) as refusal:
        offerings.set_sessions(session, offering, kept)

    assert (refusal.value.field, refusal.value.status_code) == ("sessions", 409)
    assert offerings.set_sessions(
        session, offering, [offerings.SessionRow(first.starts_at, first.ends_at, id=first.id)]
    )


def test_places_left_add_up_the_free_seats_of_the_sessions_still_to_start(
    session, offering, teacher
):
    first, second = offering.sessions
    register(session, offering, teacher, choices=[first.id], pupils=25)
    individual = make_offering(session, capacity=12, seats_taken=5)
    now = utcnow()

    assert schools.places_left(session, [offering, individual], now) == {
        offering.id: 5 + 30,
        individual.id: 7,
    }
    second.starts_at, second.ends_at = now - timedelta(hours=1), now + timedelta(hours=1)
    session.flush()
    assert schools.places_left(session, [offering], now) == {offering.id: 5}

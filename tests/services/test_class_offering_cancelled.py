"""Staff cancel a class-mode offering: in the same transaction every live class (confirmed
and waiting) ends, every seat is freed, nobody is promoted, each teacher is emailed in their
own language, and the cancellation is audited with the classes told."""

import pytest
from sqlalchemy import select

from app.models import (
    AuditEntry,
    ClassRegistration,
    ClassSession,
    ClassStatus,
    OfferingStatus,
    OutboxMessage,
    Role,
    utcnow,
)
from app.services import offerings, schools
from app.services.errors import Conflict
from tests.factories import (
    class_details,
    make_class_offering,
    make_school,
    make_teacher,
    make_user,
)


@pytest.fixture
def offering(session):
    return make_class_offering(session, capacity=30, sessions=2)


@pytest.fixture
def staff(session):
    return make_user(session, role=Role.COORDINATOR)


def register(session, offering, teacher, pupils, meeting=0):
    return schools.register_class(
        session,
        offering_id=offering.id,
        teacher_id=teacher.id,
        session_ids=[offering.sessions[meeting].id],
        details=class_details(pupils=pupils),
        now=utcnow(),
    )


def told(session) -> list[OutboxMessage]:
    return list(
        session.scalars(
            select(OutboxMessage)
            .where(OutboxMessage.template == "class_offering_cancelled")
            .order_by(OutboxMessage.id)
        )
    )


def pupils_taken(session, offering) -> list[int]:
    session.expire_all()
    return [session.get(ClassSession, meeting.id).pupils_taken for meeting in offering.sessions]


def classes_of_three_schools(session, offering):
    """A confirmed class in each session, a waiting one, and a class cancelled before."""
    spanish = make_teacher(session, make_school(session), language="es")
    english = make_teacher(session, make_school(session), language="en")
    confirmed = register(session, offering, spanish, 30)
    other = register(session, offering, english, 12, meeting=1)
    waiting = register(session, offering, english, 10)
    gone = register(session, offering, make_teacher(session, make_school(session)), 5, 1)
    schools.end_class(session, gone, actor_id=gone.teacher_id, now=utcnow())
    return [confirmed, other, waiting], gone


def test_cancelling_the_offering_ends_every_live_class_and_tells_each_teacher(
    session, offering, staff
):
    live, gone = classes_of_three_schools(session, offering)
    assert live[2].status == ClassStatus.WAITING

    ended = offerings.cancel(session, offering, actor_id=staff.id, now=utcnow())

    assert ended == live
    assert offering.status == OfferingStatus.CANCELLED
    for reg in live:
        assert reg.status == ClassStatus.OFFERING_CANCELLED
        last = reg.events[-1]
        assert (last.reason, last.actor_id) == ("offering-cancelled", staff.id)
    assert gone.status == ClassStatus.CANCELLED  # ended before: left as it was
    assert pupils_taken(session, offering) == [0, 0]
    rows = told(session)
    assert [row.to_address for row in rows] == [reg.teacher.email for reg in live]
    assert "/es/schools/" in rows[0].body_text and "/en/schools/" in rows[1].body_text
    assert rows[0].subject.startswith("Cancelada:") and rows[1].subject.startswith("Cancelled:")
    assert not session.scalars(
        select(OutboxMessage).where(OutboxMessage.template == "class_promoted")
    ).all()


def test_the_cancellation_is_audited_with_the_classes_told(session, offering, staff):
    live, _gone = classes_of_three_schools(session, offering)

    offerings.cancel(session, offering, actor_id=staff.id, now=utcnow())
    again = offerings.cancel(session, offering, actor_id=staff.id, now=utcnow())

    assert again == []
    [entry] = session.scalars(
        select(AuditEntry).where(AuditEntry.action == "offering.cancel")
    ).all()
    assert entry.actor_id == staff.id
    assert entry.after["classes_told"] == len(live)
    assert entry.after["participants_told"] == 0
    assert len(told(session)) == len(live)  # asking again told nobody twice


def test_the_classes_end_in_the_callers_transaction(session, offering, staff):
    live, _gone = classes_of_three_schools(session, offering)
    session.commit()
    before = pupils_taken(session, offering)

    offerings.cancel(session, offering, actor_id=staff.id, now=utcnow())
    session.rollback()

    assert offering.status == OfferingStatus.PUBLISHED
    assert [session.get(ClassRegistration, reg.id).status for reg in live] == [
        ClassStatus.CONFIRMED,
        ClassStatus.CONFIRMED,
        ClassStatus.WAITING,
    ]
    assert pupils_taken(session, offering) == before
    assert told(session) == []


def test_a_class_of_a_cancelled_offering_can_no_longer_change(session, offering, staff):
    live, _gone = classes_of_three_schools(session, offering)
    offerings.cancel(session, offering, actor_id=staff.id, now=utcnow())
    confirmed = live[0]

    with pytest.raises(Conflict):
        schools.change_pupils(
            session, confirmed, pupils=5, teachers=2, actor_id=confirmed.teacher_id, now=utcnow()
        )
    with pytest.raises(Conflict):
        schools.end_class(session, confirmed, actor_id=confirmed.teacher_id, now=utcnow())
    assert confirmed.status == ClassStatus.OFFERING_CANCELLED
    assert pupils_taken(session, offering) == [0, 0]

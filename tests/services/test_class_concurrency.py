"""Teachers at once, on the real database (SQLite here, PostgreSQL under
``MOT_TEST_DB=postgres``), each in its own thread, connection and transaction: a session
never holds more pupils than its capacity, a class is never split, and every counter
equals the pupils of the classes confirmed in it."""

import sqlalchemy as sa

from app.extensions import db
from app.models import (
    ClassRegistration,
    ClassSession,
    ClassStatus,
    Offering,
    OutboxMessage,
    Role,
    utcnow,
)
from app.services import offerings, schools
from app.services.errors import Conflict, DomainError
from tests.factories import (
    class_details,
    make_class_offering,
    make_school,
    make_teacher,
    make_user,
)
from tests.services.test_concurrency import engine, run_together  # noqa: F401  (fixture)

TEACHERS = 20
CAPACITY = 100


def setup(app, capacity=CAPACITY, teachers=TEACHERS):
    with app.app_context():
        offering = make_class_offering(db.session, capacity=capacity, sessions=1)
        ids = [make_teacher(db.session, make_school(db.session)).id for _ in range(teachers)]
        db.session.commit()
        return offering.id, offering.sessions[0].id, ids


def register_job(offering_id, session_id, teacher_id, pupils):
    def job(session):
        reg = schools.register_class(
            session,
            offering_id=offering_id,
            teacher_id=teacher_id,
            session_ids=[session_id],
            details=class_details(pupils=pupils, teachers=2),
            now=utcnow(),
        )
        return reg.id, reg.status

    return job


def state(app, session_id):
    """(pupils of the confirmed classes, the counter, every class as (id, status, pupils))."""
    with app.app_context():
        rows = db.session.execute(
            sa.select(ClassRegistration.id, ClassRegistration.status, ClassRegistration.pupils)
            .where(ClassRegistration.session_id == session_id)
            .order_by(ClassRegistration.id)
        ).all()
        counter = db.session.get(ClassSession, session_id).pupils_taken
        confirmed = sum(pupils for _id, status, pupils in rows if status == ClassStatus.CONFIRMED)
        return confirmed, counter, rows


def test_twenty_teachers_racing_for_the_last_seats_of_one_session(app, engine):  # noqa: F811
    """80 of 100 seats are taken; twenty classes of 7 to 11 pupils arrive at once: the 20
    seats left go to whole classes only, and the rest wait."""
    offering_id, session_id, teachers = setup(app, teachers=TEACHERS + 1)
    with app.app_context():
        register_job(offering_id, session_id, teachers[-1], 80)(db.session)
        db.session.commit()
    sizes = [7 + index % 5 for index in range(TEACHERS)]

    outcomes = run_together(
        app,
        engine,
        [
            register_job(offering_id, session_id, teacher, size)
            for teacher, size in zip(teachers, sizes, strict=False)
        ],
    )

    assert not [outcome for outcome in outcomes if isinstance(outcome, Exception)]
    confirmed, counter, rows = state(app, session_id)
    assert confirmed == counter <= CAPACITY
    assert len(rows) == TEACHERS + 1
    statuses = [status for _id, status, _pupils in rows]
    assert statuses.count(ClassStatus.CONFIRMED) >= 3  # 20 seats take two classes at least
    # No waiting class would fit in what is left: nobody was refused a seat that was free.
    left = CAPACITY - counter
    assert all(pupils > left for _id, status, pupils in rows if status == ClassStatus.WAITING)


def change_job(reg_id, pupils):
    def job(session):
        reg = session.get(ClassRegistration, reg_id)
        schools.change_pupils(
            session, reg, pupils=pupils, teachers=2, actor_id=reg.teacher_id, now=utcnow()
        )
        return "changed"

    return job


def cancel_job(reg_id):
    def job(session):
        reg = session.get(ClassRegistration, reg_id)
        schools.end_class(session, reg, actor_id=reg.teacher_id, now=utcnow())
        return "cancelled"

    return job


def test_pupil_count_changes_racing_a_cancellation_never_overfill_nor_split(app, engine):  # noqa: F811
    """Four confirmed classes of 25 fill a session; one is cancelled while the others each
    try to grow by 10 and a waiting class of 20 hopes for seats. However it interleaves,
    the counter is the confirmed pupils and never above capacity."""
    offering_id, session_id, teachers = setup(app, teachers=5)
    with app.app_context():
        ids = [
            register_job(offering_id, session_id, teacher, 25)(db.session)[0]
            for teacher in teachers[:4]
        ]
        waiting_id, status = register_job(offering_id, session_id, teachers[4], 20)(db.session)
        db.session.commit()
    assert status == ClassStatus.WAITING

    outcomes = run_together(
        app, engine, [cancel_job(ids[0]), *(change_job(reg_id, 35) for reg_id in ids[1:])]
    )

    assert outcomes[0] == "cancelled"
    for outcome in outcomes[1:]:  # a growth that no longer fits is refused, with its reason
        assert outcome == "changed" or isinstance(outcome, schools.ClassRefused), outcome
    confirmed, counter, rows = state(app, session_id)
    assert confirmed == counter <= CAPACITY
    pupils = {reg_id: size for reg_id, _status, size in rows}
    assert all(pupils[reg_id] in (25, 35) for reg_id in ids[1:])  # whole changes or none
    assert pupils[waiting_id] == 20  # confirmed or still waiting, whole
    grown = sum(1 for outcome in outcomes[1:] if outcome == "changed")
    assert grown <= 2  # 25 seats freed: two growths of 10 at most (or the class of 20)


def test_a_class_cancelled_five_times_at_once_frees_its_seats_once(app, engine):  # noqa: F811
    offering_id, session_id, teachers = setup(app, capacity=30, teachers=2)
    with app.app_context():
        holder, _ = register_job(offering_id, session_id, teachers[0], 30)(db.session)
        db.session.commit()

    outcomes = run_together(app, engine, [cancel_job(holder) for _ in range(5)])

    assert outcomes.count("cancelled") == 1
    assert all(isinstance(o, Conflict) for o in outcomes if o != "cancelled")
    confirmed, counter, _rows = state(app, session_id)
    assert confirmed == counter == 0


def cancel_offering_job(offering_id, staff_id):
    def job(session):
        offering = session.get(Offering, offering_id)
        return len(offerings.cancel(session, offering, actor_id=staff_id, now=utcnow()))

    return job


def test_classes_racing_the_offerings_cancellation_all_end_with_it(app, engine):  # noqa: F811
    """Staff cancel the offering while two classes grow, one is cancelled by its school and
    six more are registered: whatever committed first, no class stays live, every seat is
    free, and each class ended with the offering is told once."""
    offering_id, session_id, teachers = setup(app, teachers=10)
    with app.app_context():
        ids = [
            register_job(offering_id, session_id, teacher, 20)(db.session)[0]
            for teacher in teachers[:3]
        ]
        staff_id = make_user(db.session, role=Role.COORDINATOR).id
        db.session.commit()

    outcomes = run_together(
        app,
        engine,
        [
            cancel_offering_job(offering_id, staff_id),
            cancel_job(ids[0]),
            *(change_job(reg_id, 30) for reg_id in ids[1:]),
            *(register_job(offering_id, session_id, teacher, 10) for teacher in teachers[3:9]),
        ],
    )

    assert isinstance(outcomes[0], int), outcomes[0]
    # A class too late for the offering is refused with its reason (cancelled, not live).
    refused = [o for o in outcomes[1:] if isinstance(o, Exception)]
    assert all(isinstance(o, DomainError) for o in refused), refused
    confirmed, counter, rows = state(app, session_id)
    assert confirmed == counter == 0
    statuses = {status for _id, status, _pupils in rows}
    assert statuses <= {ClassStatus.CANCELLED, ClassStatus.OFFERING_CANCELLED}
    with app.app_context():
        told = db.session.scalars(
            sa.select(OutboxMessage.to_address).where(
                OutboxMessage.template == "class_offering_cancelled"
            )
        ).all()
    ended = [reg_id for reg_id, status, _pupils in rows if status == ClassStatus.OFFERING_CANCELLED]
    assert len(told) == len(ended) == outcomes[0]

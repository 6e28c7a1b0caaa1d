"""Many people at once: real threads, each with its own connection and transaction, released
together by a barrier, against the real database (SQLite here, PostgreSQL under
``MOT_TEST_DB=postgres``). The counts must come out exact however the threads interleave."""

import re
import threading

import pytest
import sqlalchemy as sa
from flask_babel import force_locale
from sqlalchemy.orm import Session
from sqlalchemy.pool import NullPool

from app.extensions import db
from app.models import (
    Enrolment,
    EnrolmentStatus,
    Offering,
    OfferingSession,
    OutboxMessage,
    utcnow,
)
from app.services import enrolment as service
from app.services import indicators
from app.services.indicators import store as indicators_store
from tests.factories import make_offering, make_user

CAPACITY = 5
PEOPLE = 30


@pytest.fixture
def engine(app):
    """One new connection per session: the app's pool would make some threads queue for a
    connection instead of meeting in the database."""
    engine = sa.create_engine(app.config["SQLALCHEMY_DATABASE_URI"], poolclass=NullPool)
    yield engine
    engine.dispose()


def run_together(app, engine, jobs):
    """Run every ``job(session)`` at the same moment, each in its own thread, app context and
    transaction (committed if it returns). Returns what each returned or raised."""
    barrier = threading.Barrier(len(jobs))
    outcomes = [None] * len(jobs)

    def worker(index, job):
        with app.app_context(), force_locale("en"), Session(engine) as session:
            barrier.wait()
            try:
                outcomes[index] = job(session)
                session.commit()
            except Exception as error:  # every outcome is inspected by the test
                session.rollback()
                outcomes[index] = error

    threads = [threading.Thread(target=worker, args=item) for item in enumerate(jobs)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not any(thread.is_alive() for thread in threads)
    return outcomes


def enrol_job(offering_id, user_id):
    def job(session):
        place = service.enrol(session, offering_id=offering_id, user_id=user_id, now=utcnow())
        return place.id, place.status

    return job


def cancel_job(enrolment_id, user_id):
    def job(session):
        service.cancel_enrolment(session, enrolment_id=enrolment_id, user_id=user_id, now=utcnow())
        return enrolment_id

    return job


def setup(app, people=PEOPLE, capacity=CAPACITY):
    with app.app_context():
        offering = make_offering(db.session, capacity=capacity)
        users = [make_user(db.session) for _ in range(people)]
        db.session.commit()
        return offering.id, [user.id for user in users]


def places(app, offering_id):
    """(id, user_id, status) of every enrolment, in arrival order, and the seat counter."""
    with app.app_context():
        rows = db.session.execute(
            sa.select(Enrolment.id, Enrolment.user_id, Enrolment.status)
            .where(Enrolment.offering_id == offering_id)
            .order_by(Enrolment.id)
        ).all()
        seats = db.session.get(Offering, offering_id).seats_taken
        return rows, seats


def positions(app, offering_id):
    with app.app_context():
        waiting = db.session.scalars(
            sa.select(Enrolment)
            .where(Enrolment.offering_id == offering_id, Enrolment.status == "waiting")
            .order_by(Enrolment.id)
        )
        return [service.waiting_position(db.session, row) for row in waiting]


def test_a_rush_fills_the_places_exactly_and_queues_the_rest_in_arrival_order(app, engine):
    offering_id, user_ids = setup(app)

    outcomes = run_together(app, engine, [enrol_job(offering_id, uid) for uid in user_ids])

    assert not [outcome for outcome in outcomes if isinstance(outcome, Exception)]
    rows, seats = places(app, offering_id)
    statuses = [status for _id, _user, status in rows]
    assert statuses.count(EnrolmentStatus.CONFIRMED) == CAPACITY
    assert statuses.count(EnrolmentStatus.WAITING) == PEOPLE - CAPACITY
    assert seats == CAPACITY
    assert sorted(user for _id, user, _status in rows) == sorted(user_ids)  # one each
    assert positions(app, offering_id) == list(range(1, PEOPLE - CAPACITY + 1))
    with app.app_context():
        sent = db.session.execute(sa.select(OutboxMessage.template, OutboxMessage.body_text)).all()
    assert sorted({template for template, _ in sent}) == [
        "enrolment_confirmed",
        "enrolment_waiting",
    ]
    assert len(sent) == PEOPLE
    # Each waiting email, written under the lock, tells a position no other was told.
    told = [int(n) for _, text in sent for n in re.findall(r"(?:waiting list|espera): (\d+)", text)]
    assert sorted(told) == list(range(1, PEOPLE - CAPACITY + 1))


def test_one_person_clicking_five_times_at_once_holds_one_place(app, engine):
    offering_id, (user_id,) = setup(app, people=1)

    outcomes = run_together(app, engine, [enrol_job(offering_id, user_id) for _ in range(5)])

    # Each request either took the place or met it already taken (then the page shows it).
    for outcome in outcomes:
        assert isinstance(outcome, tuple | service.AlreadyEnrolled), outcome
    rows, seats = places(app, offering_id)
    assert [(user, status) for _id, user, status in rows] == [(user_id, EnrolmentStatus.CONFIRMED)]
    assert seats == 1
    assert {outcome[0] for outcome in outcomes if isinstance(outcome, tuple)} == {rows[0][0]}


def test_concurrent_cancellations_promote_exactly_as_many_as_cancelled(app, engine):
    offering_id, user_ids = setup(app)
    run_together(app, engine, [enrol_job(offering_id, uid) for uid in user_ids])
    rows, _ = places(app, offering_id)
    confirmed = [(id_, user) for id_, user, status in rows if status == "confirmed"]
    first_waiting = [id_ for id_, _user, status in rows if status == "waiting"][:3]

    outcomes = run_together(app, engine, [cancel_job(*place) for place in confirmed[:3]])

    assert sorted(outcomes) == sorted(id_ for id_, _user in confirmed[:3])
    after, seats = places(app, offering_id)
    status = {id_: status for id_, _user, status in after}
    assert seats == CAPACITY
    assert [status[id_] for id_ in first_waiting] == [EnrolmentStatus.CONFIRMED] * 3
    assert list(status.values()).count(EnrolmentStatus.CONFIRMED) == CAPACITY
    assert positions(app, offering_id) == list(range(1, PEOPLE - CAPACITY - 3 + 1))
    with app.app_context():
        promoted = db.session.scalar(
            sa.select(sa.func.count()).where(OutboxMessage.template == "enrolment_promoted")
        )
    assert promoted == 3


def test_a_place_cancelled_five_times_at_once_is_given_back_once(app, engine):
    offering_id, user_ids = setup(app, people=CAPACITY + 2)
    run_together(app, engine, [enrol_job(offering_id, uid) for uid in user_ids])
    rows, _ = places(app, offering_id)
    place_id, owner = next((id_, user) for id_, user, status in rows if status == "confirmed")

    outcomes = run_together(app, engine, [cancel_job(place_id, owner) for _ in range(5)])

    assert outcomes.count(place_id) == 1
    assert all(
        isinstance(outcome, service.EnrolmentGone) for outcome in outcomes if outcome != place_id
    )
    after, seats = places(app, offering_id)
    statuses = [status for _id, _user, status in after]
    assert seats == statuses.count(EnrolmentStatus.CONFIRMED) == CAPACITY
    assert statuses.count(EnrolmentStatus.WAITING) == 1


def test_people_leaving_the_waiting_list_while_it_moves_never_leak_a_seat(app, engine):
    """The first waiting people give up while confirmed places are being cancelled: however
    it interleaves, they end cancelled and every seat counted belongs to a confirmed place."""
    offering_id, user_ids = setup(app, people=CAPACITY + 8)
    run_together(app, engine, [enrol_job(offering_id, uid) for uid in user_ids])
    rows, _ = places(app, offering_id)
    confirmed = [(id_, user) for id_, user, status in rows if status == "confirmed"][:3]
    waiting = [(id_, user) for id_, user, status in rows if status == "waiting"][:3]

    outcomes = run_together(app, engine, [cancel_job(*place) for place in confirmed + waiting])

    assert not [outcome for outcome in outcomes if isinstance(outcome, Exception)]
    after, seats = places(app, offering_id)
    status = {id_: status for id_, _user, status in after}
    assert [status[id_] for id_, _user in confirmed + waiting] == [EnrolmentStatus.CANCELLED] * 6
    assert seats == list(status.values()).count(EnrolmentStatus.CONFIRMED) == CAPACITY


def year_figures(app, year):
    """The year's figures as stored (values and deltas), then as a rebuild counts them."""
    with app.app_context():
        stored = indicators_store.stored_values(db.session, year)
        indicators.rebuild(db.session, year, now=utcnow())
        rebuilt = indicators_store.stored_values(db.session, year)
        db.session.commit()
        return stored, rebuilt


def test_a_rush_over_several_offerings_with_a_rebuild_and_a_compaction_counts_everyone(app, engine):
    """Enrolments in three offerings at once write no figure in common (they append deltas),
    while a rebuild and a compaction of the same year run beside them: nothing is lost or
    counted twice."""
    with app.app_context():
        offerings = [make_offering(db.session, capacity=3) for _ in range(3)]
        users = [make_user(db.session) for _ in range(12)]
        db.session.commit()
        year = indicators.year_of(offerings[0].starts_at)
        jobs = [enrol_job(offerings[i % 3].id, user.id) for i, user in enumerate(users)]

    def rebuild(session):
        return indicators.rebuild(session, year, now=utcnow())

    def compact(session):
        return indicators.compact(session, year)

    outcomes = run_together(app, engine, [*jobs, rebuild, compact])

    assert not [outcome for outcome in outcomes if isinstance(outcome, Exception)]
    stored, rebuilt = year_figures(app, year)
    assert stored == rebuilt
    assert stored[("enrolments", "", "")] == 9
    assert stored[("unmet_waiting", "", "")] == 3
    assert stored[("participants", "", "")] == 9


def test_two_staff_recording_attendance_at_once_both_land_in_the_figures(app, engine):
    """Two re-counts of one group of one year take turns instead of both replacing it."""
    with app.app_context():
        offerings = [make_offering(db.session, capacity=2) for _ in range(2)]
        for offering in offerings:
            for _ in range(2):
                service.enrol(
                    db.session,
                    offering_id=offering.id,
                    user_id=make_user(db.session).id,
                    now=utcnow(),
                )
        db.session.commit()
        year = indicators.year_of(offerings[0].starts_at)
        session_ids = [offering.sessions[0].id for offering in offerings]

    def mark(session_id):
        def job(session):
            offering_session = session.get(OfferingSession, session_id)
            people = service.confirmed_participants(session, offering_session.offering_id)
            return service.mark_attendance(
                session,
                offering_session,
                present=[place.id for place in people],
                actor_id=None,
                now=utcnow(),
            )

        return job

    outcomes = run_together(app, engine, [mark(session_id) for session_id in session_ids])

    assert outcomes == [(2, 2), (2, 2)]
    stored, rebuilt = year_figures(app, year)
    assert stored == rebuilt
    assert stored[("attendance_present", "", "")] == 4

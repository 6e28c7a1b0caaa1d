"""The catalogue version moves with every offer-side change a public page shows, in the
change's own transaction, and never with an enrolment (a rush must not queue on one row)."""

import random
from datetime import timedelta

import pytest
from sqlalchemy import text

from app.models import ClassSession, OfferingStatus
from app.models.types import utcnow
from app.services import enrolment, offerings, schools
from app.services.catalogue import catalogue_state
from app.services.imports import import_offerings
from app.services.offerings import OfferingData, SessionRow
from tests.factories import (
    class_details,
    edit_offering,
    make_class_offering,
    make_offering,
    make_school,
    make_teacher,
    make_user,
)
from tests.services.test_importer import csv_bytes, row


def version(session) -> int:
    return catalogue_state(session, utcnow()).version


@pytest.fixture
def draft(session):
    offering = make_offering(session, status=OfferingStatus.DRAFT, title_es="Robótica")
    session.flush()
    return offering


def test_publish_edit_sessions_cancel_each_move_the_version(session, draft):
    steps = [
        lambda: offerings.publish(session, draft, actor_id=None),
        lambda: edit_offering(session, draft, title_es="Robótica avanzada"),
        lambda: offerings.update_offering(
            session,
            draft,
            OfferingData.of(draft),
            [
                SessionRow(s.starts_at + timedelta(hours=3), s.ends_at + timedelta(hours=3))
                for s in draft.sessions
            ],
            actor_id=None,
            now=utcnow(),
        ),
        lambda: offerings.cancel(session, draft, actor_id=None, now=utcnow()),
    ]
    for step in steps:
        before = version(session)
        step()
        assert version(session) == before + 1


def test_an_import_moves_the_version(session):
    before = version(session)
    result = import_offerings(session, csv_bytes([row()]))
    assert not result.errors
    assert version(session) > before


def test_a_rolled_back_change_leaves_the_version_as_it_was(app, session, draft):
    session.commit()
    before = version(session)
    offerings.publish(session, draft, actor_id=None)
    session.rollback()
    assert version(session) == before


def test_an_enrolment_does_not_touch_the_version(session):
    offering = make_offering(session, capacity=2)
    session.flush()
    before = catalogue_state(session, utcnow())
    for _ in range(3):
        user = make_user(session)
        enrolment.enrol(session, offering_id=offering.id, user_id=user.id, now=utcnow())
    after = catalogue_state(session, utcnow())
    assert after.version == before.version
    # ...but filling it up changes the set of full offerings, which keys cached results.
    assert after.full == (before.full[0] + 1, before.full[1] + offering.id)


def test_a_class_session_filling_up_or_a_session_starting_moves_the_results_key(session):
    """A class-mode offering is "available" while a session still to start takes pupils:
    the results cached for that filter must move when one fills up or starts."""
    offering = make_class_offering(session, capacity=20, sessions=2)
    session.flush()
    now = utcnow()
    before = catalogue_state(session, now)
    teacher = make_teacher(session, make_school(session))
    schools.register_class(
        session,
        offering_id=offering.id,
        teacher_id=teacher.id,
        session_ids=[offering.sessions[0].id],
        details=class_details(pupils=20),
        now=now,
    )
    after = catalogue_state(session, now)

    assert after.version == before.version
    full = offering.sessions[0].id
    assert after.full_classes == (before.full_classes[0] + 1, before.full_classes[1] + full)
    assert after.key != before.key
    # The second session's start is a moment the key changes at, as an offering's are.
    second = offering.sessions[1].starts_at
    assert catalogue_state(session, offering.sessions[0].starts_at).next_boundary <= second


def test_every_seat_taken_or_freed_moves_the_seat_stamp_and_nothing_else_does(session):
    offering = make_offering(session, capacity=1)
    other = make_offering(session, capacity=5)
    session.flush()
    stamps = [catalogue_state(session, utcnow()).seats]
    first = enrolment.enrol(
        session, offering_id=offering.id, user_id=make_user(session).id, now=utcnow()
    )
    stamps.append(catalogue_state(session, utcnow()).seats)
    # Full: the next person waits, and no seat moves.
    enrolment.enrol(session, offering_id=offering.id, user_id=make_user(session).id, now=utcnow())
    stamps.append(catalogue_state(session, utcnow()).seats)
    # Freed and taken again by the first on the waiting list: two moves.
    enrolment.cancel_enrolment(session, enrolment_id=first.id, user_id=first.user_id, now=utcnow())
    stamps.append(catalogue_state(session, utcnow()).seats)
    enrolment.enrol(session, offering_id=other.id, user_id=make_user(session).id, now=utcnow())
    stamps.append(catalogue_state(session, utcnow()).seats)
    assert stamps[1] > stamps[0]
    assert stamps[2] == stamps[1]
    assert stamps[3] > stamps[2]
    assert stamps[4] > stamps[3]


def test_a_class_taking_or_leaving_its_seats_moves_the_seat_stamp(session):
    offering = make_class_offering(session, capacity=30, sessions=2)
    school = make_school(session)
    teacher = make_teacher(session, school)
    session.flush()
    before = catalogue_state(session, utcnow())
    registration = schools.register_class(
        session,
        offering_id=offering.id,
        teacher_id=teacher.id,
        session_ids=[offering.sessions[0].id],
        details=class_details(),
        now=utcnow(),
    )
    taken = catalogue_state(session, utcnow())
    assert taken.seats > before.seats
    assert taken.page_key != before.page_key
    assert taken.key == before.key  # the results lists do not depend on one class's pupils
    schools.end_class(session, registration, actor_id=teacher.id, now=utcnow())
    assert catalogue_state(session, utcnow()).seats > taken.seats


def test_a_rolled_back_seat_leaves_the_stamp_as_it_was(session):
    offering = make_offering(session, capacity=3)
    session.commit()
    before = catalogue_state(session, utcnow()).seats
    enrolment.enrol(session, offering_id=offering.id, user_id=make_user(session).id, now=utcnow())
    session.rollback()
    assert catalogue_state(session, utcnow()).seats == before


def counted_full_sets(session) -> tuple[tuple[int, int], tuple[int, int]]:
    """The full sets as the rows say, counted: what the seat stamp's triggers must agree with."""
    offerings = session.execute(
        text(
            "SELECT count(*), coalesce(sum(id), 0) FROM offering"
            " WHERE status = 'published' AND seats_taken >= capacity"
        )
    ).one()
    classes = session.execute(
        text(
            "SELECT count(*), coalesce(sum(session_id), 0) FROM class_session"
            " WHERE pupils_taken >= capacity"
        )
    ).one()
    return tuple(offerings), tuple(classes)


def test_the_full_sets_the_triggers_keep_equal_counting_the_rows(session):
    """Whatever changes a row (seats, capacity, status, a row added or deleted, an offering
    deleted with its class sessions), the key's full sets are those the rows hold."""
    rng = random.Random(14)
    offerings = [make_offering(session, capacity=rng.randint(1, 3)) for _ in range(5)]
    classes = make_class_offering(session, capacity=3, sessions=3)
    session.flush()
    meetings = [meeting.id for meeting in classes.sessions]

    def change_offering():
        offering = rng.choice(offerings)
        change = rng.choice(["seats", "capacity", "status", "replace"])
        if change == "seats":
            offering.seats_taken = rng.randint(0, offering.capacity)
        elif change == "capacity":
            offering.capacity = rng.randint(max(1, offering.seats_taken), 4)
        elif change == "status":
            offering.status = rng.choice(list(OfferingStatus))
        else:
            session.delete(offering)
            offerings[offerings.index(offering)] = make_offering(
                session, capacity=1, seats_taken=rng.randint(0, 1)
            )

    def change_class_session():
        meeting_id = rng.choice(meetings)
        row = session.get(ClassSession, meeting_id)
        if row is None:
            capacity = rng.randint(1, 3)
            session.add(
                ClassSession(
                    session_id=meeting_id, capacity=capacity, pupils_taken=rng.randint(0, capacity)
                )
            )
        elif rng.random() < 0.3:
            session.delete(row)
        else:
            row.pupils_taken = rng.randint(0, row.capacity)

    for _ in range(150):
        rng.choice([change_offering, change_class_session])()
        session.flush()
        state = catalogue_state(session, utcnow())
        assert (state.full, state.full_classes) == counted_full_sets(session)
    session.delete(classes)
    session.flush()
    state = catalogue_state(session, utcnow())
    assert (state.full, state.full_classes) == counted_full_sets(session)

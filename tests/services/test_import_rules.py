"""Importing a spreadsheet again follows the back office's rules: it goes through the
offering service, so attendance survives, capacity promotes, changes are audited and told."""

from datetime import UTC, datetime

from sqlalchemy import func, select

from app.models import (
    Attendance,
    AuditEntry,
    Enrolment,
    EnrolmentStatus,
    Offering,
    OfferingSession,
    OfferingStatus,
    OutboxMessage,
    Role,
)
from app.services import enrolment
from app.services.imports import import_offerings
from tests.factories import make_user
from tests.services.test_importer import csv_bytes, row

NOW = datetime(2030, 2, 10, 9, tzinfo=UTC)
FIRST = "2030-03-04 17:00-19:00"
SECOND = "2030-03-11 17:00-19:00"
THIRD = "2030-03-18 17:00-19:00"


def future_row(**changes) -> dict:
    return row(
        **{
            "enrolment_opens": "2030-02-01",
            "enrolment_closes": "2030-03-01",
            "min_age": "",
            "capacity": "2",
            "sessions": f"{FIRST};{SECOND};{THIRD}",
            **changes,
        }
    )


def imported(session, *rows, source="import ofertas.csv") -> Offering:
    result = import_offerings(session, csv_bytes(list(rows)), source=source, now=NOW)
    assert result.ok, [error.describe() for error in result.errors]
    session.flush()
    return session.scalars(select(Offering).filter_by(external_id=rows[0]["external_id"])).one()


def enrol_people(session, offering, count: int) -> list[Enrolment]:
    return [
        enrolment.enrol(session, offering_id=offering.id, user_id=make_user(session).id, now=NOW)
        for _ in range(count)
    ]


def mark_everyone_present(session, offering, offering_session):
    staff = make_user(session, role=Role.COORDINATOR)
    confirmed = [place.id for place in enrolment.confirmed_participants(session, offering.id)]
    enrolment.mark_attendance(
        session, offering_session, present=confirmed, actor_id=staff.id, now=NOW
    )


def attendance_count(session) -> int:
    return session.scalar(select(func.count()).select_from(Attendance))


def test_moving_one_session_by_import_keeps_the_attendance_already_recorded(session):
    offering = imported(session, future_row())
    enrol_people(session, offering, 2)
    first = offering.sessions[0]
    mark_everyone_present(session, offering, first)
    ids = [item.id for item in offering.sessions]

    moved = imported(session, future_row(sessions=f"2030-03-05 17:00-19:00;{SECOND};{THIRD}"))

    assert [item.id for item in moved.sessions] == ids
    assert moved.sessions[0].starts_at == datetime(2030, 3, 5, 16, tzinfo=UTC)
    assert attendance_count(session) == 2
    assert {mark.session_id for mark in session.scalars(select(Attendance))} == {first.id}


def test_sessions_listed_in_another_order_are_the_same_sessions(session):
    offering = imported(session, future_row())
    ids = [item.id for item in offering.sessions]
    again = import_offerings(
        session, csv_bytes([future_row(sessions=f"{THIRD};{FIRST};{SECOND}")]), now=NOW
    )
    assert again.ok
    assert [outcome.action for outcome in again.outcomes] == ["unchanged"]
    assert [item.id for item in offering.sessions] == ids


def test_a_session_with_attendance_cannot_be_dropped_by_import(session):
    offering = imported(session, future_row())
    enrol_people(session, offering, 1)
    mark_everyone_present(session, offering, offering.sessions[0])
    session.commit()

    result = import_offerings(session, csv_bytes([future_row(sessions=f"{SECOND}")]), now=NOW)

    assert not result.ok
    [error] = result.errors
    assert (error.row, error.column) == (2, "sessions")
    assert "asistencia" in error.describe()  # the Spanish of the request
    session.rollback()
    assert len(session.scalars(select(OfferingSession)).all()) == 3
    assert attendance_count(session) == 1


def test_a_session_held_elsewhere_keeps_its_venue_when_imported_again(session):
    offering = imported(session, future_row())
    offering.sessions[1].venue = "Museo de la Ciencia"
    session.flush()
    imported(session, future_row(sessions=f"{FIRST};2030-03-12 17:00-19:00;{THIRD}"))
    assert offering.sessions[1].venue == "Museo de la Ciencia"


def test_raising_the_capacity_by_import_promotes_the_waiting_list_and_tells_them(session):
    offering = imported(session, future_row())
    *_confirmed, waiting, last = enrol_people(session, offering, 4)
    assert (waiting.status, last.status) == (EnrolmentStatus.WAITING, EnrolmentStatus.WAITING)

    imported(session, future_row(capacity="3"))

    session.refresh(waiting)
    session.refresh(last)
    assert (waiting.status, last.status) == (EnrolmentStatus.CONFIRMED, EnrolmentStatus.WAITING)
    assert offering.seats_taken == 3
    promoted = session.scalars(select(OutboxMessage).filter_by(template="enrolment_promoted")).all()
    assert [message.to_address for message in promoted] == [waiting.user.email]


def test_the_capacity_never_goes_below_the_places_given_by_import(session):
    offering = imported(session, future_row())
    enrol_people(session, offering, 2)
    session.commit()

    result = import_offerings(session, csv_bytes([future_row(capacity="1")]), now=NOW)

    assert [(error.row, error.column) for error in result.errors] == [(2, "capacity")]
    session.rollback()
    assert (offering.capacity, offering.seats_taken) == (2, 2)


def test_each_changed_offering_has_an_audit_entry_naming_the_import(session):
    imported(session, future_row(), future_row(external_id="LR-2025-002"))
    before = session.scalar(select(func.count()).select_from(AuditEntry))

    imported(
        session,
        future_row(capacity="5"),
        future_row(external_id="LR-2025-002"),
        source="import ofertas-marzo.xlsx",
    )

    [entry] = session.scalars(select(AuditEntry).order_by(AuditEntry.id.desc()).limit(1)).all()
    assert session.scalar(select(func.count()).select_from(AuditEntry)) == before + 1
    assert entry.action == "offering.update"
    assert entry.summary == "LR-2025-001: capacity (import ofertas-marzo.xlsx)"
    assert (entry.before, entry.after) == ({"capacity": 2}, {"capacity": 5})


def test_new_dates_by_import_are_told_to_every_participant(session):
    offering = imported(session, future_row(capacity="3"))
    places = enrol_people(session, offering, 3)
    session.execute(OutboxMessage.__table__.delete())

    imported(session, future_row(capacity="3", sessions=f"{FIRST};{SECOND};2030-03-19 17:00-19:00"))

    told = session.scalars(select(OutboxMessage).filter_by(template="offering_changed")).all()
    assert sorted(message.to_address for message in told) == sorted(
        place.user.email for place in places
    )


def test_a_published_offering_with_people_cannot_go_back_to_draft_by_import(session):
    offering = imported(session, future_row())
    enrol_people(session, offering, 1)
    session.commit()

    result = import_offerings(session, csv_bytes([future_row(status="draft")]), now=NOW)

    assert [(error.row, error.column) for error in result.errors] == [(2, "status")]
    session.rollback()
    assert offering.status == OfferingStatus.PUBLISHED


def test_a_cancelled_offering_is_not_published_again_by_import(session):
    offering = imported(session, future_row())
    offering.status = OfferingStatus.CANCELLED
    session.commit()

    kept = import_offerings(session, csv_bytes([future_row(capacity="9")]), now=NOW)
    assert kept.ok
    assert offering.status == OfferingStatus.CANCELLED
    session.rollback()

    refused = import_offerings(session, csv_bytes([future_row(status="published")]), now=NOW)
    assert [(error.row, error.column) for error in refused.errors] == [(2, "status")]


def test_the_back_office_rules_on_dates_apply_to_an_import(session):
    result = import_offerings(
        session, csv_bytes([future_row(enrolment_closes="2030-04-30")]), now=NOW
    )
    [error] = result.errors
    assert (error.row, error.column) == (2, "enrolment_closes")

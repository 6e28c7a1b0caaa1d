"""Staff running an offering's participants: the list, enrolling on someone's behalf,
promoting and cancelling by hand, attendance, completion and messages."""

from datetime import timedelta

import pytest
from sqlalchemy import func, insert, select, update

from app.models import (
    Attendance,
    AuditEntry,
    Enrolment,
    EnrolmentEvent,
    EnrolmentStatus,
    Offering,
    OfferingStatus,
    OutboxMessage,
    Role,
    User,
    utcnow,
)
from app.services import enrolment
from app.services import enrolment as places
from app.services.errors import Conflict, DomainError, NotFound
from tests.factories import (
    make_offering,
    make_organisation,
    make_user,
    municipality,
    templates_to,
)


@pytest.fixture
def staff(session):
    organisation = make_organisation(session)
    return make_user(session, role=Role.ORGANISATION_STAFF, organisation=organisation)


def enrol(session, offering, **user_fields) -> Enrolment:
    user = make_user(session, **user_fields)
    return places.enrol(session, offering_id=offering.id, user_id=user.id, now=utcnow())


def audit_actions(session) -> list[str]:
    return list(session.scalars(select(AuditEntry.action).order_by(AuditEntry.id)))


def bulk_enrol(session, offering, confirmed: int, waiting: int = 0) -> None:
    """Thousands of places in a few statements: the list is what is measured, not this."""
    total = confirmed + waiting
    first = session.scalar(select(func.coalesce(func.max(User.id), 0))) + 1
    session.execute(
        insert(User),
        [
            {"email": f"bulk{n}@example.org", "name": f"Bulk person {n:05d}"}
            for n in range(first, first + total)
        ],
    )
    ids = session.scalars(select(User.id).where(User.id >= first).order_by(User.id)).all()
    session.execute(
        insert(Enrolment),
        [
            {
                "offering_id": offering.id,
                "user_id": user_id,
                "status": EnrolmentStatus.CONFIRMED if n < confirmed else EnrolmentStatus.WAITING,
            }
            for n, user_id in enumerate(ids)
        ],
    )
    session.execute(update(Offering).where(Offering.id == offering.id).values(capacity=confirmed))
    session.execute(
        update(Offering).where(Offering.id == offering.id).values(seats_taken=confirmed)
    )
    session.expire(offering)


# The list


def test_the_list_shows_confirmed_then_waiting_in_order_then_cancelled(session):
    offering = make_offering(session, capacity=2)
    bea = enrol(session, offering, name="Bea")
    ana = enrol(session, offering, name="Ana")
    first_waiting = enrol(session, offering, name="Zoe")
    second_waiting = enrol(session, offering, name="Carla")
    places.release(session, bea, now=utcnow(), status=EnrolmentStatus.CANCELLED)

    result = enrolment.list_participants(session, offering.id)

    # Bea's seat went to Zoe, first in line; Carla is now first on the list.
    assert [(e.user.name, e.status) for e in result.page.items] == [
        ("Ana", EnrolmentStatus.CONFIRMED),
        ("Zoe", EnrolmentStatus.CONFIRMED),
        ("Carla", EnrolmentStatus.WAITING),
        ("Bea", EnrolmentStatus.CANCELLED),
    ]
    assert result.positions == {second_waiting.id: 1}
    assert result.counts[EnrolmentStatus.CONFIRMED] == 2
    assert result.counts[EnrolmentStatus.WAITING] == 1
    assert result.counts[EnrolmentStatus.CANCELLED] == 1
    assert ana.id in {e.id for e in result.page.items}
    assert first_waiting.status == EnrolmentStatus.CONFIRMED


def test_waiting_positions_count_the_whole_list_whatever_the_filter(session):
    offering = make_offering(session, capacity=1)
    enrol(session, offering, name="Seated")
    enrol(session, offering, name="Alba Waiting")
    later = enrol(session, offering, name="Blas Waiting")

    result = enrolment.list_participants(session, offering.id, text="blas")

    assert [e.id for e in result.page.items] == [later.id]
    assert result.positions == {later.id: 2}


def test_search_by_name_or_email_ignores_case_and_wildcards(session):
    offering = make_offering(session)
    enrol(session, offering, name="María López", email="maria@example.org")
    enrol(session, offering, name="Pedro Gil", email="pgil@example.net")
    enrol(session, offering, name="100% Real", email="real@example.org")

    def names(text):
        items = enrolment.list_participants(session, offering.id, text=text).page.items
        return sorted(e.user.name for e in items)

    assert names("PEDRO") == ["Pedro Gil"]
    assert names("example.net") == ["Pedro Gil"]
    assert names("%") == ["100% Real"]
    assert names("_") == []
    assert names("  ") == ["100% Real", "María López", "Pedro Gil"]


def test_filter_by_status(session):
    offering = make_offering(session, capacity=1)
    enrol(session, offering)
    waiting = enrol(session, offering)

    result = enrolment.list_participants(session, offering.id, status=EnrolmentStatus.WAITING)

    assert [e.id for e in result.page.items] == [waiting.id]
    assert result.page.total == 1


def test_pages_cut_the_list_in_sql(session):
    offering = make_offering(session, capacity=5)
    for n in range(5):
        enrol(session, offering, name=f"Person {n}")

    second = enrolment.list_participants(session, offering.id, page=2, per_page=2)

    assert [e.user.name for e in second.page.items] == ["Person 2", "Person 3"]
    assert (second.page.total, second.page.pages) == (5, 3)


def test_the_list_costs_the_same_queries_for_any_page_size(session, count_queries):
    offering = make_offering(session)
    bulk_enrol(session, offering, confirmed=60, waiting=40)
    session.commit()
    offering_id = offering.id

    counts = []
    for per_page in (25, 100):
        session.expunge_all()
        with count_queries() as queries:
            result = enrolment.list_participants(session, offering_id, per_page=per_page)
            names = [e.user.name for e in result.page.items]
        counts.append(len(queries))
        assert len(names) == per_page
    assert counts[0] == counts[1] == 4


def test_two_thousand_participants_cost_the_same_queries(session, count_queries):
    offering = make_offering(session)
    bulk_enrol(session, offering, confirmed=1500, waiting=500)
    session.commit()
    offering_id = offering.id
    session.expunge_all()

    with count_queries() as queries:
        result = enrolment.list_participants(
            session, offering_id, status=EnrolmentStatus.WAITING, page=10, per_page=50
        )

    assert len(queries) == 4
    assert result.page.total == 500
    assert result.positions[result.page.items[0].id] == 451


# Enrolling on someone's behalf


def test_staff_enrol_an_existing_account_through_the_public_rules(session, staff):
    offering = make_offering(session, capacity=1)
    person = make_user(session, email="ana@example.org")

    outcome = enrolment.enrol_on_behalf(
        session, offering=offering, email=" ANA@example.org ", actor_id=staff.id, now=utcnow()
    )

    assert outcome.new_place and not outcome.new_account
    assert outcome.enrolment.user_id == person.id
    assert outcome.enrolment.status == EnrolmentStatus.CONFIRMED
    assert outcome.enrolment.events[-1].actor_id == staff.id
    assert templates_to(session, "ana@example.org") == ["enrolment_confirmed"]
    assert audit_actions(session) == ["enrolment.create-on-behalf"]


def test_staff_cannot_go_past_capacity_the_person_waits(session, staff):
    offering = make_offering(session, capacity=1)
    enrol(session, offering)
    make_user(session, email="late@example.org")

    outcome = enrolment.enrol_on_behalf(
        session, offering=offering, email="late@example.org", actor_id=staff.id, now=utcnow()
    )

    assert outcome.enrolment.status == EnrolmentStatus.WAITING
    assert offering.seats_taken == 1


def test_a_new_address_gets_a_confirmed_resident_account_without_password(session, staff):
    offering = make_offering(session)
    boadilla = municipality(session, "boadilla-del-monte")

    outcome = enrolment.enrol_on_behalf(
        session,
        offering=offering,
        email="New.Person@Example.org",
        name="  Nuria Nueva ",
        municipality_id=boadilla.id,
        language="en",
        actor_id=staff.id,
        now=utcnow(),
    )

    user = outcome.enrolment.user
    assert outcome.new_account
    assert (user.email, user.name, user.municipality, user.role) == (
        "new.person@example.org",
        "Nuria Nueva",
        boadilla,
        Role.RESIDENT,
    )
    assert user.password_hash is None and user.email_confirmed_at is not None
    assert user.preferred_language == "en"
    assert templates_to(session, user.email) == ["account_opened_by_staff", "enrolment_confirmed"]
    assert audit_actions(session) == ["user.create-on-behalf", "enrolment.create-on-behalf"]


def test_the_password_link_of_a_new_account_lets_the_person_in(session, staff):
    offering = make_offering(session)
    outcome = enrolment.enrol_on_behalf(
        session,
        offering=offering,
        email="desk@example.org",
        name="Desk Person",
        municipality_id=municipality(session).id,
        actor_id=staff.id,
        now=utcnow(),
    )
    message = session.scalar(
        select(OutboxMessage).where(OutboxMessage.template == "account_opened_by_staff")
    )
    token = message.body_text.split("/auth/reset/")[1].split()[0]

    from app.services import accounts

    user = accounts.reset_password(session, token, "a long and unusual passphrase", utcnow())
    assert user.id == outcome.enrolment.user_id
    assert accounts.check_password(user, "a long and unusual passphrase")


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"name": "", "municipality": "las-rozas"}, "name"),
        ({"name": "Someone", "municipality": None}, "municipality"),
        ({"name": "Someone", "municipality": "online"}, "municipality"),
        ({"name": "Someone", "municipality": "las-rozas", "email": "not-an-email"}, "email"),
        ({"name": "Someone", "municipality": "las-rozas", "language": "fr"}, "language"),
    ],
)
def test_a_new_account_needs_a_name_a_residence_and_a_valid_address(session, staff, fields, field):
    offering = make_offering(session)
    slug = fields.pop("municipality")

    with pytest.raises(DomainError) as refused:
        enrolment.enrol_on_behalf(
            session,
            offering=offering,
            email=fields.pop("email", "someone@example.org"),
            municipality_id=municipality(session, slug).id if slug else None,
            actor_id=staff.id,
            now=utcnow(),
            **fields,
        )

    assert refused.value.field == field


def test_an_unconfirmed_account_is_not_enrolled_nor_confirmed_by_staff(session, staff):
    offering = make_offering(session)
    make_user(session, email="pending@example.org", confirmed=False)

    with pytest.raises(enrolment.AccountNotConfirmed) as refused:
        enrolment.enrol_on_behalf(
            session, offering=offering, email="pending@example.org", actor_id=staff.id, now=utcnow()
        )

    assert refused.value.field == "email"


def test_eligibility_applies_to_staff_enrolments(session, staff):
    offering = make_offering(session, residents_only=True)
    make_user(session, email="far@example.org", municipality_slug="other")

    with pytest.raises(places.EnrolmentRefused):
        enrolment.enrol_on_behalf(
            session, offering=offering, email="far@example.org", actor_id=staff.id, now=utcnow()
        )


def test_asking_again_for_someone_who_has_a_place_changes_nothing(session, staff):
    offering = make_offering(session)
    place = enrol(session, offering, email="twice@example.org")

    outcome = enrolment.enrol_on_behalf(
        session, offering=offering, email="twice@example.org", actor_id=staff.id, now=utcnow()
    )

    assert outcome.enrolment.id == place.id and not outcome.new_place
    assert audit_actions(session) == []


# Promoting and cancelling by hand


def test_staff_promote_a_chosen_waiting_person_into_a_free_seat(session, staff):
    offering = make_offering(session, capacity=1)
    enrol(session, offering)
    enrol(session, offering)  # first in line
    chosen = enrol(session, offering, email="chosen@example.org")
    offering.capacity = 2  # a seat staff freed by raising capacity (no automatic promotion)
    session.flush()

    enrolment.promote(session, chosen, actor_id=staff.id, now=utcnow())

    assert chosen.status == EnrolmentStatus.CONFIRMED
    assert offering.seats_taken == 2
    assert chosen.events[-1].reason == "promoted-by-staff"
    assert templates_to(session, "chosen@example.org")[-1] == "enrolment_promoted"
    entry = session.scalar(select(AuditEntry).where(AuditEntry.action == "enrolment.promote"))
    assert entry.before == {"status": "waiting", "position": 2}
    assert entry.after == {"status": "confirmed"}


def test_promoting_needs_a_free_seat(session, staff):
    offering = make_offering(session, capacity=1)
    enrol(session, offering)
    waiting = enrol(session, offering)

    with pytest.raises(Conflict):
        enrolment.promote(session, waiting, actor_id=staff.id, now=utcnow())

    assert waiting.status == EnrolmentStatus.WAITING
    assert offering.seats_taken == 1


def test_only_a_waiting_place_can_be_promoted(session, staff):
    offering = make_offering(session)
    seated = enrol(session, offering)

    with pytest.raises(Conflict):
        enrolment.promote(session, seated, actor_id=staff.id, now=utcnow())


def test_cancelling_on_behalf_passes_the_seat_on_and_tells_both(session, staff):
    offering = make_offering(session, capacity=1, cancellation_hours=24 * 365)
    seated = enrol(session, offering, email="seated@example.org")
    waiting = enrol(session, offering, email="waiting@example.org")

    promoted = enrolment.cancel_place(session, seated, actor_id=staff.id, now=utcnow())

    assert promoted == [waiting]
    assert seated.status == EnrolmentStatus.CANCELLED
    assert seated.events[-1].actor_id == staff.id
    assert templates_to(session, "seated@example.org")[-1] == "enrolment_cancelled_by_staff"
    assert templates_to(session, "waiting@example.org")[-1] == "enrolment_promoted"
    entry = session.scalar(select(AuditEntry).where(AuditEntry.action == "enrolment.cancel"))
    assert entry.after == {"status": "cancelled", "promoted": [waiting.id]}


def test_a_cancelled_place_cannot_be_cancelled_again(session, staff):
    offering = make_offering(session)
    place = enrol(session, offering)
    enrolment.cancel_place(session, place, actor_id=staff.id, now=utcnow())

    with pytest.raises(places.EnrolmentGone):
        enrolment.cancel_place(session, place, actor_id=staff.id, now=utcnow())


# Attendance and completion


def test_attendance_marks_everyone_present_or_absent_and_can_be_corrected(session, staff):
    offering = make_offering(session, sessions=2)
    ana = enrol(session, offering, name="Ana")
    ben = enrol(session, offering, name="Ben")
    first = offering.sessions[0]

    assert enrolment.mark_attendance(
        session, first, present=[ana.id], actor_id=staff.id, now=utcnow()
    ) == (1, 2)
    assert enrolment.attendance_marks(session, first.id) == {ana.id: True, ben.id: False}

    enrolment.mark_attendance(
        session, first, present=[ana.id, ben.id], actor_id=staff.id, now=utcnow()
    )
    assert enrolment.attendance_marks(session, first.id) == {ana.id: True, ben.id: True}
    assert enrolment.attendance_marks(session, offering.sessions[1].id) == {}
    rows = session.scalars(select(Attendance)).all()
    assert {row.marked_by_id for row in rows} == {staff.id}
    entries = session.scalars(
        select(AuditEntry).where(AuditEntry.action == "attendance.mark").order_by(AuditEntry.id)
    ).all()
    # JSON keys are strings; only what changed is recorded.
    assert entries[0].after == {str(ana.id): True, str(ben.id): False}
    assert (entries[1].before, entries[1].after) == ({str(ben.id): False}, {str(ben.id): True})


def test_attendance_refuses_someone_without_a_confirmed_place(session, staff):
    offering = make_offering(session, capacity=1)
    enrol(session, offering)
    waiting = enrol(session, offering)

    with pytest.raises(DomainError) as refused:
        enrolment.mark_attendance(
            session, offering.sessions[0], present=[waiting.id], actor_id=staff.id, now=utcnow()
        )

    assert refused.value.field == "present"
    assert session.scalar(select(func.count()).select_from(Attendance)) == 0


def test_a_session_of_another_offering_is_not_found(session):
    offering = make_offering(session)
    other = make_offering(session)

    with pytest.raises(NotFound):
        enrolment.get_offering_session(session, offering, other.sessions[0].id)


def test_completion_keeps_the_first_date_and_can_be_undone(session, staff):
    offering = make_offering(session)
    ana = enrol(session, offering)
    ben = enrol(session, offering)
    earlier = utcnow() - timedelta(days=1)

    enrolment.mark_completion(session, offering, completed=[ana.id], actor_id=staff.id, now=earlier)
    done = enrolment.mark_completion(
        session, offering, completed=[ana.id, ben.id], actor_id=staff.id, now=utcnow()
    )
    assert done == (2, 2)
    assert ana.completed_at == earlier
    assert ben.completed_at > earlier

    enrolment.mark_completion(session, offering, completed=[], actor_id=staff.id, now=utcnow())
    assert ana.completed_at is None and ben.completed_at is None
    assert audit_actions(session).count("enrolment.complete") == 3


# Messages


def test_a_message_reaches_each_chosen_person_in_their_language(session, staff):
    offering = make_offering(
        session, capacity=1, title_es="Taller de datos", title_en="Data workshop"
    )
    enrol(session, offering, email="es@example.org", language="es")
    enrol(session, offering, email="en@example.org", language="en")  # waiting
    gone = enrol(session, offering, email="gone@example.org")
    places.release(session, gone, now=utcnow(), status=EnrolmentStatus.CANCELLED)
    session.execute(OutboxMessage.__table__.delete())  # only the message is looked at below

    sent = enrolment.message_participants(
        session,
        offering,
        statuses=[EnrolmentStatus.CONFIRMED, EnrolmentStatus.WAITING],
        subject="Room change",
        body="We meet in room 2.\n\n<script>alert(1)</script>",
        actor_id=staff.id,
    )

    assert sent == 2
    messages = {m.to_address: m for m in session.scalars(select(OutboxMessage)).all()}
    assert set(messages) == {"es@example.org", "en@example.org"}
    assert messages["es@example.org"].subject == "Taller de datos: Room change"
    assert messages["en@example.org"].subject == "Data workshop: Room change"
    assert 'lang="en"' in messages["en@example.org"].body_html
    assert "We meet in room 2." in messages["en@example.org"].body_text
    assert "<script>" not in messages["en@example.org"].body_html
    assert "&lt;script&gt;" in messages["en@example.org"].body_html
    entry = session.scalar(select(AuditEntry).where(AuditEntry.action == "offering.message"))
    assert entry.after["recipients"] == 2


def test_a_message_to_the_waiting_list_only(session, staff):
    offering = make_offering(session, capacity=1)
    enrol(session, offering, email="seated@example.org")
    enrol(session, offering, email="waiting@example.org")

    enrolment.message_participants(
        session,
        offering,
        statuses=[EnrolmentStatus.WAITING],
        subject="Still waiting",
        body="A place may free up.",
        actor_id=staff.id,
    )

    assert templates_to(session, "waiting@example.org")[-1] == "staff_message"
    assert "staff_message" not in templates_to(session, "seated@example.org")


@pytest.mark.parametrize(
    ("statuses", "subject", "body", "field"),
    [
        ([], "Subject", "Body", "audience"),
        ([EnrolmentStatus.CANCELLED], "Subject", "Body", "audience"),
        ([EnrolmentStatus.CONFIRMED], "  ", "Body", "subject"),
        ([EnrolmentStatus.CONFIRMED], "Subject", "\n", "body"),
    ],
)
def test_a_message_needs_recipients_a_subject_and_a_body(
    session, staff, statuses, subject, body, field
):
    offering = make_offering(session)

    with pytest.raises(DomainError) as refused:
        enrolment.message_participants(
            session, offering, statuses=statuses, subject=subject, body=body, actor_id=staff.id
        )

    assert refused.value.field == field


def test_nothing_is_written_about_a_draft_offering(session, staff):
    offering = make_offering(session, status=OfferingStatus.DRAFT)
    make_user(session, email="draft@example.org")

    with pytest.raises(NotFound):
        enrolment.enrol_on_behalf(
            session, offering=offering, email="draft@example.org", actor_id=staff.id, now=utcnow()
        )
    assert session.scalar(select(func.count()).select_from(EnrolmentEvent)) == 0

"""The demo offer: broad, realistic, always current, and safe to load twice."""

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select

from app.demo import loader as demo
from app.localtime import MADRID
from app.models import (
    Application,
    ApplicationStatus,
    Availability,
    ClassRegistration,
    ClassSession,
    ClassStatus,
    Enrolment,
    EnrolmentEvent,
    EnrolmentStatus,
    Format,
    Kind,
    MembershipStatus,
    Mode,
    Municipality,
    Offering,
    Organisation,
    OutboxMessage,
    ParticipantProfile,
    Programme,
    Role,
    SchoolMembership,
    SchoolProposal,
    User,
)
from app.services.imports import import_offerings


@pytest.fixture
def seeded(session):
    demo.seed_demo(session)
    session.commit()
    return list(session.scalars(select(Offering)))


def count(session, model, *where) -> int:
    return session.scalar(select(func.count()).select_from(model).where(*where))


def places(session, status) -> dict[str, int]:
    return dict(
        session.execute(
            select(Offering.external_id, func.count(Enrolment.id))
            .outerjoin(
                Enrolment, (Enrolment.offering_id == Offering.id) & (Enrolment.status == status)
            )
            .group_by(Offering.external_id)
        ).all()
    )


def places_held(session) -> dict[str, int]:
    """Confirmed places, and a call's places offered to applicants who have not confirmed
    yet (held for them until they do, or the date passes)."""
    held = places(session, EnrolmentStatus.CONFIRMED)
    offered = session.execute(
        select(Offering.external_id)
        .join(Application, Application.offering_id == Offering.id)
        .where(Application.status == ApplicationStatus.ACCEPTED)
    )
    for (reference,) in offered:
        held[reference] += 1
    return held


def test_the_data_files_load_and_every_offering_passes_the_import_contract(session):
    offerings = demo.offerings()

    assert len(offerings) == len({offering["external_id"] for offering in offerings}) >= 44
    assert len(demo.load("organisations")["organisation"]) >= 14
    assert set(demo.load("venues")) >= {o["venue"] for o in offerings if "venue" in o}
    assert set(demo.load("kind_notes")) == {kind.value for kind in Kind}
    result = import_offerings(
        session, demo._as_csv(demo.rows(datetime.now(MADRID).date())), dry_run=True
    )
    assert result.ok, [error.describe() for error in result.errors]


def test_the_demo_has_at_least_44_offerings_over_every_programme_kind_mode_and_format(
    session, seeded
):
    assert len(seeded) >= 44
    programmes = set(session.scalars(select(Programme.slug)))
    assert {offering.programme.slug for offering in seeded} == programmes
    assert {offering.kind for offering in seeded} == set(Kind)
    assert {offering.mode for offering in seeded} == set(Mode)
    assert {offering.format for offering in seeded} == set(Format)
    places = {offering.municipality.slug for offering in seeded}
    assert places == {"las-rozas", "boadilla-del-monte", "majadahonda", "online"}
    assert {offering.level for offering in seeded} > {None}
    assert sum(1 for offering in seeded if offering.prerequisites_es) >= 5


def organisations_of_the_demo() -> int:
    """organisations.toml, and the schools of schools.toml that it does not list."""
    listed = {org["name"] for org in demo.load("organisations")["organisation"]}
    data = demo.load("schools")
    extra = {school["name"] for school in [*data["school"], *data["proposal"]]} - listed
    return len(listed) + len(extra)


def test_schools_teachers_and_classes_show_the_whole_flow(session, seeded):
    statuses = session.scalars(select(ClassRegistration.status)).all()
    assert statuses.count(ClassStatus.CONFIRMED) >= 6
    assert ClassStatus.WAITING in statuses  # a class that does not fit whole waits
    assert count(session, ClassRegistration, ClassRegistration.pupils_present.is_not(None)) == 2
    for row in session.scalars(select(ClassSession)):  # every counter is its confirmed pupils
        confirmed = session.scalar(
            select(func.coalesce(func.sum(ClassRegistration.pupils), 0)).where(
                ClassRegistration.session_id == row.session_id,
                ClassRegistration.status == ClassStatus.CONFIRMED,
            )
        )
        assert row.pupils_taken == confirmed <= row.capacity
    teachers = session.scalars(select(User).where(User.role == Role.SCHOOL_STAFF)).all()
    assert len(teachers) >= 6 and all(user.password_hash is None for user in teachers)
    assert count(session, SchoolProposal, SchoolProposal.reviewed_at.is_(None)) == 1
    assert (
        count(session, SchoolMembership, SchoolMembership.status == MembershipStatus.PENDING) == 2
    )


def test_the_partner_organisations_include_members_and_mapped_agents(session, seeded):
    organisations = list(session.scalars(select(Organisation)))

    assert 14 <= len(organisations) == organisations_of_the_demo()
    members = [org for org in organisations if org.is_member]
    assert all(org.member_since for org in members)
    assert 0 < len(members) < len(organisations)
    assert len({org.kind for org in organisations}) == 7
    assert all(org.municipality is not None for org in organisations)


def test_every_place_taken_is_a_confirmed_enrolment_of_a_demo_resident(session, seeded):
    confirmed = places(session, EnrolmentStatus.CONFIRMED)
    # A call's place offered to an applicant is held until they confirm it (or not).
    for (offering_id,) in session.execute(
        select(Application.offering_id).where(Application.status == ApplicationStatus.ACCEPTED)
    ):
        reference = session.get(Offering, offering_id).external_id
        confirmed[reference] += 1

    assert {offering.external_id: offering.seats_taken for offering in seeded} == confirmed
    assert sum(confirmed.values()) > 500
    residents = list(session.scalars(select(User).where(User.email.like("demo.resident.%"))))
    assert residents
    assert all(user.role == Role.RESIDENT and user.is_active for user in residents)
    assert all(user.password_hash is None for user in residents)
    assert all(user.email.endswith("@example.org") for user in residents)
    teachers = count(session, User, User.email.like("demo.teacher.%"))
    reviewers = count(session, User, User.email.like("demo.reviewer.%"))
    assert count(session, User) == len(residents) + teachers + reviewers
    assert count(session, EnrolmentEvent) == count(session, Enrolment)


def test_demo_residents_answer_the_inclusion_profile_with_a_spread(session, seeded):
    profiles = list(session.scalars(select(ParticipantProfile)))

    assert 0 < len(profiles) < count(session, User)
    assert len({profile.gender for profile in profiles}) >= 4
    assert len({profile.employment_status for profile in profiles}) >= 5
    assert len({profile.birth_year // 10 for profile in profiles}) >= 5


def test_full_and_waiting_list_offerings_are_full_of_real_places(session, seeded):
    now = datetime.now(UTC)
    waiting = places(session, EnrolmentStatus.WAITING)
    on_waiting_list = [o for o in seeded if o.availability(now) == Availability.WAITING_LIST]

    assert len(on_waiting_list) >= 3
    assert all(offering.seats_left == 0 for offering in on_waiting_list)
    assert sum(1 for offering in on_waiting_list if waiting[offering.external_id]) >= 3
    assert all(not waiting[o.external_id] for o in seeded if o not in on_waiting_list)


def test_a_full_offering_says_so_on_its_public_page_and_in_the_api(client, session, seeded):
    now = datetime.now(UTC)
    full = next(o for o in seeded if o.availability(now) == Availability.WAITING_LIST)

    assert client.get(f"/api/v1/offerings/{full.id}").get_json()["places_left"] == 0
    page = client.get(f"/en/offerings/{full.id}").get_data(as_text=True)
    assert "waiting list" in page.lower()


def test_the_demo_always_has_something_upcoming_full_closed_and_not_yet_open(seeded):
    now = datetime.now(UTC)
    states = [offering.availability(now) for offering in seeded]

    assert sum(1 for offering in seeded if offering.starts_at > now + timedelta(days=1)) >= 30
    assert any(offering.ends_at < now and offering.seats_taken for offering in seeded)
    assert states.count(Availability.OPEN) >= 15
    assert states.count(Availability.WAITING_LIST) >= 3
    assert states.count(Availability.NOT_YET_OPEN) >= 3
    closed_early = [
        offering
        for offering in seeded
        if offering.enrolment_closes and offering.enrolment_closes < now < offering.starts_at
    ]
    assert len(closed_early) >= 3
    assert any(len(offering.sessions) >= 10 for offering in seeded)


def test_the_demo_has_free_and_priced_offerings_and_some_without_english(seeded):
    assert sum(1 for offering in seeded if offering.is_free) >= 30
    assert sum(1 for offering in seeded if not offering.is_free) >= 2
    missing_english = [offering for offering in seeded if not offering.title_en]
    assert 2 <= len(missing_english) <= 6
    assert all(offering.title_en for offering in seeded if offering not in missing_english)


def test_descriptions_are_varied_markdown_in_both_languages(seeded):
    descriptions = [offering.description_es for offering in seeded]

    assert len(set(descriptions)) == len(descriptions)
    assert all(text.count("\n\n") >= 1 for text in descriptions)
    titles = [offering.title_es for offering in seeded]
    assert len(set(titles)) == len(titles)


def test_loading_it_again_duplicates_nothing_and_keeps_the_places_taken(session):
    today = datetime.now(MADRID).date()
    first = demo.seed_demo(session, today=today)
    session.commit()
    enrolments = set(session.execute(select(Enrolment.id, Enrolment.user_id, Enrolment.status)))
    taken = dict(session.execute(select(Offering.external_id, Offering.seats_taken)).all())
    classes = set(session.execute(select(ClassRegistration.id, ClassRegistration.status)))
    users, outbox = count(session, User), count(session, OutboxMessage)
    outbox_last = session.scalar(select(func.max(OutboxMessage.id)))

    same_day = demo.seed_demo(session, today=today)
    session.commit()
    assert (count(session, User), count(session, OutboxMessage)) == (users, outbox)
    next_week = demo.seed_demo(session, today=today + timedelta(days=7))
    session.commit()

    offerings = len(demo.offerings())
    assert first.created == offerings
    assert (same_day.created, same_day.updated) == (0, 0)
    assert (next_week.created, next_week.updated) == (0, offerings)
    assert count(session, Offering) == offerings
    assert count(session, Organisation) == organisations_of_the_demo()
    assert count(session, Municipality) == 5
    assert count(session, User) == users
    # A week later every date moved: the participants are told, as staff changes tell them.
    assert set(
        session.scalars(select(OutboxMessage.template).where(OutboxMessage.id > outbox_last))
    ) == {"offering_changed"}
    assert set(session.execute(select(Enrolment.id, Enrolment.user_id, Enrolment.status))) == (
        enrolments
    )
    assert dict(session.execute(select(Offering.external_id, Offering.seats_taken)).all()) == taken
    assert taken == places_held(session)
    assert set(session.execute(select(ClassRegistration.id, ClassRegistration.status))) == classes


def test_the_demo_has_an_open_call_with_scored_applications_and_a_decided_one(session, seeded):
    from app.services import applications

    by_reference = {offering.external_id: offering for offering in seeded}
    open_call, decided = by_reference["MOT-AC-001"], by_reference["MOT-AC-003"]
    rows = applications.call_applications(session, open_call.id, viewer_id=0)
    assert len(rows) >= 4
    assert any(row.standing.reviews >= 2 for row in rows)
    assert any(row.standing.conflicts for row in rows)
    statuses = [
        row.application.status
        for row in applications.call_applications(session, decided.id, viewer_id=0)
    ]
    assert ApplicationStatus.CONFIRMED in statuses
    assert statuses.count(ApplicationStatus.RESERVE) == 2
    assert ApplicationStatus.NOT_SELECTED in statuses
    assert applications.criteria(session, open_call.id)

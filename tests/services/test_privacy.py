"""The inclusion profile, the copy of a person's data, and erasure, without HTTP."""

import json
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from app.models import (
    AgeBand,
    EducationLevel,
    Enrolment,
    EnrolmentStatus,
    Gender,
    OutboxMessage,
    OutboxStatus,
    ParticipantProfile,
    User,
    utcnow,
)
from app.services import accounts
from app.services import enrolment as enrolments
from app.services.accounts import ProfileAnswers, privacy, profile
from app.services.errors import DomainError
from tests.factories import (
    DEFAULT_PASSWORD,
    make_offering,
    make_user,
    set_sessions,
    templates_to,
)

# Row locks, conditional updates and partial unique indexes: both databases.


def enrol(session, offering, user):
    return enrolments.enrol(session, offering_id=offering.id, user_id=user.id, now=utcnow())


def test_a_year_of_birth_makes_an_age_band_redundant(session):
    person = make_user(session)
    saved = profile.save_profile(
        session,
        person.id,
        ProfileAnswers(birth_year=1990, age_band=AgeBand.FROM_25_TO_34, gender=Gender.WOMAN),
        utcnow(),
    )
    assert (saved.birth_year, saved.age_band, saved.gender) == (1990, None, Gender.WOMAN)

    saved = profile.save_profile(
        session, person.id, ProfileAnswers(age_band=AgeBand.FROM_25_TO_34), utcnow()
    )
    assert (saved.birth_year, saved.age_band, saved.gender) == (None, AgeBand.FROM_25_TO_34, None)


def test_a_year_of_birth_in_the_future_is_refused_at_its_field(session):
    person = make_user(session)
    now = utcnow()
    with pytest.raises(DomainError) as raised:
        profile.save_profile(session, person.id, ProfileAnswers(birth_year=now.year + 1), now)
    assert raised.value.field == "birth_year"
    assert person.profile is None


def test_disability_is_kept_only_with_its_own_consent(session):
    person = make_user(session)
    first = utcnow()

    saved = profile.save_profile(session, person.id, ProfileAnswers(disability=True), first)
    assert (saved.disability, saved.disability_consent_at) == (None, None)

    saved = profile.save_profile(
        session, person.id, ProfileAnswers(disability_consent=True, disability=True), first
    )
    assert (saved.disability, saved.disability_consent_at) == (True, first)

    # Answering again keeps the moment consent was first given.
    saved = profile.save_profile(
        session,
        person.id,
        ProfileAnswers(disability_consent=True, disability=False),
        first + timedelta(days=1),
    )
    assert (saved.disability, saved.disability_consent_at) == (False, first)

    # Withdrawing consent deletes the answer.
    saved = profile.save_profile(session, person.id, ProfileAnswers(disability=False), utcnow())
    assert (saved.disability, saved.disability_consent_at) == (None, None)


def test_the_export_holds_everything_about_the_person_and_no_secret(session):
    person = make_user(session, name="Ana García")
    other = make_user(session)
    offering = make_offering(session, title_es="Datos", title_en="Data")
    place = enrol(session, offering, person)
    enrol(session, offering, other)
    enrolments.cancel_enrolment(session, enrolment_id=place.id, user_id=person.id, now=utcnow())
    profile.save_profile(
        session,
        person.id,
        ProfileAnswers(birth_year=1985, education_level=EducationLevel.UNIVERSITY),
        utcnow(),
    )

    data = privacy.export_user_data(session, person.id, utcnow())
    text = json.dumps(data)

    assert data["account"]["name"] == "Ana García"
    assert data["account"]["email"] == person.email
    assert data["account"]["municipality"] == "las-rozas"
    assert data["profile"]["birth_year"] == 1985
    assert data["profile"]["education_level"] == "university"
    [exported] = data["enrolments"]
    assert exported["offering"]["title"] == {"es": "Datos", "en": "Data"}
    assert exported["status"] == "cancelled"
    assert [event["status"] for event in exported["history"]] == ["confirmed", "cancelled"]
    assert [email["template"] for email in data["emails"]] == [
        "enrolment_confirmed",
        "enrolment_cancelled",
    ]
    assert {email["to"] for email in data["emails"]} == {person.email}
    assert person.password_hash not in text
    assert person.session_token not in text
    assert "password" not in data["account"] and "session_token" not in data["account"]


def test_erasure_needs_the_password_and_changes_nothing_without_it(session):
    person = make_user(session)
    with pytest.raises(DomainError) as raised:
        privacy.erase_user(session, person.id, password="not my password at all", now=utcnow())
    assert raised.value.field == "password"
    assert person.erased_at is None and person.email


def participants(session, offering):
    return session.scalar(
        select(func.count(func.distinct(Enrolment.user_id))).where(
            Enrolment.offering_id == offering.id, Enrolment.status == EnrolmentStatus.CONFIRMED
        )
    )


def test_erasure_releases_places_empties_the_account_and_keeps_past_participation(session):
    person = make_user(session, name="Ana García")
    waiting_person = make_user(session)
    past = make_offering(session, capacity=10)
    coming = make_offering(session, capacity=1)
    full = make_offering(session, capacity=0)
    past_place = enrol(session, past, person)
    enrol(session, past, make_user(session))
    coming_place = enrol(session, coming, person)
    promoted_place = enrol(session, coming, waiting_person)
    waiting_place = enrol(session, full, person)
    profile.save_profile(session, person.id, ProfileAnswers(gender=Gender.MAN), utcnow())
    last_month = utcnow() - timedelta(days=30)
    set_sessions(past, [(last_month, last_month + timedelta(hours=2))])
    session.flush()
    # A reminder still waiting to go out to the person, and one to someone else.
    address, token = person.email, person.session_token
    session.add_all(
        [
            OutboxMessage(to_address=address, subject="s", body_text="b", template="x"),
            OutboxMessage(to_address="else@example.org", subject="s", body_text="b", template="x"),
        ]
    )
    rows_before = session.scalar(select(func.count()).select_from(Enrolment))
    participants_before = participants(session, past)

    promoted = privacy.erase_user(session, person.id, password=DEFAULT_PASSWORD, now=utcnow())

    assert promoted == [promoted_place]
    assert promoted_place.status == EnrolmentStatus.CONFIRMED
    assert (coming_place.status, waiting_place.status) == (EnrolmentStatus.CANCELLED,) * 2
    assert [event.reason for event in coming_place.events][-1] == privacy.ERASURE_REASON
    assert past_place.status == EnrolmentStatus.CONFIRMED
    assert participants(session, past) == participants_before == 2
    assert session.scalar(select(func.count()).select_from(Enrolment)) == rows_before
    assert past_place.user_id == person.id  # still counted as one person across offerings

    session.expire_all()
    erased = session.get(User, person.id)
    assert erased.erased_at is not None and not erased.is_active
    assert (erased.email, erased.password_hash, erased.municipality_id) == (None, None, None)
    assert erased.name == privacy.ERASED_NAME
    assert erased.session_token != token
    assert session.get(ParticipantProfile, person.id) is None
    assert accounts.find_by_email(session, address) is None
    to_them = session.scalars(select(OutboxMessage).where(OutboxMessage.to_address == address))
    assert [(message.template, message.status) for message in to_them] == [
        ("account_closed", OutboxStatus.PENDING)
    ]
    goodbye = session.scalar(select(OutboxMessage).where(OutboxMessage.to_address == address))
    assert "Ana García" in goodbye.body_text
    assert session.scalar(
        select(func.count()).where(OutboxMessage.to_address == "else@example.org")
    )
    promoted = templates_to(session, waiting_person.email)
    assert promoted == ["enrolment_waiting", "enrolment_promoted"]

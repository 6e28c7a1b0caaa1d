"""The indicator store: a hand-checked year, the feed against rebuild after random events,
demographics as they were, searches that found nothing, freezing and erasure."""

import random
from datetime import timedelta

import pytest
from sqlalchemy import select

from app.models import AuditEntry, Gender, IndicatorValue, Kind, ParticipantProfile, Role, utcnow
from app.services import enrolment, indicators, schools
from app.services import offerings as offerings_service
from app.services.accounts import privacy
from app.services.accounts.profile import ProfileAnswers, save_profile
from app.services.errors import DomainError, Forbidden
from app.services.indicators import definitions
from app.services.indicators.store import stored_values
from tests.factories import (
    DEFAULT_PASSWORD,
    class_details,
    make_class_offering,
    make_offering,
    make_organisation,
    make_school,
    make_teacher,
    make_user,
)


def person(session, gender=None, *, municipality="las-rozas", disability=None):
    user = make_user(session, municipality_slug=municipality)
    if gender is not None or disability is not None:
        save_profile(
            session,
            user.id,
            ProfileAnswers(
                gender=gender, disability_consent=disability is not None, disability=disability
            ),
            utcnow(),
        )
    return user


def enrol(session, offering, user):
    return enrolment.enrol(session, offering_id=offering.id, user_id=user.id, now=utcnow())


def values(session, year):
    return stored_values(session, year)


def test_a_hand_checked_year(session):
    """Two offerings, four people: every figure worked out by hand."""
    bootcamp = make_offering(session, capacity=2, kind=Kind.BOOTCAMP)
    talk = make_offering(
        session,
        capacity=5,
        kind=Kind.TALK,
        programme_slug="talent",
        municipality_slug="majadahonda",
    )
    year = indicators.year_of(bootcamp.starts_at)
    ana = person(session, Gender.WOMAN, disability=True)
    bea = person(session, Gender.WOMAN, municipality="majadahonda")
    carlos = person(session, Gender.MAN)
    dani = person(session)  # no answers
    for who in (ana, carlos):
        enrol(session, bootcamp, who)
    waiting = enrol(session, bootcamp, bea)  # full: the waiting list
    for who in (ana, dani):
        enrol(session, talk, who)
    session.flush()
    got = values(session, year)
    assert got[("enrolments", "", "")] == 4
    assert got[("enrolments", "kind", "bootcamp")] == 2
    assert got[("enrolments", "municipality", "majadahonda")] == 2
    assert got[("participants", "", "")] == 3  # Ana counts once
    assert got[("participants", "gender", "woman")] == 1
    assert got[("participants", "gender", "unknown")] == 1
    assert got[("participants", "disability", "yes")] == 1
    assert got[("participants", "residence", "las-rozas")] == 3
    assert got[("unmet_waiting", "", "")] == 1
    assert (got[("technical_participants", "", "")], got[("technical_women", "", "")]) == (2, 1)

    # Carlos gives his place back: Bea, waiting, has it. Her request is met.
    assert waiting.status.value == "waiting"
    carlos_place = enrolment.live_enrolment(session, bootcamp.id, carlos.id)
    enrolment.cancel_enrolment(
        session, enrolment_id=carlos_place.id, user_id=carlos.id, now=utcnow()
    )
    enrolment.mark_completion(
        session,
        bootcamp,
        completed=[enrolment.live_enrolment(session, bootcamp.id, ana.id).id],
        actor_id=None,
        now=utcnow(),
    )
    session.flush()
    got = values(session, year)
    assert got[("enrolments", "", "")] == 5  # Carlos's place still counts: it was taken
    assert got[("participants", "", "")] == 4
    assert ("unmet_waiting", "", "") not in got  # zero is not stored
    assert got[("completions", "", "")] == 1
    assert (got[("technical_participants", "", "")], got[("technical_women", "", "")]) == (3, 2)

    figures = indicators.year_figures(session, year, threshold=1, exact=True)
    assert figures["upskilled"].value == 1
    assert figures["completion_rate"].value == 20.0
    assert figures["women_in_technical_share"].value == 66.7
    # What the feed wrote is what the facts say.
    changes = indicators.rebuild(session, year, now=utcnow())
    assert [c for c in changes if definitions.BY_CODE[c.code].group != definitions.STRUCTURE] == []
    assert indicators.rebuild(session, year, now=utcnow()) == []


def test_demographics_are_those_given_when_the_person_took_part(session):
    offering = make_offering(session)
    year = indicators.year_of(offering.starts_at)
    ana = person(session, Gender.WOMAN)
    enrol(session, offering, ana)
    save_profile(session, ana.id, ProfileAnswers(gender=Gender.UNDISCLOSED), utcnow())
    indicators.rebuild(session, year, now=utcnow())
    got = values(session, year)
    assert got[("participants", "gender", "woman")] == 1
    assert ("participants", "gender", "undisclosed") not in got


def test_disability_counts_only_with_its_consent(session):
    offering = make_offering(session)
    year = indicators.year_of(offering.starts_at)
    user = person(session, Gender.MAN)
    # Behind the service's back: an answer without the consent is never counted.
    session.get(ParticipantProfile, user.id).disability = None
    enrol(session, offering, user)
    assert values(session, year)[("participants", "disability", "unknown")] == 1


def _random_events(session, rng, offerings, people, teacher, classes_offering):
    for _ in range(60):
        action = rng.choice(["enrol", "enrol", "cancel", "complete", "attend", "class"])
        offering = rng.choice(offerings)
        who = rng.choice(people)
        now = utcnow()
        if action == "enrol":
            enrol(session, offering, who)
        elif action == "cancel":
            place = enrolment.live_enrolment(session, offering.id, who.id)
            if place is not None:
                enrolment.cancel_enrolment(session, enrolment_id=place.id, user_id=who.id, now=now)
        elif action in ("complete", "attend"):
            chosen = [
                e.id
                for e in enrolment.confirmed_participants(session, offering.id)
                if rng.random() < 0.5
            ]
            if action == "complete":
                enrolment.mark_completion(
                    session, offering, completed=chosen, actor_id=None, now=now
                )
            else:
                enrolment.mark_attendance(
                    session, offering.sessions[0], present=chosen, actor_id=None, now=now
                )
        else:
            schools.register_class(
                session,
                offering_id=classes_offering.id,
                teacher_id=teacher.id,
                session_ids=[rng.choice(classes_offering.sessions).id],
                details=class_details(pupils=rng.randint(5, 25)),
                now=now,
            )
        session.flush()


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_rebuild_counts_exactly_what_the_feed_counted_after_random_events(session, seed):
    rng = random.Random(seed)
    offerings = [
        make_offering(session, capacity=rng.randint(1, 4), kind=kind, programme_slug=programme)
        for kind, programme in (
            (Kind.BOOTCAMP, "bootcamps"),
            (Kind.WORKSHOP, "talent"),
            (Kind.TRAINING_CYCLE, "training-cycles"),
        )
    ]
    genders = [Gender.WOMAN, Gender.MAN, None, Gender.NON_BINARY]
    people = [person(session, rng.choice(genders)) for _ in range(8)]
    school = make_school(session)
    teacher = make_teacher(session, school)
    classes_offering = make_class_offering(session, capacity=40, sessions=2)
    session.commit()
    _random_events(session, rng, offerings, people, teacher, classes_offering)
    # The offer and the map change too, and are counted as each change is committed.
    offerings_service.cancel(session, offerings[0], actor_id=None, now=utcnow())
    make_organisation(session, name="Entidad nueva")
    session.commit()
    year = indicators.year_of(offerings[0].starts_at)
    fed = values(session, year)
    assert fed[("enrolments", "", "")] > 0
    assert fed[("classes", "", "")] > 0
    assert fed[("offerings", "", "")] == 3  # four, one cancelled
    indicators.rebuild(session, year, now=utcnow())
    assert values(session, year) == fed


def test_a_search_that_found_nothing_counts_its_words_not_who_searched(session):
    year = utcnow().year
    for _ in range(2):
        indicators.search_found_nothing(session, ["blockchain", "cocina"], year)
    got = values(session, year)
    assert got[("unmet_searches", "term", "blockchain cocina")] == 2
    assert got[("unmet_searches", "", "")] == 2


def test_a_frozen_year_keeps_its_figures_after_an_erasure_and_refuses_a_rebuild(session):
    offering = make_offering(session)
    year = indicators.year_of(offering.starts_at)
    admin = make_user(session, role=Role.ADMIN)
    people = [person(session, Gender.WOMAN) for _ in range(3)]
    for who in people:
        enrol(session, offering, who)
    indicators.freeze(session, year, actor=admin, now=utcnow())
    before = values(session, year)
    privacy.erase_user(session, people[0].id, password=DEFAULT_PASSWORD, now=utcnow())
    enrol(session, offering, person(session))  # the feed leaves a frozen year alone
    session.flush()
    assert values(session, year) == before
    with pytest.raises(indicators.YearFrozen):
        indicators.rebuild(session, year, now=utcnow())
    assert values(session, year) == before

    # Unfrozen (by an admin, with a reason), a rebuild counts what the facts say now: the
    # erased person still took part, their answers are gone.
    with pytest.raises(DomainError):
        indicators.unfreeze(session, year, actor=admin, reason="  ")
    with pytest.raises(Forbidden):
        coordinator = make_user(session, role=Role.COORDINATOR)
        indicators.unfreeze(session, year, actor=coordinator, reason="Correction")
    indicators.unfreeze(session, year, actor=admin, reason="A late correction from Boadilla")
    entry = session.scalar(select(AuditEntry).where(AuditEntry.action == "indicators.unfreeze"))
    assert "A late correction from Boadilla" in entry.summary
    indicators.rebuild(session, year, now=utcnow())
    got = values(session, year)
    assert got[("participants", "", "")] == 4
    assert got[("participants", "gender", "woman")] == 2


def test_a_future_or_ancient_year_is_refused(session):
    now = utcnow()
    for year in (now.year + 1, 1999):
        with pytest.raises(DomainError):
            indicators.rebuild(session, year, now=now)
    assert session.scalar(select(IndicatorValue)) is None


def test_an_offering_of_next_year_counts_in_next_year(session):
    offering = make_offering(session, starts_in=timedelta(days=400))
    enrol(session, offering, person(session))
    year = indicators.year_of(offering.starts_at)
    assert values(session, year)[("enrolments", "", "")] == 1
    assert not values(session, year - 1)

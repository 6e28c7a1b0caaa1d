"""Taking, giving back and passing on places, without HTTP."""

from datetime import timedelta

import pytest
from flask_babel import force_locale
from sqlalchemy import select, update

from app.models import (
    AgeBand,
    Enrolment,
    EnrolmentStatus,
    Gender,
    Mode,
    OfferingStatus,
    OutboxMessage,
    ParticipantProfile,
    utcnow,
)
from app.services import accounts
from app.services import enrolment as service
from app.services.errors import DomainError, NotFound
from tests.factories import make_offering, make_user, set_sessions, templates_to

# Row locks, conditional updates and partial unique indexes: both databases.


@pytest.fixture(autouse=True)
def english(session):
    """Refusals carry translated messages; outside a request the locale is set by hand."""
    with force_locale("en"):
        yield


def enrol(session, offering, user, now=None):
    return service.enrol(session, offering_id=offering.id, user_id=user.id, now=now or utcnow())


def messages_to(session, user):
    return list(session.scalars(select(OutboxMessage).filter_by(to_address=user.email)))


def test_places_are_confirmed_until_full_then_people_wait_in_order(session):
    offering = make_offering(session, capacity=2)
    people = [make_user(session) for _ in range(4)]
    places = [enrol(session, offering, person) for person in people]

    assert [place.status for place in places] == [
        EnrolmentStatus.CONFIRMED,
        EnrolmentStatus.CONFIRMED,
        EnrolmentStatus.WAITING,
        EnrolmentStatus.WAITING,
    ]
    assert offering.seats_taken == 2
    assert [service.waiting_position(session, place) for place in places] == [None, None, 1, 2]
    assert templates_to(session, people[0].email) == ["enrolment_confirmed"]
    assert templates_to(session, people[3].email) == ["enrolment_waiting"]
    assert [event.reason for event in places[0].events] == ["enrolled"]


def test_asking_again_for_a_place_returns_the_same_place(session):
    offering = make_offering(session, capacity=5)
    person = make_user(session)
    first = enrol(session, offering, person)
    again = enrol(session, offering, person)

    assert again.id == first.id
    assert offering.seats_taken == 1
    assert templates_to(session, person.email) == ["enrolment_confirmed"]


@pytest.mark.parametrize(
    ("fields", "error", "message"),
    [
        ({"enrolment_opens": utcnow() + timedelta(days=2)}, service.EnrolmentRefused, "not opened"),
        ({"enrolment_closes": utcnow() - timedelta(hours=1)}, service.EnrolmentGone, "closed"),
        ({"status": OfferingStatus.CANCELLED}, service.EnrolmentGone, "cancelled"),
        ({"status": OfferingStatus.DRAFT}, NotFound, "does not exist"),
        ({"mode": Mode.APPLICATION}, service.EnrolmentRefused, "individual"),
        ({"min_age": 16}, service.EnrolmentRefused, "year of birth"),
    ],
)
def test_an_offering_that_does_not_take_this_person_now_says_why(session, fields, error, message):
    offering = make_offering(session, **fields)
    person = make_user(session)
    with pytest.raises(error, match=message) as raised:
        enrol(session, offering, person)
    assert (
        raised.value.status_code
        == {
            service.EnrolmentRefused: 409,
            service.EnrolmentGone: 410,
            NotFound: 404,
        }[error]
    )
    assert session.scalar(select(Enrolment)) is None


def test_age_limits_use_the_age_reached_in_the_year_of_the_first_session(session):
    offering = make_offering(session, min_age=18, max_age=30)
    year = offering.starts_at.year
    too_young = make_user(session, profile=ParticipantProfile(birth_year=year - 17))
    too_old = make_user(session, profile=ParticipantProfile(birth_year=year - 31))
    just_right = make_user(session, profile=ParticipantProfile(birth_year=year - 18))

    with pytest.raises(service.EnrolmentRefused, match="18 or over"):
        enrol(session, offering, too_young)
    with pytest.raises(service.EnrolmentRefused, match="30 or under"):
        enrol(session, offering, too_old)
    assert enrol(session, offering, just_right).status == EnrolmentStatus.CONFIRMED


@pytest.mark.parametrize("limits", [{"min_age": 18}, {"max_age": 12}, {"min_age": 6, "max_age": 9}])
def test_the_year_of_birth_is_asked_when_it_is_all_that_is_missing(session, limits):
    offering = make_offering(session, **limits)
    unknown = make_user(session)
    known = make_user(session, profile=ParticipantProfile(birth_year=1990))
    now = utcnow()
    assert service.asks_birth_year(offering, unknown, now)
    assert not service.asks_birth_year(offering, known, now)
    assert not service.asks_birth_year(make_offering(session), unknown, now)
    closed = make_offering(session, enrolment_closes=now - timedelta(hours=1), **limits)
    assert not service.asks_birth_year(closed, unknown, now)
    for_residents = make_offering(session, residents_only=True, **limits)
    outsider = make_user(session, municipality_slug="other")
    assert not service.asks_birth_year(for_residents, outsider, now)


def test_saving_the_year_of_birth_keeps_the_other_answers(session):
    user = make_user(
        session, profile=ParticipantProfile(gender=Gender.MAN, age_band=AgeBand.FROM_25_TO_34)
    )
    now = utcnow()
    profile = accounts.save_birth_year(session, user.id, 1990, now)
    assert (profile.birth_year, profile.gender, profile.age_band) == (1990, Gender.MAN, None)
    with pytest.raises(DomainError, match="between 1900") as refused:
        accounts.save_birth_year(session, user.id, now.year + 1, now)
    assert refused.value.problems[0][0] == "birth_year"


def test_an_offering_for_residents_refuses_people_from_elsewhere(session):
    offering = make_offering(session, residents_only=True)
    outsider = make_user(session, municipality_slug="other")
    resident = make_user(session, municipality_slug="majadahonda")

    with pytest.raises(service.EnrolmentRefused, match="reserved to residents"):
        enrol(session, offering, outsider)
    assert enrol(session, offering, resident).status == EnrolmentStatus.CONFIRMED


def test_cancelling_a_confirmed_place_promotes_the_first_waiting(session):
    offering = make_offering(session, capacity=1)
    holder, first, second = (make_user(session) for _ in range(3))
    place = enrol(session, offering, holder)
    waiting = [enrol(session, offering, first), enrol(session, offering, second)]

    service.cancel_enrolment(session, enrolment_id=place.id, user_id=holder.id, now=utcnow())

    assert place.status == EnrolmentStatus.CANCELLED
    assert [row.status for row in waiting] == [EnrolmentStatus.CONFIRMED, EnrolmentStatus.WAITING]
    assert service.waiting_position(session, waiting[1]) == 1
    assert offering.seats_taken == 1
    assert templates_to(session, first.email) == ["enrolment_waiting", "enrolment_promoted"]
    assert templates_to(session, holder.email) == ["enrolment_confirmed", "enrolment_cancelled"]
    assert [event.status for event in waiting[0].events] == [
        EnrolmentStatus.WAITING,
        EnrolmentStatus.CONFIRMED,
    ]


def test_a_confirmed_place_cannot_be_cancelled_after_the_deadline_but_a_waiting_one_can(
    session,
):
    offering = make_offering(session, capacity=1, cancellation_hours=48)
    holder, waiting_person = make_user(session), make_user(session)
    place = enrol(session, offering, holder)
    waiting = enrol(session, offering, waiting_person)
    late = offering.cancellation_deadline + timedelta(minutes=1)

    assert not service.can_cancel(place, late)
    with pytest.raises(service.EnrolmentRefused, match="deadline"):
        service.cancel_enrolment(session, enrolment_id=place.id, user_id=holder.id, now=late)
    assert service.can_cancel(waiting, late)
    service.cancel_enrolment(session, enrolment_id=waiting.id, user_id=waiting_person.id, now=late)
    assert (place.status, waiting.status) == (EnrolmentStatus.CONFIRMED, EnrolmentStatus.CANCELLED)


def test_nobody_can_reach_someone_elses_enrolment(session):
    offering = make_offering(session)
    owner, stranger = make_user(session), make_user(session)
    place = enrol(session, offering, owner)

    with pytest.raises(NotFound):
        service.get_own_enrolment(session, place.id, stranger.id)
    with pytest.raises(NotFound):
        service.cancel_enrolment(session, enrolment_id=place.id, user_id=stranger.id, now=utcnow())
    assert place.status == EnrolmentStatus.CONFIRMED


def test_a_place_cancelled_meanwhile_by_another_request_is_not_released_twice(session):
    """The in-memory row still says confirmed, as in a request that read it just before a
    concurrent one committed the cancellation."""
    offering = make_offering(session, capacity=1)
    holder, waiting_person = make_user(session), make_user(session)
    place = enrol(session, offering, holder)
    waiting = enrol(session, offering, waiting_person)
    session.execute(
        update(Enrolment)
        .where(Enrolment.id == place.id)
        .values(status=EnrolmentStatus.CANCELLED)
        .execution_options(synchronize_session=False)
    )
    assert place.status == EnrolmentStatus.CONFIRMED  # stale, on purpose

    with pytest.raises(service.EnrolmentGone):
        service.cancel_enrolment(session, enrolment_id=place.id, user_id=holder.id, now=utcnow())
    session.refresh(offering)
    assert offering.seats_taken == 1
    assert waiting.status == EnrolmentStatus.WAITING


def test_a_waiting_place_promoted_meanwhile_is_released_as_the_seat_it_now_holds(session):
    offering = make_offering(session, capacity=1)
    holder, waiting_person, next_person = (make_user(session) for _ in range(3))
    place = enrol(session, offering, holder)
    waiting = enrol(session, offering, waiting_person)
    last = enrol(session, offering, next_person)
    # Another request promotes ``waiting`` (holder's seat passes to it); this one read it
    # as waiting before that.
    session.execute(
        update(Enrolment)
        .where(Enrolment.id == place.id)
        .values(status=EnrolmentStatus.CANCELLED)
        .execution_options(synchronize_session=False)
    )
    session.execute(
        update(Enrolment)
        .where(Enrolment.id == waiting.id)
        .values(status=EnrolmentStatus.CONFIRMED)
        .execution_options(synchronize_session=False)
    )
    assert waiting.status == EnrolmentStatus.WAITING  # stale, on purpose

    service.cancel_enrolment(
        session, enrolment_id=waiting.id, user_id=waiting_person.id, now=utcnow()
    )

    session.refresh(offering)
    assert waiting.status == EnrolmentStatus.CANCELLED
    assert last.status == EnrolmentStatus.CONFIRMED
    assert offering.seats_taken == 1


def test_my_enrolments_are_grouped_as_upcoming_waiting_and_past(session):
    person = make_user(session)
    soon = make_offering(session, capacity=5, starts_in=timedelta(days=3))
    later = make_offering(session, capacity=5, starts_in=timedelta(days=30))
    full = make_offering(session, capacity=0)
    dropped = make_offering(session)
    finished = make_offering(session, starts_in=timedelta(days=10))
    later_place = enrol(session, later, person)
    soon_place = enrol(session, soon, person)
    waiting_place = enrol(session, full, person)
    dropped_place = enrol(session, dropped, person)
    finished_place = enrol(session, finished, person)
    service.cancel_enrolment(
        session, enrolment_id=dropped_place.id, user_id=person.id, now=utcnow()
    )
    last_week = utcnow() - timedelta(days=7)
    set_sessions(finished, [(last_week, last_week + timedelta(hours=2))])

    mine = service.participant_enrolments(session, person.id, now=utcnow())

    assert mine.upcoming == [soon_place, later_place]
    assert mine.waiting == [(waiting_place, 1)]
    assert set(mine.past) == {dropped_place, finished_place}


@pytest.mark.parametrize(
    ("lang", "words"),
    [
        ("es", "Tu puesto en la lista de espera: 2"),
        ("en", "Your position on the waiting list: 2"),
    ],
)
def test_the_waiting_email_gives_the_position_in_the_persons_language(session, lang, words):
    offering = make_offering(session, capacity=1)
    enrol(session, offering, make_user(session))
    enrol(session, offering, make_user(session))
    third = make_user(session, language=lang)
    enrol(session, offering, third)

    [message] = messages_to(session, third)
    assert message.template == "enrolment_waiting"
    assert words in message.body_text
    assert words in message.body_html.replace("<strong>", "").replace("</strong>", "")
    assert "@@" not in message.body_text + message.body_html + message.subject


def test_a_seat_gone_between_reading_and_locking_still_gets_a_complete_waiting_email(
    session, monkeypatch
):
    """The waiting email is written ahead only when the offering looked full; one that had
    a seat when read but none under the lock is written there, position included."""
    offering = make_offering(session, capacity=1)
    monkeypatch.setattr(service.places, "_take_seat", lambda *args: False)
    person = make_user(session, language="en")
    place = enrol(session, offering, person)

    assert place.status == EnrolmentStatus.WAITING
    [message] = messages_to(session, person)
    assert "Your position on the waiting list: 1" in message.body_text
    assert "@@" not in message.body_text + message.body_html + message.subject

"""The back office's home: the day of a member of staff, within what they manage."""

from datetime import timedelta

import pytest

from app.admin.access import change_scope, offering_scope
from app.localtime import MADRID, local_midnight
from app.models import OfferingStatus, Role, utcnow
from app.services import audit, enrolment, offerings
from app.services.offerings.agenda import CHANGES_DAYS, LIMIT, LOW_UPTAKE_DAYS, WEEK_DAYS
from tests.factories import make_offering, make_organisation, make_user, set_sessions


def at(day_offset: int, hour: int):
    """A Madrid wall-clock time ``day_offset`` days from today."""
    today = utcnow().astimezone(MADRID).date()
    return local_midnight(today + timedelta(days=day_offset)) + timedelta(hours=hour)


def dated(session, offering, *starts):
    set_sessions(offering, [(start, start + timedelta(hours=2)) for start in starts])
    session.flush()
    return offering


def day_of(session, user, now=None):
    return offerings.staff_day(
        session,
        offering_scope=offering_scope(user),
        change_scope=change_scope(user),
        now=now or utcnow(),
    )


@pytest.fixture
def world(session):
    own = make_organisation(session, name="Ayuntamiento de Majadahonda")
    other = make_organisation(session, name="Otra entidad")
    staff = make_user(session, role=Role.ORGANISATION_STAFF, organisation=own)
    colleague = make_user(session, role=Role.ORGANISATION_STAFF, organisation=own)
    stranger = make_user(session, role=Role.ORGANISATION_STAFF, organisation=other)
    coordinator = make_user(session, role=Role.COORDINATOR)
    return {
        "own": own,
        "other": other,
        "staff": staff,
        "colleague": colleague,
        "stranger": stranger,
        "coordinator": coordinator,
    }


def test_sessions_of_today_and_of_the_next_seven_days_of_ones_own_offerings(session, world):
    today = dated(
        session, make_offering(session, provider=world["own"]), at(0, 0) + timedelta(minutes=1)
    )
    week = dated(
        session, make_offering(session, provider=world["own"]), at(1, 10), at(WEEK_DAYS, 10)
    )
    later = dated(session, make_offering(session, provider=world["own"]), at(WEEK_DAYS + 1, 10))
    yesterday = dated(session, make_offering(session, provider=world["own"]), at(-1, 10))
    draft = dated(
        session,
        make_offering(session, provider=world["own"], status=OfferingStatus.DRAFT),
        at(0, 12),
    )
    theirs = dated(session, make_offering(session, provider=world["other"]), at(0, 12))

    day = day_of(session, world["staff"])
    assert [s.offering_id for s in day.today] == [today.id]
    assert [s.offering_id for s in day.week] == [week.id, week.id]
    shown = {s.offering_id for s in day.today + day.week}
    assert not shown & {later.id, yesterday.id, draft.id, theirs.id}

    everything = day_of(session, world["coordinator"])
    assert {s.offering_id for s in everything.today} == {today.id, theirs.id}


def test_offerings_with_people_or_classes_waiting_most_waiting_first(session, world):
    now = utcnow()
    one = make_offering(session, provider=world["own"], capacity=1)
    two = make_offering(session, provider=world["own"], capacity=1)
    theirs = make_offering(session, provider=world["other"], capacity=1)
    make_offering(session, provider=world["own"], capacity=5)  # places left, nobody waits
    for offering, people in ((one, 2), (two, 3), (theirs, 2)):
        for _ in range(people):
            enrolment.enrol(
                session, offering_id=offering.id, user_id=make_user(session).id, now=now
            )

    day = day_of(session, world["staff"])
    assert [(item.offering.id, item.waiting) for item in day.waiting] == [(two.id, 2), (one.id, 1)]
    assert theirs.id in {item.offering.id for item in day_of(session, world["coordinator"]).waiting}


def test_offerings_starting_soon_with_few_places_taken(session, world):
    now = utcnow()
    empty = make_offering(session, provider=world["own"], capacity=20, starts_in=timedelta(days=5))
    full = make_offering(session, provider=world["own"], capacity=1, starts_in=timedelta(days=6))
    enrolment.enrol(session, offering_id=full.id, user_id=make_user(session).id, now=now)
    far = make_offering(
        session, provider=world["own"], starts_in=timedelta(days=LOW_UPTAKE_DAYS + 1)
    )
    theirs = make_offering(session, provider=world["other"], starts_in=timedelta(days=5))

    low = {offering.id for offering in day_of(session, world["staff"]).low_uptake}
    assert empty.id in low
    assert not low & {full.id, far.id, theirs.id}


def test_changes_of_the_last_days_of_ones_own_offerings_and_imports(session, world):
    mine = make_offering(session, provider=world["own"])
    theirs = make_offering(session, provider=world["other"])

    def entry(actor, entity_type, entity_id, summary, days_ago=0):
        made = audit.record(
            session,
            actor_id=actor.id,
            action="import" if entity_type == "import" else "update",
            entity_type=entity_type,
            entity_id=entity_id,
            summary=summary,
        )
        made.at = utcnow() - timedelta(days=days_ago)
        return made

    entry(world["coordinator"], "offering", mine.id, "mine edited")
    entry(world["colleague"], "session", mine.sessions[0].id, "mine's session")
    entry(world["colleague"], "import", None, "our-file.csv")
    entry(world["stranger"], "import", None, "their-file.csv")
    entry(world["stranger"], "offering", theirs.id, "theirs edited")
    entry(world["coordinator"], "user", world["staff"].id, "a role changed")
    entry(world["coordinator"], "offering", mine.id, "too old", days_ago=CHANGES_DAYS + 2)
    session.flush()

    changes = day_of(session, world["staff"]).changes
    assert sorted(change.entry.summary for change in changes) == [
        "mine edited",
        "mine's session",
        "our-file.csv",
    ]
    about = {change.entry.summary: change.offering_id for change in changes}
    assert about == {"mine edited": mine.id, "mine's session": mine.id, "our-file.csv": None}

    everything = {change.entry.summary for change in day_of(session, world["coordinator"]).changes}
    assert everything == {
        "mine edited",
        "mine's session",
        "our-file.csv",
        "their-file.csv",
        "theirs edited",
        "a role changed",
    }


def test_the_day_costs_five_queries_whatever_the_size_of_the_offer(session, world, count_queries):
    coordinator = world["coordinator"]

    def add(count):
        now = utcnow()
        for _ in range(count):
            offering = make_offering(session, provider=world["own"], capacity=1)
            dated(session, offering, at(1, 10), at(2, 10))
            for _ in range(2):
                enrolment.enrol(
                    session, offering_id=offering.id, user_id=make_user(session).id, now=now
                )
            audit.record(
                session,
                actor_id=coordinator.id,
                action="update",
                entity_type="offering",
                entity_id=offering.id,
                summary="edited",
            )
        session.commit()

    counts = []
    for count in (2, LIMIT + 3):
        add(count)
        session.expire_all()
        scopes = {
            "offering_scope": offering_scope(coordinator),
            "change_scope": change_scope(coordinator),
        }
        with count_queries() as queries:
            day = offerings.staff_day(session, **scopes, now=utcnow())
            read = [
                *(s.offering.title_es for s in day.today + day.week),
                *(item.offering.title_es for item in day.waiting),
                *(change.entry.actor.name for change in day.changes),
            ]
        assert read
        counts.append(len(queries))
    assert counts == [5, 5]
    assert len(day.week) == len(day.waiting) == len(day.changes) == LIMIT

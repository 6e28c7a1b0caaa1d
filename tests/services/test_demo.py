"""The demo offer: broad, realistic, always current, and safe to load twice."""

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select

from app.demo import loader as demo
from app.localtime import MADRID
from app.models import (
    Availability,
    Format,
    Kind,
    Mode,
    Municipality,
    Offering,
    Organisation,
    Programme,
)


@pytest.fixture
def seeded(session):
    demo.seed_demo(session)
    session.commit()
    return list(session.scalars(select(Offering)))


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


def test_the_partner_organisations_include_members_and_mapped_agents(session, seeded):
    organisations = list(session.scalars(select(Organisation)))

    assert 14 <= len(organisations) <= 18
    members = [org for org in organisations if org.is_member]
    assert all(org.member_since for org in members)
    assert 0 < len(members) < len(organisations)
    assert len({org.kind for org in organisations}) == 7
    assert all(org.municipality is not None for org in organisations)


def test_the_demo_always_has_something_upcoming_full_closed_and_not_yet_open(seeded):
    now = datetime.now(UTC)
    states = [offering.availability(now) for offering in seeded]

    assert sum(1 for offering in seeded if offering.starts_at > now + timedelta(days=1)) >= 30
    assert any(offering.ends_at < now for offering in seeded)
    assert states.count(Availability.OPEN) >= 15
    assert states.count(Availability.WAITING_LIST) >= 3
    assert states.count(Availability.NOT_YET_OPEN) >= 3
    full = [offering for offering in seeded if offering.seats_taken == offering.capacity]
    assert any(offering.mode != Mode.INDIVIDUAL for offering in full)
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


@pytest.mark.both_databases
def test_loading_it_again_duplicates_nothing_and_keeps_the_places_taken(session):
    today = datetime.now(MADRID).date()
    first = demo.seed_demo(session, today=today)
    session.commit()
    taken = dict(session.execute(select(Offering.external_id, Offering.seats_taken)).all())

    same_day = demo.seed_demo(session, today=today)
    session.commit()
    next_week = demo.seed_demo(session, today=today + timedelta(days=7))
    session.commit()

    assert first.created == len(demo.OFFERINGS)
    assert (same_day.created, same_day.updated) == (0, 0)
    assert (next_week.created, next_week.updated) == (0, len(demo.OFFERINGS))
    assert session.scalar(select(func.count()).select_from(Offering)) == len(demo.OFFERINGS)
    assert session.scalar(select(func.count()).select_from(Organisation)) == len(demo.ORGANISATIONS)
    assert session.scalar(select(func.count()).select_from(Municipality)) == 5
    assert dict(session.execute(select(Offering.external_id, Offering.seats_taken)).all()) == taken

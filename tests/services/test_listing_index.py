"""The listing index lists, counts and orders the catalogue as its conditions do in SQL
(``matching_ids``, which saved searches run), on both databases; and a worker keeps one
index while the offer stays as it is, and builds another when it moves."""

import random
from dataclasses import replace
from datetime import timedelta

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from app.models import ClassSession, Municipality, Offering, Programme, enums, utcnow
from app.services.catalogue import (
    FACETS,
    Filters,
    KeptIndex,
    build_index,
    bump_version,
    catalogue_state,
    matching_ids,
    search,
    search_catalogue,
)
from app.services.catalogue.index import UNSET, micros
from app.services.catalogue.listing import enrolment_state
from tests.factories import make_offering, set_sessions

WORDS = ("alfa", "beta", "gamma")
MULTI = {"audience": enums.Audience, "language": enums.InstructionLanguage}


def _moment(rng: random.Random, now):
    """Unset, or a moment from a month ago to two months ahead (some on the hour)."""
    if rng.random() < 0.3:
        return None
    return now + timedelta(hours=rng.randint(-30 * 24, 60 * 24), minutes=rng.choice((0, 17)))


def _world(session, seed: int = 13) -> None:
    """Sixty offerings of every status, mode, facet value, moment and fill; ten of them
    class-mode and running, with sessions past and to come, full or not."""
    rng = random.Random(seed)
    now = utcnow()
    programmes = session.scalars(select(Programme.slug)).all()
    municipalities = session.scalars(select(Municipality.slug)).all()
    for number in range(60):
        mode = rng.choice(list(enums.Mode))
        capacity = rng.randint(0, 3)
        offering = make_offering(
            session,
            programme_slug=rng.choice(programmes),
            municipality_slug=rng.choice(municipalities),
            audiences=rng.sample(list(enums.Audience), rng.randint(0, 2)),
            languages=rng.sample(list(enums.InstructionLanguage), rng.randint(0, 2)),
            starts_in=timedelta(hours=rng.randint(-40 * 24, 50 * 24)),
            sessions=rng.randint(0, 3),
            title_es=f"Curso {WORDS[number % 3]} {number}",
            # Some summaries name another word: a search then ranks by weight (title 8,
            # summary 3), not by start alone.
            summary_es=f"Resumen {WORDS[(number + 1) % 3]}" if number % 4 == 0 else "Resumen",
            status=rng.choice([enums.OfferingStatus.PUBLISHED] * 4 + list(enums.OfferingStatus)),
            kind=rng.choice(list(enums.Kind)),
            format=rng.choice(list(enums.Format)),
            mode=mode,
            capacity=capacity,
            seats_taken=rng.randint(0, capacity),
            price_cents=rng.choice((0, 0, 1500)),
            enrolment_opens=_moment(rng, now),
            enrolment_closes=_moment(rng, now),
        )
        session.flush()
        if number % 6 == 0:
            # Class-mode, running, taking classes till next week: some sessions past, some
            # to come, full or not (what "available" reads at the moment asked about).
            offering.status, offering.mode = enums.OfferingStatus.PUBLISHED, enums.Mode.CLASS
            offering.enrolment_opens, offering.enrolment_closes = None, now + timedelta(days=9)
            set_sessions(
                offering,
                [(now + timedelta(days=d), now + timedelta(days=d, hours=2)) for d in (-8, -1, 6)],
            )
            session.flush()
        if offering.mode == enums.Mode.CLASS:
            for meeting in offering.sessions:
                if rng.random() < 0.6:
                    seats = rng.randint(0, 2)
                    taken = rng.randint(0, seats)
                    session.add(
                        ClassSession(session_id=meeting.id, capacity=seats, pupils_taken=taken)
                    )
    session.flush()


def _values(session, name: str) -> list[str]:
    if name == "programme":
        return list(session.scalars(select(Programme.slug)))
    if name == "municipality":
        return list(session.scalars(select(Municipality.slug)))
    vocabulary = {"kind": enums.Kind, "format": enums.Format, **MULTI}[name]
    return [member.value for member in vocabulary]


def _chosen(name: str):
    values = {
        "programme": ["bootcamps", "training-cycles", "science-week", "nowhere"],
        "municipality": ["las-rozas", "boadilla-del-monte", "majadahonda"],
        "kind": [member.value for member in enums.Kind],
        "format": [member.value for member in enums.Format],
        "audience": [member.value for member in enums.Audience],
        "language": [member.value for member in enums.InstructionLanguage],
    }[name]
    return st.lists(st.sampled_from(values), max_size=2, unique=True).map(tuple)


days = st.one_of(st.none(), st.integers(-35, 65))
filters_drawn = st.builds(
    lambda q, day_from, day_to, **chosen: (q, day_from, day_to, chosen),
    st.sampled_from(["", *WORDS, "alfa curso", "zzzz", "🙂"]),
    days,
    days,
    **{name: _chosen(name) for name in ("programme", "kind", "municipality", "format")},
    **{name: _chosen(name) for name in MULTI},
    available=st.booleans(),
    free=st.booleans(),
    closed=st.booleans(),
)


@pytest.fixture
def world(session):
    _world(session)
    return session


@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(drawn=filters_drawn)
def test_the_index_lists_counts_and_orders_as_the_conditions_do_in_sql(world, drawn):
    session = world
    q, day_from, day_to, chosen = drawn
    now = utcnow()
    today = now.date()
    filters = Filters(
        q=q,
        date_from=None if day_from is None else today + timedelta(days=day_from),
        date_to=None if day_to is None else today + timedelta(days=day_to),
        as_typed=True,
        **chosen,
    )
    every = session.scalars(select(Offering.id)).all()
    expected = matching_ids(session, filters, now=now, among=every)
    result = search_catalogue(session, filters, now=now, page=1, per_page=100)

    assert result.total == len(expected)
    assert {item.id for item in result.items} == expected
    # Each facet's count: what choosing that value alone (the others as they are) would list.
    for name in FACETS:
        for value in _values(session, name):
            alone = matching_ids(
                session, replace(filters, **{name: (value,)}), now=now, among=every
            )
            assert result.facets[name].get(value, 0) == len(alone), (name, value)
    # The order: what can be joined first, then relevance (the SQL's score), start and id.
    listed = select(Offering.id).where(Offering.id.in_(expected))
    order = [enrolment_state(now), Offering.starts_at.asc().nulls_last(), Offering.id]
    if search.parse_query(q):
        scored = search.matching(search.parse_query(q)).subquery()
        listed = listed.join(scored, scored.c.offering_id == Offering.id)
        order.insert(1, scored.c.score.desc())
    in_order = session.scalars(listed.order_by(*order)).all()
    assert [item.id for item in result.items] == in_order


def _same(index, built) -> None:
    """Every column of ``index`` is what a build reads."""
    assert np.array_equal(index.ids, built.ids)
    for name in ("has_seats", "individual", "by_class", "pupils_until", "free"):
        assert np.array_equal(getattr(index, name), getattr(built, name)), name
    for name, moments in index.moments.items():
        assert np.array_equal(moments, built.moments[name]), name
    for name, facet in index.facets.items():
        assert facet.values == built.facets[name].values
        assert np.array_equal(facet.codes, built.facets[name].codes), name


def test_a_worker_keeps_its_index_until_the_offer_moves(session):
    offering = make_offering(session, capacity=1)
    make_offering(session, capacity=5)
    now = utcnow()
    by_class = make_offering(session, mode=enums.Mode.CLASS, capacity=2)
    set_sessions(
        by_class, [(now + timedelta(days=d), now + timedelta(days=d, hours=2)) for d in (20, 22)]
    )
    bump_version(session)
    session.flush()
    kept = KeptIndex()

    def listed():
        state = catalogue_state(session, now)
        result = search_catalogue(
            session, Filters(), now=now, page=1, per_page=10, index=kept.get(state)
        )
        return [item.id for item in result.items]

    def index():
        return kept.get(catalogue_state(session, now))(session)

    first = listed()
    assert first[0] == offering.id
    assert index() is index()  # built once for the offer as it is
    held = index()
    position = int(np.flatnonzero(held.ids == by_class.id)[0])
    assert held.pupils_until[position] == micros(by_class.sessions[-1].starts_at)

    # A seat taken that fills an offering moves the full set: the index reads its seats
    # again (the rest of it kept as it was) and the list follows.
    offering.seats_taken = 1
    session.flush()
    assert listed() == [*first[1:], first[0]]  # a full one goes after those with places
    assert index() is not held
    assert index().ids is held.ids
    _same(index(), build_index(session))
    held = index()
    # A seat taken that fills nothing leaves it as it is.
    session.get(Offering, first[1]).seats_taken = 3
    session.flush()
    assert index() is held

    # A class session filling moves the full classes: the last one taking pupils is the
    # first; with both full, none.
    first_class, last_class = by_class.sessions
    session.add(ClassSession(session_id=last_class.id, capacity=2, pupils_taken=2))
    session.flush()
    assert index() is not held
    assert index().pupils_until[position] == micros(first_class.starts_at)
    session.add(ClassSession(session_id=first_class.id, capacity=2, pupils_taken=2))
    session.flush()
    assert index().pupils_until[position] == UNSET
    _same(index(), build_index(session))
    held = index()

    # An edit bumps the version: the index is built again and the next list shows it.
    offering.status = enums.OfferingStatus.DRAFT
    bump_version(session)
    session.flush()
    assert listed() == first[1:]
    assert index().ids is not held.ids


@pytest.mark.parametrize("q", ["programa programación", "programación programa", "programas"])
def test_a_term_two_search_words_share_counts_for_the_first_as_in_sql(session, q):
    """ "programa" and "programación" share the stem "program": it counts for the word
    first typed only, in SQL (``search.matching``) and in the index alike."""
    for title in ("Programa de verano", "Programación web", "Programas y programación"):
        make_offering(session, title_es=title, title_en=None)
    session.flush()
    now = utcnow()
    filters = Filters(q=q, as_typed=True)
    every = session.scalars(select(Offering.id)).all()
    expected = matching_ids(session, filters, now=now, among=every)
    result = search_catalogue(session, filters, now=now, page=1, per_page=10)
    assert {item.id for item in result.items} == expected
    assert result.total == len(expected) > 0


def test_an_index_asked_again_later_gives_the_states_of_that_moment(session):
    """The states of the last stretch between two openings or deadlines are kept: asked
    just before, at and just after each, in any order, they are the SQL's at that moment."""
    now = utcnow().replace(microsecond=0)
    opens, closes = now + timedelta(hours=1), now + timedelta(hours=2)
    make_offering(session, enrolment_opens=opens, enrolment_closes=closes)
    make_offering(session, capacity=1, seats_taken=1, enrolment_closes=opens)
    make_offering(session, enrolment_opens=None, enrolment_closes=None)
    session.flush()
    index = build_index(session)
    tick = timedelta(microseconds=1)
    moments = [now, opens - tick, opens, opens + tick, closes - tick, closes, closes + tick]
    seen = set()
    for moment in [*moments, *reversed(moments), opens, opens]:
        in_sql = dict(session.execute(select(Offering.id, enrolment_state(moment))).all())
        states = index.enrolment_state(micros(moment))
        assert dict(zip(index.ids.tolist(), states.tolist(), strict=True)) == in_sql, moment
        seen.add(tuple(states.tolist()))
    assert len(seen) >= 3  # the moments asked about do cross a change

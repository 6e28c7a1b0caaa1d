"""Search words that name a filter value apply the filter; the rest is searched. And the
catalogue's order: open first, then not yet open, closed only when asked for."""

from datetime import UTC, datetime, timedelta

import pytest

from app.models import Audience, Format, Mode
from app.services.catalogue import Filters, search_catalogue
from tests.factories import make_offering

NOW = datetime.now(UTC).replace(microsecond=0)


def search(session, text: str = "", **filters):
    return search_catalogue(session, Filters(q=text, **filters), now=NOW, page=1, per_page=50)


def found(session, text: str = "", **filters) -> list[str]:
    return [offering.external_id for offering in search(session, text, **filters).items]


@pytest.fixture
def offer(session):
    make_offering(session, external_id="PY-FREE", title_es="Programación en Python")
    make_offering(session, external_id="PY-PAID", title_es="Python avanzado", price_cents=5000)
    make_offering(
        session,
        external_id="CIBER-PARO",
        title_es="Ciberseguridad básica",
        audiences=(Audience.UNEMPLOYED,),
    )
    make_offering(session, external_id="CIBER", title_es="Ciberseguridad para pymes")
    make_offering(
        session,
        external_id="ROBOT-MAJA",
        title_es="Robótica educativa",
        municipality_slug="majadahonda",
    )
    make_offering(session, external_id="ROBOT-ROZAS", title_es="Robótica para familias")
    make_offering(session, external_id="ONLINE", title_es="Datos en la nube", format=Format.ONLINE)
    make_offering(
        session,
        external_id="BOADILLA",
        title_es="Taller de impresión 3D",
        municipality_slug="boadilla-del-monte",
        programme_slug="science-week",
    )
    session.flush()


@pytest.mark.parametrize(
    ("typed", "named", "remaining", "expected"),
    [
        ("python gratis", [("free", "1")], "python", {"PY-FREE"}),
        ("free python", [("free", "1")], "python", {"PY-FREE"}),
        (
            "ciberseguridad desempleados",
            [("audience", "unemployed")],
            "ciberseguridad",
            {"CIBER-PARO"},
        ),
        (
            "Ciberseguridad DESEMPLEADAS",
            [("audience", "unemployed")],
            "Ciberseguridad",
            {"CIBER-PARO"},
        ),
        ("unemployed cybersecurity", [("audience", "unemployed")], "cybersecurity", set()),
        ("robótica majadahonda", [("municipality", "majadahonda")], "robótica", {"ROBOT-MAJA"}),
        ("robotica MAJADAHONDA", [("municipality", "majadahonda")], "robotica", {"ROBOT-MAJA"}),
        ("online", [("format", "online")], "", {"ONLINE"}),
        ("cursos en línea", [("format", "online")], "cursos", {"ONLINE"}),
        ("boadilla del monte", [("municipality", "boadilla-del-monte")], "", {"BOADILLA"}),
        ("semana de la ciencia", [("programme", "science-week")], "", {"BOADILLA"}),
        ("Science Week gratis", [("programme", "science-week"), ("free", "1")], "", {"BOADILLA"}),
    ],
)
def test_words_that_name_a_filter_apply_it_and_the_rest_is_searched(
    session, offer, typed, named, remaining, expected
):
    result = search(session, typed)
    assert result.interpretation is not None
    assert [(n.filter, n.value) for n in result.interpretation.named] == named
    assert result.interpretation.remaining == remaining
    assert {offering.external_id for offering in result.items} == expected


@pytest.mark.parametrize("typed", ["python", "ciberseguridad", "robótica educativa", "datos"])
def test_a_search_without_filter_words_is_searched_whole(session, offer, typed):
    result = search(session, typed)
    assert result.interpretation is None
    assert result.total >= 1


def test_a_named_filter_adds_to_the_filters_already_chosen(session, offer):
    assert found(session, "online", format=("in-person",)) == found(session, closed=False)


def test_removing_a_named_filter_takes_its_words_out_of_the_search(session, offer):
    result = search(session, "python gratis online")
    interpretation = result.interpretation
    free, online = interpretation.named
    assert interpretation.without(free, "python gratis online") == "python online"
    assert interpretation.without(online, "python gratis online") == "python gratis"


def enrolment_states(session):
    make_offering(
        session,
        external_id="CLOSED",
        starts_in=timedelta(days=2),
        enrolment_closes=NOW - timedelta(hours=1),
    )
    make_offering(
        session,
        external_id="LATER",
        starts_in=timedelta(days=20),
        enrolment_opens=NOW + timedelta(days=3),
    )
    make_offering(
        session, external_id="FULL", starts_in=timedelta(days=1), capacity=2, seats_taken=2
    )
    make_offering(session, external_id="OPEN", starts_in=timedelta(days=30))
    make_offering(session, external_id="STARTED", starts_in=timedelta(days=-2), sessions=3)
    make_offering(
        session,
        external_id="CLASS-FULL",
        starts_in=timedelta(days=3),
        mode=Mode.CLASS,
        capacity=2,
        seats_taken=2,
    )
    session.flush()


def test_open_offerings_come_first_then_waiting_lists_then_not_yet_open(session):
    enrolment_states(session)
    assert found(session) == ["OPEN", "FULL", "LATER"]


def test_closed_offerings_are_shown_last_when_asked_for(session):
    enrolment_states(session)
    assert found(session, closed=True) == [
        "OPEN",
        "FULL",
        "LATER",
        "STARTED",
        "CLOSED",
        "CLASS-FULL",
    ]


def test_the_order_agrees_with_each_offerings_availability(session):
    enrolment_states(session)
    items = search(session, closed=True).items
    order = ["open", "waiting-list", "not-yet-open", "closed"]
    states = [order.index(offering.availability(NOW).value) for offering in items]
    assert states == sorted(states)

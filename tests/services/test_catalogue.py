"""The catalogue service: what is public, search, each filter, facet counts, order, pages."""

import random
from collections import Counter
from datetime import UTC, date, datetime, timedelta

import pytest
from flask_babel import force_locale
from sqlalchemy import select

from app.models import (
    Audience,
    ClassSession,
    Format,
    InstructionLanguage,
    Kind,
    Mode,
    Offering,
    OfferingStatus,
)
from app.services.catalogue import Filters, PageOutOfRange, search_catalogue
from app.services.reference import MUNICIPALITIES, PROGRAMMES
from tests.factories import make_class_offering, make_offering, make_organisation, set_sessions

NOW = datetime.now(UTC).replace(microsecond=0)


NO_FILTERS = Filters()


def found(session, filters: Filters = NO_FILTERS) -> list[str]:
    result = search_catalogue(session, filters, now=NOW, page=1, per_page=100)
    return [offering.external_id for offering in result.items]


def facets(session, filters: Filters = NO_FILTERS) -> dict[str, dict[str, int]]:
    return search_catalogue(session, filters, now=NOW, page=1, per_page=10).facets


def test_only_published_offerings_that_have_not_ended_are_listed(session):
    make_offering(session, external_id="UPCOMING")
    make_offering(session, external_id="RUNNING", starts_in=timedelta(days=-8), sessions=3)
    make_offering(session, external_id="ENDED", starts_in=timedelta(days=-30))
    make_offering(session, external_id="UNDATED", sessions=0)
    for status in (OfferingStatus.DRAFT, OfferingStatus.CANCELLED, OfferingStatus.ARCHIVED):
        make_offering(session, external_id=status.value, status=status)
    # A course already running is closed for enrolment: shown only when asked for, last.
    assert found(session) == ["UPCOMING", "UNDATED"]
    assert found(session, Filters(closed=True)) == ["UPCOMING", "UNDATED", "RUNNING"]


@pytest.mark.parametrize(
    ("typed", "fields"),
    [
        ("programacion", {"title_es": "Programación web"}),
        ("PROGRAMAR", {"title_es": "Programación web"}),
        ("Ciberseguridad", {"title_es": "ciberseguridad para pymes"}),
        ("cybersecurity", {"title_en": "Cybersecurity for small firms"}),
        ("robotics", {"summary_es": "Robótica educativa para familias"}),
        ("impresion", {"description_es": "Taller de impresión 3D"}),
        ("kubernetes", {"skills": "docker|Kubernetes"}),
        ("fundacion", {"provider_name": "Fundación Ejemplo"}),
    ],
)
def test_search_finds_word_forms_in_every_text_field(session, typed, fields):
    provider_name = fields.pop("provider_name", None)
    provider = make_organisation(session, name=provider_name) if provider_name else None
    make_offering(session, external_id="HIT", provider=provider, **fields)
    make_offering(session, external_id="MISS", title_es="Huerto urbano", title_en="Urban garden")
    assert found(session, Filters(q=typed)) == ["HIT"]


def test_a_search_ranks_by_relevance_then_start_date(session):
    make_offering(
        session,
        external_id="DESC-LATE",
        description_es="Datos con Python",
        starts_in=timedelta(days=9),
    )
    make_offering(
        session,
        external_id="DESC-SOON",
        description_es="Datos con Python",
        starts_in=timedelta(days=3),
    )
    make_offering(session, external_id="TITLE", title_es="Python", starts_in=timedelta(days=20))
    assert found(session, Filters(q="python")) == ["TITLE", "DESC-SOON", "DESC-LATE"]


def test_without_a_search_offerings_come_by_start_date_undated_last(session):
    make_offering(session, external_id="UNDATED", sessions=0)
    make_offering(session, external_id="LATER", starts_in=timedelta(days=20))
    make_offering(session, external_id="SOONER", starts_in=timedelta(days=2))
    assert found(session) == ["SOONER", "LATER", "UNDATED"]


@pytest.mark.parametrize("typed", ["😀🎉", "de la", "\u200f\u202e"])
def test_a_search_with_no_searchable_word_finds_nothing(session, typed):
    make_offering(session)
    result = search_catalogue(session, Filters(q=typed), now=NOW, page=1, per_page=10)
    assert (result.total, result.items, result.pages) == (0, [], 1)


def test_sql_in_a_search_is_only_text(session):
    make_offering(session, external_id="DROP", title_es="Drop table: borrar search_term en SQL")
    assert found(session, Filters(q="'; DROP TABLE search_term; --")) == ["DROP"]


@pytest.mark.parametrize(
    ("filters", "expected"),
    [
        (Filters(programme=("science-week",)), ["SCIENCE"]),
        (Filters(kind=("workshop", "talk")), ["SCIENCE", "ONLINE"]),
        (Filters(municipality=("majadahonda",)), ["SCIENCE"]),
        (Filters(audience=("students",)), ["SCIENCE"]),
        (Filters(audience=("students", "entrepreneurs")), ["SCIENCE", "ONLINE"]),
        (Filters(format=("online",)), ["ONLINE"]),
        (Filters(language=("en",)), ["ONLINE"]),
        (Filters(free=True), ["BOOTCAMP", "SCIENCE"]),
        (Filters(kind=("workshop", "talk"), free=True), ["SCIENCE"]),
        (Filters(kind=("bootcamp",), format=("online",)), []),
    ],
)
def test_filters_combine_with_or_within_a_facet_and_with_and_across(session, filters, expected):
    make_offering(session, external_id="BOOTCAMP", starts_in=timedelta(days=1))
    make_offering(
        session,
        external_id="SCIENCE",
        programme_slug="science-week",
        municipality_slug="majadahonda",
        kind=Kind.WORKSHOP,
        audiences=(Audience.STUDENTS, Audience.TEACHERS),
        starts_in=timedelta(days=2),
    )
    make_offering(
        session,
        external_id="ONLINE",
        municipality_slug="online",
        kind=Kind.TALK,
        format=Format.ONLINE,
        audiences=(Audience.ENTREPRENEURS,),
        languages=(InstructionLanguage.SPANISH, InstructionLanguage.ENGLISH),
        price_cents=1500,
        starts_in=timedelta(days=3),
    )
    assert found(session, filters) == expected


def test_only_available_means_places_left_and_enrolment_open_now(session):
    make_offering(session, external_id="OPEN", starts_in=timedelta(days=1))
    make_offering(session, external_id="FULL", seats_taken=20)
    make_offering(session, external_id="NOT-YET", enrolment_opens=NOW + timedelta(days=1))
    make_offering(session, external_id="CLOSED", enrolment_closes=NOW - timedelta(hours=1))
    make_offering(session, external_id="STARTED", starts_in=timedelta(days=-1), sessions=2)
    make_offering(
        session,
        external_id="WINDOW",
        enrolment_opens=NOW - timedelta(days=1),
        enrolment_closes=NOW + timedelta(days=1),
        mode=Mode.APPLICATION,
        starts_in=timedelta(days=3),
    )
    assert found(session, Filters(available=True)) == ["OPEN", "WINDOW"]


def seated(session, offering, *taken):
    """The sessions of ``offering`` with these pupils taken, in order (None: no row yet)."""
    for meeting, pupils in zip(offering.sessions, taken, strict=True):
        if pupils is not None:
            session.add(
                ClassSession(session_id=meeting.id, capacity=offering.capacity, pupils_taken=pupils)
            )
    session.flush()


def test_a_class_offering_is_available_while_a_session_still_to_start_takes_pupils(session):
    seated(session, make_class_offering(session, external_id="ONE-SEAT", capacity=30), 30, 29)
    seated(session, make_class_offering(session, external_id="UNTOUCHED", sessions=1), None)
    seated(session, make_class_offering(session, external_id="FULL", capacity=30), 30, 30)
    # Its free session has started: the seats left are in the past (enrolment still open).
    begun = make_class_offering(
        session,
        external_id="BEGUN",
        capacity=30,
        starts_in=timedelta(days=-1, hours=-1),
        enrolment_closes=NOW + timedelta(days=3),
    )
    seated(session, begun, 0, 30)
    make_offering(session, external_id="PEOPLE")
    make_offering(session, external_id="PEOPLE-FULL", seats_taken=20)

    available = Filters(available=True)
    assert sorted(found(session, available)) == ["ONE-SEAT", "PEOPLE", "UNTOUCHED"]
    # The counts beside each option agree with the results the filter gives.
    counts = facets(session, available)
    assert counts["kind"] == {"science-week-activity": 2, "bootcamp": 1}
    assert sum(counts["format"].values()) == len(found(session, available))


def test_a_date_range_keeps_offerings_running_in_it_by_madrid_days(session):
    def on(external_id, start, end):
        offering = make_offering(session, external_id=external_id)
        set_sessions(offering, [(start, end)])

    # 1 December 2030 is in winter time: Madrid is UTC+1.
    on(
        "LATE-ON-THE-1ST",
        datetime(2030, 12, 1, 22, 30, tzinfo=UTC),
        datetime(2030, 12, 1, 22, 50, tzinfo=UTC),
    )
    on(
        "EARLY-ON-THE-2ND",
        datetime(2030, 12, 1, 23, 10, tzinfo=UTC),
        datetime(2030, 12, 1, 23, 50, tzinfo=UTC),
    )
    on("SPANNING", datetime(2030, 11, 20, 9, tzinfo=UTC), datetime(2030, 12, 20, 9, tzinfo=UTC))
    on("JANUARY", datetime(2031, 1, 10, 9, tzinfo=UTC), datetime(2031, 1, 10, 11, tzinfo=UTC))
    session.flush()

    first = date(2030, 12, 1)
    second = date(2030, 12, 2)
    assert found(session, Filters(date_from=first, date_to=first)) == [
        "SPANNING",
        "LATE-ON-THE-1ST",
    ]
    assert found(session, Filters(date_from=second, date_to=second)) == [
        "SPANNING",
        "EARLY-ON-THE-2ND",
    ]
    assert found(session, Filters(date_from=date(2031, 1, 1))) == ["JANUARY"]
    assert found(session, Filters(date_to=first)) == ["SPANNING", "LATE-ON-THE-1ST"]


def test_a_start_date_in_the_past_brings_back_ended_offerings(session):
    make_offering(session, external_id="ENDED", starts_in=timedelta(days=-30))
    since = (NOW - timedelta(days=60)).date()
    assert found(session, Filters(date_from=since)) == ["ENDED"]


def test_each_facet_counts_the_results_of_every_other_filter(session):
    make_offering(session, kind=Kind.BOOTCAMP, audiences=(Audience.RESIDENTS, Audience.UNEMPLOYED))
    make_offering(session, kind=Kind.BOOTCAMP, format=Format.ONLINE, municipality_slug="online")
    make_offering(
        session,
        kind=Kind.WORKSHOP,
        programme_slug="science-week",
        audiences=(Audience.STUDENTS,),
        languages=(InstructionLanguage.SPANISH, InstructionLanguage.ENGLISH),
    )
    make_offering(session, kind=Kind.TALK, status=OfferingStatus.DRAFT)

    everything = facets(session)
    assert everything["kind"] == {"bootcamp": 2, "workshop": 1}
    assert everything["programme"] == {"bootcamps": 2, "science-week": 1}
    assert everything["municipality"] == {"las-rozas": 2, "online": 1}
    assert everything["audience"] == {"residents": 2, "unemployed": 1, "students": 1}
    assert everything["format"] == {"in-person": 2, "online": 1}
    assert everything["language"] == {"es": 3, "en": 1}

    bootcamps = facets(session, Filters(kind=("bootcamp",)))
    # Its own facet ignores the choice, so the other kinds still say what they would add.
    assert bootcamps["kind"] == {"bootcamp": 2, "workshop": 1}
    assert bootcamps["format"] == {"in-person": 1, "online": 1}
    assert bootcamps["audience"] == {"residents": 2, "unemployed": 1}

    online_bootcamps = facets(session, Filters(kind=("bootcamp",), format=("online",)))
    assert online_bootcamps["kind"] == {"bootcamp": 1}
    assert online_bootcamps["format"] == {"in-person": 1, "online": 1}

    searched = facets(session, Filters(q="zzzz"))
    assert all(counts == {} for counts in searched.values())


def test_results_come_in_pages(session):
    for day in range(1, 8):
        make_offering(session, external_id=f"DAY-{day}", starts_in=timedelta(days=day))
    result = search_catalogue(session, Filters(), now=NOW, page=3, per_page=3)
    assert (result.total, result.page, result.pages) == (7, 3, 3)
    assert [offering.external_id for offering in result.items] == ["DAY-7"]


@pytest.mark.parametrize(("offerings_made", "page", "pages"), [(0, 2, 1), (7, 4, 3), (7, 99999, 3)])
def test_a_page_past_the_last_one_says_how_many_there_are(session, offerings_made, page, pages):
    for _ in range(offerings_made):
        make_offering(session)
    # DomainError renders its message when raised, so outside a request a locale is needed.
    with force_locale("en"), pytest.raises(PageOutOfRange) as raised:
        search_catalogue(session, Filters(), now=NOW, page=page, per_page=3)
    assert raised.value.pages == pages
    assert raised.value.status_code == 404
    assert raised.value.field == "page"
    with force_locale("en"):
        assert str(raised.value.message) == (
            "There is only 1 page of results."
            if pages == 1
            else f"There are only {pages} pages of results."
        )


def test_page_window_links_the_ends_and_the_neighbourhood(session):
    for _ in range(30):
        make_offering(session)
    result = search_catalogue(session, Filters(), now=NOW, page=8, per_page=2)
    assert result.page_window() == [1, None, 6, 7, 8, 9, 10, None, 15]


def test_the_number_of_queries_does_not_depend_on_the_page_size(session, count_queries):
    for _ in range(60):
        make_offering(session, sessions=2, audiences=(Audience.RESIDENTS, Audience.COMPANIES))
    session.flush()
    session.expunge_all()  # so that anything not loaded with the page would load lazily
    filters = Filters(q="curso", kind=("bootcamp",), audience=("residents",))
    counts = []
    for per_page in (5, 50):
        with count_queries() as queries:
            result = search_catalogue(session, filters, now=NOW, page=1, per_page=per_page)
            for offering in result.items:
                # What a result card reads: nothing here may load lazily.
                _ = (offering.programme.slug, offering.municipality.slug, offering.provider.name)
                _ = (len(offering.sessions), offering.audiences, offering.languages)
        assert len(result.items) == per_page
        counts.append(len(queries))
    assert counts[0] == counts[1]


def passes(offering: dict, name: str, chosen: dict) -> bool:
    """Whether ``offering`` has one of the values chosen in facet ``name`` (or none is)."""
    return not chosen[name] or bool(offering[name] & set(chosen[name]))


def test_the_total_and_every_facet_count_agree_with_counting_by_hand(session):
    """The single-valued facets and the total come from one grouped pass, added up in
    Python: for random offerings and random choices, the same figures as counting each
    offering by hand (a facet counts what every other facet's choice lets through)."""
    rng = random.Random(13)
    options = {
        "programme": [slug for slug, *_ in PROGRAMMES[:3]],
        "kind": [Kind.BOOTCAMP, Kind.WORKSHOP, Kind.TALK],
        "municipality": [slug for slug, *_ in MUNICIPALITIES[:3]],
        "format": list(Format),
        "audience": [Audience.RESIDENTS, Audience.UNEMPLOYED, Audience.STUDENTS],
        "language": [InstructionLanguage.SPANISH, InstructionLanguage.ENGLISH],
    }
    offered = []
    for _ in range(40):
        values = {name: rng.choice(choices) for name, choices in options.items()}
        values["audience"] = rng.sample(options["audience"], rng.randint(1, 2))
        values["language"] = rng.sample(options["language"], rng.randint(1, 2))
        make_offering(
            session,
            programme_slug=values["programme"],
            municipality_slug=values["municipality"],
            kind=values["kind"],
            format=values["format"],
            audiences=values["audience"],
            languages=values["language"],
        )
        offered.append(
            {
                name: {str(v)} if isinstance(v, str) else set(map(str, v))
                for name, v in values.items()
            }
        )
    session.commit()
    for _ in range(25):
        chosen = {
            name: tuple(str(v) for v in rng.sample(choices, rng.randint(0, 2)))
            for name, choices in options.items()
        }
        result = search_catalogue(session, Filters(**chosen), now=NOW, page=1, per_page=10)
        passing = [{name for name in options if passes(o, name, chosen)} for o in offered]
        assert result.total == sum(len(names) == len(options) for names in passing)
        for name in options:
            by_hand = Counter(
                value
                for o, names in zip(offered, passing, strict=True)
                if names >= set(options) - {name}
                for value in o[name]
            )
            assert result.facets[name] == dict(by_hand), (name, chosen)


@pytest.mark.parametrize(
    "fields",
    [
        dict(capacity=20, seats_taken=5),
        dict(capacity=20, seats_taken=20),
        dict(capacity=0, seats_taken=0),
        dict(enrolment_closes=NOW + timedelta(days=3)),
        dict(sessions=0),
        dict(sessions=0, enrolment_closes=NOW + timedelta(days=1)),
    ],
)
def test_places_left_and_the_deadline_read_in_sql_are_the_models(session, fields):
    """Open data reads them as columns (app.api.serializers), the model as properties."""
    offering = make_offering(session, **fields)
    session.flush()
    row = session.execute(
        select(Offering.seats_left, Offering.enrolment_deadline).where(Offering.id == offering.id)
    ).one()
    assert tuple(row) == (offering.seats_left, offering.enrolment_deadline)


def test_a_page_read_without_its_offerings_names_the_same_ones(session):
    for days in range(5):
        make_offering(session, starts_in=timedelta(days=10 + days))
    loaded = search_catalogue(session, NO_FILTERS, now=NOW, page=2, per_page=2)
    named = search_catalogue(session, NO_FILTERS, now=NOW, page=2, per_page=2, load=False)
    assert named.items == [] and named.ids == [offering.id for offering in loaded.items]
    assert (named.total, named.pages) == (loaded.total, loaded.pages) == (5, 3)

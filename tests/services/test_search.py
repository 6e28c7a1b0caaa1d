import pytest

from app.services.catalogue import Query, matching, parse_query
from tests.factories import make_offering


def found(session, text: str) -> list[str]:
    from sqlalchemy import select

    from app.models import Offering

    query: Query = parse_query(text)
    ranked = matching(query).subquery()
    rows = session.execute(
        select(Offering.external_id)
        .join(ranked, ranked.c.offering_id == Offering.id)
        .order_by(ranked.c.score.desc(), Offering.id)
    )
    return list(rows.scalars())


@pytest.mark.parametrize(
    ("typed", "title"),
    [
        ("programacion", "Programación web"),
        ("PROGRAMAR", "Programación web"),
        ("ciberseguridad", "Ciberseguridad para pymes"),
        ("robotics", "Robótica educativa"),
        ("robot", "Robótica educativa"),
    ],
)
def test_search_ignores_case_and_accents_and_matches_word_forms(session, typed, title):
    make_offering(session, external_id="HIT", title_es=title, title_en=None)
    make_offering(session, external_id="MISS", title_es="Huerto urbano", title_en=None)
    assert found(session, typed) == ["HIT"]


def test_every_word_must_match_and_title_ranks_above_description(session):
    make_offering(session, external_id="DESC", description_es="Aprende Python con datos")
    make_offering(session, external_id="TITLE", title_es="Python y datos")
    make_offering(session, external_id="HALF", title_es="Python")
    assert found(session, "python datos") == ["TITLE", "DESC"]


def test_a_query_of_only_stopwords_is_empty():
    assert not parse_query("de la y the")


def test_threads_stemming_at_once_get_the_same_terms():
    # gunicorn's threads share the module: stemmers must not share their state.
    from concurrent.futures import ThreadPoolExecutor

    text = "Programación robótica ciberseguridad emprendedores jóvenes inteligencia datos " * 20
    expected = parse_query(text)
    with ThreadPoolExecutor(max_workers=8) as pool:
        results = list(pool.map(lambda _: parse_query(text), range(400)))
    assert all(result == expected for result in results)

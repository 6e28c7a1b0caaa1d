"""Typo tolerance: words that match nothing are corrected against the published offer's
own words, the same on both databases; words that match are never touched."""

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import delete, insert, literal, select

from app.models import OfferingStatus, SearchTerm
from app.models.types import utcnow
from app.services.catalogue import Filters, Vocabulary, build_vocabulary, correct, words
from app.services.catalogue import search_catalogue as search_catalogue_service
from app.services.catalogue.search import fold
from tests.factories import make_offering

TITLES = {
    "PY": "Programación en Python",
    "CIBER": "Ciberseguridad para pymes",
    "ROBOT": "Robótica educativa",
    "DATA": "Análisis de datos",
}


@pytest.fixture
def offer(session):
    for external_id, title in TITLES.items():
        make_offering(session, external_id=external_id, title_es=title, title_en=None)
    session.flush()


def search(session, text: str, **filters):
    return search_catalogue_service(
        session, Filters(q=text, **filters), now=utcnow(), page=1, per_page=20
    )


@pytest.mark.parametrize(
    ("typed", "corrected", "found"),
    [
        ("pyton", "python", {"PY"}),
        ("ciberseguirdad", "ciberseguridad", {"CIBER"}),
        ("progamacion", "programacion", {"PY"}),
        ("robotca", "robotica", {"ROBOT"}),
        ("Progamacion en pyton", "programacion en python", {"PY"}),
    ],
)
def test_a_word_with_no_match_is_corrected_to_the_closest_indexed_word(
    session, offer, typed, corrected, found
):
    result = search(session, typed)
    assert result.corrected_q is not None
    assert fold(result.corrected_q) == corrected
    assert {offering.external_id for offering in result.items} == found


@pytest.mark.parametrize("typed", ["python", "Programación", "robótica educativa", "datos"])
def test_a_clean_query_is_never_corrected(session, offer, typed):
    result = search(session, typed)
    assert result.corrected_q is None
    assert result.total >= 1


def test_only_the_unknown_word_changes_and_the_rest_stays_as_typed(session, offer):
    assert search(session, "Programación pyton").corrected_q == "Programación python"


def test_searching_as_typed_skips_the_correction(session, offer):
    result = search(session, "pyton", as_typed=True)
    assert result.corrected_q is None
    assert result.total == 0


def test_a_word_far_from_every_indexed_word_is_left_alone(session, offer):
    result = search(session, "jardineria")
    assert result.corrected_q is None
    assert result.total == 0


def test_a_correction_that_finds_nothing_either_is_not_shown(session, offer):
    """ "datso" alone is corrected and found; with a word the offer lacks, the corrected
    search finds nothing either, and the page speaks of the words as typed."""
    alone = search(session, "datso")
    assert alone.corrected_q is not None and alone.total == 1
    result = search(session, "datso submarinos")
    assert result.corrected_q is None
    assert result.total == 0


def test_drafts_words_are_not_in_the_vocabulary(session, offer):
    # A word only a draft has is left out; one a published offering has too stays.
    make_offering(
        session, title_es="Astronomía con Python", title_en=None, status=OfferingStatus.DRAFT
    )
    session.flush()
    vocabulary = build_vocabulary(session)
    assert "astronomia" not in vocabulary.terms
    assert "python" in vocabulary.terms
    assert search(session, "astronomya").corrected_q is None


def _letters(number: int) -> str:
    """A word of letters only for ``number`` (0 -> "aaaa", 1 -> "aaab"...)."""
    word = ""
    for _ in range(4):
        number, digit = divmod(number, 26)
        word = chr(ord("a") + digit) + word
    return word


def _terms(offering, first: int) -> list[dict]:
    return [
        {"offering_id": offering.id, "term": _letters(first + n), "weight": 1}
        for n in range(12_000)
    ]


def test_the_vocabulary_leaves_out_a_drafts_many_terms_counted_over_many_statements(session):
    """A draft of 12,000 terms, 4,000 of them a published offering's too: its terms are
    counted a thousand at a time (``spelling.CHUNK``), and only those it alone has are left
    out."""
    draft = make_offering(session, title_es="Dos", title_en=None, status=OfferingStatus.DRAFT)
    published = make_offering(session, title_es="Uno", title_en=None)
    session.flush()
    session.execute(delete(SearchTerm))
    session.execute(insert(SearchTerm), [*_terms(published, 0), *_terms(draft, 8_000)])
    vocabulary = build_vocabulary(session)
    assert vocabulary.terms == {_letters(n) for n in range(12_000)}


# Words as the term index keeps them: folded, of letters of any script or of digits.
INDEX_WORDS = st.text(st.characters(categories=("L", "Nd")), min_size=1, max_size=12).map(fold)


@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(terms=st.sets(INDEX_WORDS.filter(lambda term: 0 < len(term) <= 64), max_size=30))
def test_the_vocabulary_is_every_word_of_letters_the_index_holds(session, terms):
    """The statement reads only terms from "a" on, in the database's collation: none of
    letters, whatever their script, is left out, and the rest Vocabulary.of drops anyway."""
    published = make_offering(session, title_es="Uno", title_en=None)
    session.flush()
    session.execute(delete(SearchTerm))
    rows = [{"offering_id": published.id, "term": term, "weight": 1} for term in terms]
    if rows:
        session.execute(insert(SearchTerm), rows)
    assert build_vocabulary(session) == Vocabulary.of(terms)
    if session.get_bind().dialect.name == "postgresql":
        # The linguistic orders a Spanish or English database may be created with put
        # them from "a" on too (the tests' clusters are C.UTF-8).
        for collation in ("es-ES-x-icu", "en-US-x-icu"):
            for term in Vocabulary.of(terms).ordered:
                assert session.scalar(select(literal(term).collate(collation) >= "a")), term
    session.rollback()


def test_the_vocabulary_is_sorted_the_same_way_whatever_the_database(session, offer):
    vocabulary = build_vocabulary(session)
    assert list(vocabulary.ordered) == sorted(vocabulary.terms)
    assert all(term.isalpha() for term in vocabulary.ordered)


INDEXED_TEXT = " ".join(TITLES.values()) + " Course summary Resumen del curso"
VOCABULARY_WORDS = sorted({word for word in words(INDEXED_TEXT)})


# Each example reads the vocabulary from the database: no deadline, which on a loaded machine
# would report the machine, not the code (a run beside a CI run on two cores failed once).
@settings(
    max_examples=200,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    chosen=st.lists(st.sampled_from(VOCABULARY_WORDS), min_size=1, max_size=5),
    upper=st.booleans(),
)
def test_a_query_of_indexed_words_is_never_corrected(session, offer, chosen, upper):
    vocabulary = build_vocabulary(session)
    text = " ".join(word.upper() if upper else word for word in chosen)
    assert correct(text, vocabulary) is None


@given(st.text(max_size=40))
def test_a_correction_only_ever_uses_words_of_the_vocabulary(text):
    vocabulary = Vocabulary.of(["python", "programacion", "robotica", "datos"])
    corrected = correct(text, vocabulary)
    if corrected is not None:
        typed = words(text)
        fixed = words(corrected)
        assert len(typed) == len(fixed)
        assert all(
            before == after or after in vocabulary.terms
            for before, after in zip(typed, fixed, strict=True)
        )

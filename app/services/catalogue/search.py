"""Full-text search over the catalogue, the same on SQLite and PostgreSQL.

Each offering's text (both languages) is split into words, folded (case and accents) and
stemmed with the Spanish and the English Snowball stemmers; the terms go to ``search_term``
with the weight of the field they came from. A query is processed the same way; an offering
matches when every query word matches one of its terms, and ranks by the summed weights.
Plain indexed SQL, so both databases give the same results in the same order.
"""

import re
import threading
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

import snowballstemmer
from sqlalchemy import Select, case, delete, func, insert, select
from sqlalchemy.orm import Session

from app.i18n import LANGUAGES
from app.models import LIST_SEPARATOR, Offering, SearchTerm

MAX_QUERY_LENGTH = 200
MAX_QUERY_WORDS = 8
MAX_TERM_LENGTH = 64
WORD = re.compile(r"\w+", re.UNICODE)


# Field weights: a word in the title says more about an offering than one in its description.
FIELD_WEIGHTS = {
    "title": 8,
    "skills": 5,
    "summary": 3,
    "provider": 2,
    "description": 1,
}

STOPWORDS = frozenset(
    """
    a al como con de del desde el en entre es la las lo los o para por que se sin sobre su sus
    un una unos unas y e u
    an and are as at be by for from in into is it of on or the this to with your you
    """.split()
)


# Snowball stemmers keep the word being stemmed on the object: one pair per thread, or two
# threads of a gunicorn worker stemming at once corrupt each other (IndexError).
_local = threading.local()


def _stemmers() -> tuple:
    if not hasattr(_local, "stemmers"):
        _local.stemmers = (snowballstemmer.stemmer("spanish"), snowballstemmer.stemmer("english"))
    return _local.stemmers


def fold(text: str) -> str:
    """Lower case without accents: "Programación" -> "programacion"."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(char for char in decomposed if not unicodedata.combining(char))


def words(text: str) -> list[str]:
    return [word for word in WORD.findall(text.casefold()) if word not in STOPWORDS]


def normalised_words(text: str) -> list[str]:
    """A search's words as the talent observatory and saved searches keep them: folded,
    without little words, each once, in order ("Robótica para robótica" -> ["robotica"])."""
    return sorted({fold(word) for word in words(text)} - {""})


@lru_cache(maxsize=65_536)
def forms(word: str) -> frozenset[str]:
    """Every term a word is indexed or searched under: its Spanish and English stems,
    from the word as written and as folded, so accents never decide a match."""
    folded = fold(word)
    if folded in STOPWORDS:
        return frozenset()
    stems = {
        fold(stemmer.stemWord(variant)) for stemmer in _stemmers() for variant in {word, folded}
    }
    stems.add(folded)
    return frozenset(stem[:MAX_TERM_LENGTH] for stem in stems if stem)


def offering_fields(offering: Offering) -> dict[str, str]:
    def both(field: str) -> str:
        return " ".join(filter(None, (getattr(offering, f"{field}_{lang}") for lang in LANGUAGES)))

    return {
        "title": both("title"),
        "skills": (offering.skills or "").replace(LIST_SEPARATOR, " "),
        "summary": both("summary"),
        "provider": offering.provider.name if offering.provider else "",
        "description": both("description"),
    }


def terms_of(offering: Offering) -> dict[str, int]:
    """term -> weight (the heaviest field it appears in)."""
    weights: dict[str, int] = {}
    for field, text in offering_fields(offering).items():
        weight = FIELD_WEIGHTS[field]
        for word in words(text):
            for term in forms(word):
                if weights.get(term, 0) < weight:
                    weights[term] = weight
    return weights


def index_offering(session: Session, offering: Offering) -> None:
    """Rewrite the offering's terms; call after any change to its text or provider."""
    session.flush()
    session.execute(delete(SearchTerm).where(SearchTerm.offering_id == offering.id))
    rows = [
        {"offering_id": offering.id, "term": term, "weight": weight}
        for term, weight in terms_of(offering).items()
    ]
    if rows:
        session.execute(insert(SearchTerm), rows)


@dataclass(frozen=True)
class Query:
    """A visitor's search, parsed: the text as typed and one set of terms per word."""

    text: str
    word_forms: tuple[frozenset[str], ...]

    def __bool__(self) -> bool:
        return bool(self.word_forms)


def parse_query(text: str | None) -> Query:
    """Normalise what was typed; raises nothing, since any text is a valid search."""
    cleaned = unicodedata.normalize("NFKC", text or "")
    cleaned = "".join(char for char in cleaned if char.isprintable()).strip()
    cleaned = cleaned[:MAX_QUERY_LENGTH]
    word_forms = []
    for word in words(cleaned):
        word_form = forms(word)
        if word_form and word_form not in word_forms:
            word_forms.append(word_form)
    return Query(cleaned, tuple(word_forms[:MAX_QUERY_WORDS]))


def matching(query: Query) -> Select:
    """``(offering_id, score)`` of offerings that match every word of the query."""
    all_terms = sorted(set().union(*query.word_forms))
    which_word = case(
        *(
            (SearchTerm.term.in_(sorted(word_form)), position)
            for position, word_form in enumerate(query.word_forms)
        ),
    )
    return (
        select(SearchTerm.offering_id, func.sum(SearchTerm.weight).label("score"))
        .where(SearchTerm.term.in_(all_terms))
        .group_by(SearchTerm.offering_id)
        .having(func.count(func.distinct(which_word)) == len(query.word_forms))
    )

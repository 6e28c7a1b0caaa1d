"""Typo tolerance: a search word that matches nothing is replaced by the closest word the
published offer is indexed under ("pyton" -> "python").

The vocabulary is the index's own: the distinct terms of published offerings, so a
correction always points at something that exists and never at a draft's words. It is
sorted in Python, not by the database's collation, and ties go to the first in that order,
so SQLite and PostgreSQL correct the same way. A word that matches as typed is never
touched: a clean query is never "corrected".
"""

import re
from dataclasses import dataclass

from rapidfuzz import fuzz, process
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.models import Offering, OfferingStatus, SearchTerm
from app.services.catalogue.search import STOPWORDS, WORD, fold, forms

# Shorter words are too ambiguous to correct ("ia" is one letter from many words).
MIN_CORRECTED_LENGTH = 4
# fuzz.ratio (0-100): one slip in a word of five letters scores about 90, two unrelated
# words of that length well under 60.
SIMILARITY = 80


@dataclass(frozen=True)
class Vocabulary:
    """The terms of the published offer: a set to test words, a sorted tuple to search."""

    terms: frozenset[str]
    ordered: tuple[str, ...]

    @classmethod
    def of(cls, terms) -> "Vocabulary":
        # Numbers and codes are no one's misspelling of anything.
        kept = frozenset(term for term in terms if term.isalpha())
        return cls(kept, tuple(sorted(kept)))

    def knows(self, word: str) -> bool:
        return bool(forms(word) & self.terms)


# Offerings or terms asked about in one statement (bound parameters: well under the limits
# of SQLite and PostgreSQL).
CHUNK = 1000


def _counts(session: Session, column, values: list) -> dict[str, int]:
    """term -> how many rows of the term index with one of ``values`` in ``column`` have it."""
    counts: dict[str, int] = {}
    for start in range(0, len(values), CHUNK):
        rows = session.execute(
            select(SearchTerm.term, func.count())
            .where(column.in_(values[start : start + CHUNK]))
            .group_by(SearchTerm.term)
        )
        for term, count in rows:
            counts[term] = counts.get(term, 0) + count
    return counts


def _words(session: Session) -> set[str]:
    """The distinct terms of the term index that may be words: walked one term at a time
    (each the smallest after the one before, one probe of the index each), so it costs the
    distinct terms, not the rows (the bench's 100,000 offerings: 3.7 million rows, 159 words;
    on PostgreSQL a DISTINCT read them all, 285 ms, the walk 4 ms). Terms are folded to
    lower case, so every word of letters sorts from "a" on in either database's collation:
    the walk starts there, past those that begin with a digit (numbers, years, codes: one
    for each of the bench's offerings), which Vocabulary.of would drop."""
    walk = (
        select(func.min(SearchTerm.term).label("term"))
        .where(SearchTerm.term >= "a")
        .cte("walk", recursive=True)
    )
    following = select(func.min(SearchTerm.term)).where(SearchTerm.term > walk.c.term)
    walk = walk.union_all(select(following.scalar_subquery()).where(walk.c.term.is_not(None)))
    return set(session.scalars(select(walk.c.term).where(walk.c.term.is_not(None))))


def build_vocabulary(session: Session) -> Vocabulary:
    """The terms of published offerings, read as every term less those that only offerings
    not published have: the distinct terms are a walk of the term index, where telling
    each row's offering took 2.2 s at 100,000 offerings on SQLite. A term is
    only unpublished offerings' when all its rows are theirs: counted, by the offerings and
    by the terms, in statements over the term index alone, so no plan can pair every row
    with every other (a correlated NOT EXISTS, planned on statistics taken before a bulk
    load, ran for minutes on PostgreSQL over the demo offer)."""
    every = _words(session)
    unpublished = session.scalars(
        select(Offering.id).where(Offering.status != OfferingStatus.PUBLISHED)
    ).all()
    theirs = _counts(session, SearchTerm.offering_id, list(unpublished))
    rows = _counts(session, SearchTerm.term, sorted(theirs))
    unpublished_only = {term for term, count in theirs.items() if rows[term] == count}
    return Vocabulary.of(every - unpublished_only)


def closest(word: str, vocabulary: Vocabulary) -> str | None:
    """The vocabulary's closest term to a word it does not know, or None if none is close."""
    folded = fold(word)
    if len(folded) < MIN_CORRECTED_LENGTH or not folded.isalpha() or folded in STOPWORDS:
        return None
    if vocabulary.knows(word):
        return None
    best = process.extractOne(
        folded, vocabulary.ordered, scorer=fuzz.ratio, score_cutoff=SIMILARITY
    )
    return best[0] if best else None


def correct(text: str, vocabulary: Vocabulary) -> str | None:
    """The query with each unknown word replaced by its closest term (the rest as typed),
    or None when no word needed, or found, a correction."""
    changed = False

    def replace(match: re.Match) -> str:
        nonlocal changed
        replacement = closest(match.group(0), vocabulary)
        if replacement is None:
            return match.group(0)
        changed = True
        return replacement

    corrected = WORD.sub(replace, text)
    return corrected if changed else None

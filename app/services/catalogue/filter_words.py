"""Search words that name a filter value: "python gratis", "ciberseguridad desempleados",
"robótica majadahonda", "online". Such words apply the filter and leave the search.

Each filter value is named by phrases in both languages: everyday words for price, format
and audience (below), and the names and slugs of the installation's programmes and
municipalities. A phrase matches the query's words the way a search term does (folded and
stemmed, so "desempleadas" names the same audience as "desempleados"); the longest phrase
wins at each position, and the first filter in FILTER_ORDER wins a phrase two could claim
("online" is a format before it is the "Online" municipality).
"""

import re
from dataclasses import dataclass
from functools import lru_cache

from app.services.catalogue.search import WORD, fold, forms

# (filter, value): everyday phrases, Spanish and English. The enum labels are names too.
EVERYDAY_WORDS: dict[tuple[str, str], tuple[str, ...]] = {
    ("free", "1"): ("gratis", "gratuito", "gratuita", "sin coste", "free", "free of charge"),
    ("format", "online"): ("online", "en línea", "virtual", "a distancia", "remote"),
    ("format", "in-person"): ("presencial", "in person", "in-person", "face to face"),
    ("format", "hybrid"): ("híbrido", "híbrida", "semipresencial", "hybrid", "blended"),
    ("audience", "unemployed"): (
        "desempleados",
        "desempleadas",
        "desempleo",
        "parados",
        "paradas",
        "unemployed",
        "jobseekers",
    ),
    ("audience", "entrepreneurs"): ("emprendedores", "emprendedoras", "entrepreneurs"),
    ("audience", "teachers"): ("profesores", "profesoras", "profesorado", "docentes", "teachers"),
    ("audience", "students"): ("estudiantes", "alumnos", "alumnado", "students", "pupils"),
    ("audience", "companies"): ("empresas", "companies", "businesses"),
}

FILTER_ORDER = ("free", "format", "audience", "municipality", "programme")


@dataclass(frozen=True)
class NamedFilter:
    """A filter value the search named, and the words (as typed) that named it."""

    filter: str
    value: str
    words: str


@dataclass(frozen=True)
class Interpretation:
    """A search split into the filters its words named and the text left to search."""

    remaining: str
    named: tuple[NamedFilter, ...]

    def without(self, named: NamedFilter, text: str) -> str:
        """``text`` with the words of one named filter taken out (its chip's link)."""
        return _remove_spans(text, [span for span, found in self._spans if found == named])

    _spans: tuple = ()


def _key(word: str) -> frozenset[str]:
    # Little words ("en", "de") have no forms: they match as folded.
    return forms(word) or frozenset({fold(word)})


@lru_cache(maxsize=64)
def _phrases(names: tuple[tuple[str, str, tuple[str, ...]], ...]) -> tuple:
    """(filter, value, key per word), longest phrases first, FILTER_ORDER within a length."""
    phrases = []
    for filter_name, value, texts in names:
        for text in texts:
            phrase_words = WORD.findall(text.casefold())
            if phrase_words:
                keys = tuple(_key(word) for word in phrase_words)
                phrases.append((filter_name, value, keys))
    order = {name: position for position, name in enumerate(FILTER_ORDER)}
    phrases.sort(key=lambda phrase: (-len(phrase[2]), order[phrase[0]]))
    return tuple(phrases)


def _remove_spans(text: str, spans) -> str:
    for start, end in sorted(spans, reverse=True):
        text = text[:start] + " " + text[end:]
    return re.sub(r"\s+", " ", text).strip()


def interpret(text: str, names: tuple[tuple[str, str, tuple[str, ...]], ...]) -> Interpretation:
    """Split ``text`` by the filter ``names`` (filter, value, phrases) it contains."""
    phrases = _phrases(names)
    matches = list(WORD.finditer(text))
    keys = [_key(match.group(0)) for match in matches]
    named: list[NamedFilter] = []
    spans = []
    position = 0
    while position < len(matches):
        for filter_name, value, phrase in phrases:
            end = position + len(phrase)
            if end <= len(matches) and all(
                keys[position + offset] & phrase_key for offset, phrase_key in enumerate(phrase)
            ):
                span = (matches[position].start(), matches[end - 1].end())
                found = next(
                    (n for n in named if (n.filter, n.value) == (filter_name, value)), None
                )
                if found is None:
                    found = NamedFilter(filter_name, value, text[span[0] : span[1]])
                    named.append(found)
                spans.append((span, found))
                position = end
                break
        else:
            position += 1
    remaining = _remove_spans(text, [span for span, _found in spans])
    return Interpretation(remaining, tuple(named), tuple(spans))


def filter_names(programmes, municipalities) -> tuple[tuple[str, str, tuple[str, ...]], ...]:
    """Every filter value's phrases: the everyday words, and each programme's and
    municipality's names in both languages and its slug as words ("smart-schools")."""
    names = [(name, value, texts) for (name, value), texts in EVERYDAY_WORDS.items()]
    for filter_name, rows in (("municipality", municipalities), ("programme", programmes)):
        for row in rows:
            texts = (row.name_es, row.name_en, row.slug.replace("-", " "))
            names.append((filter_name, row.slug, tuple(filter(None, texts))))
    return tuple(names)

"""A saved search: a catalogue search as an alert keeps it.

The search is stored as it was searched: the words that named a filter value are that
filter ("robótica majadahonda" is "robotica" in Majadahonda), and the words left are folded
like search terms, each once, in order. They are never corrected for typos: a word the
offer does not have yet ("drones") is what the alert waits for, while a correction is the
closest word of today's offer ("does"). So
"Robótica Majadahonda", "robotica" with the Majadahonda box ticked and "majadahonda
robótica" are one saved search, and one person asking for it twice has one alert.
"""

import hashlib
import json
from dataclasses import dataclass, replace
from datetime import date

from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.i18n import format_date, localized
from app.models import Audience, Format, InstructionLanguage, Kind, Municipality, Programme
from app.services import catalogue
from app.services.catalogue import FACETS, Filters

TABLE_FACETS = {"programme": Programme, "municipality": Municipality}
ENUM_FACETS = {
    "kind": Kind,
    "audience": Audience,
    "format": Format,
    "language": InstructionLanguage,
}

# The catalogue's filters an alert keeps; "available" and "closed" are about the moment of
# the search, not about an offering still to be published.
KEPT_FLAGS = ("free",)
KEPT_DAYS = {"from": "date_from", "to": "date_to"}


@dataclass(frozen=True)
class SavedSearch:
    text: str  # as typed, to show it back
    filters: Filters  # normalised: what is matched

    @property
    def query(self) -> str:
        return self.filters.q

    def filters_json(self) -> str:
        """The filters besides the words, canonical (sorted keys and values)."""
        values: dict = {name: list(getattr(self.filters, name)) for name in FACETS}
        values = {name: chosen for name, chosen in values.items() if chosen}
        for flag in KEPT_FLAGS:
            if getattr(self.filters, flag):
                values[flag] = True
        for key, name in KEPT_DAYS.items():
            if getattr(self.filters, name) is not None:
                values[key] = getattr(self.filters, name).isoformat()
        return json.dumps(values, sort_keys=True, separators=(",", ":"))

    @property
    def criteria(self) -> str:
        """What makes two alerts the same: the digest of the words and the filters."""
        canonical = json.dumps([self.query, self.filters_json()], separators=(",", ":"))
        return hashlib.sha256(canonical.encode()).hexdigest()

    def __bool__(self) -> bool:
        return self.query != "" or self.filters_json() != "{}"

    @classmethod
    def stored(cls, text: str, query: str, filters_json: str) -> "SavedSearch":
        values = json.loads(filters_json or "{}")
        return cls(
            text,
            Filters(
                q=query,
                **{name: tuple(values.get(name, ())) for name in FACETS},
                **{flag: bool(values.get(flag)) for flag in KEPT_FLAGS},
                **{
                    name: date.fromisoformat(values[key])
                    for key, name in KEPT_DAYS.items()
                    if values.get(key)
                },
            ),
        )


def saved_search(session: Session, filters: Filters, *, options=None) -> SavedSearch:
    """``filters`` (a visitor's, as the catalogue form gives them) as an alert keeps them."""
    searched, _, _ = catalogue.interpret_search(
        session, replace(filters, as_typed=True), options=options
    )
    words = catalogue.normalised_words(searched.q)
    normal = Filters(
        q=" ".join(words)[: catalogue.MAX_QUERY_LENGTH],
        **{name: tuple(sorted(set(getattr(searched, name)))) for name in FACETS},
        **{flag: getattr(searched, flag) for flag in KEPT_FLAGS},
        **{name: getattr(searched, name) for name in KEPT_DAYS.values()},
    )
    return SavedSearch(filters.q.strip()[: catalogue.MAX_QUERY_LENGTH], normal)


def describe(session: Session, search: SavedSearch, lang: str) -> list[str]:
    """The saved search in words, in ``lang``: what was typed, then each filter's label."""
    with force_locale(lang):
        parts = [_("“%(text)s”", text=search.text)] if search.text else []
        for name in FACETS:
            chosen = getattr(search.filters, name)
            if not chosen:
                continue
            if name in TABLE_FACETS:
                model = TABLE_FACETS[name]
                rows = session.scalars(select(model).where(model.slug.in_(chosen)))
                names = {row.slug: str(localized(row, "name", lang)) for row in rows}
                parts += [names.get(value, value) for value in chosen]
            else:
                labels = dict(ENUM_FACETS[name].choices())
                parts += [str(labels.get(value, value)) for value in chosen]
        if search.filters.free:
            parts.append(_("Free of charge"))
        if search.filters.date_from:
            parts.append(_("From %(date)s", date=format_date(search.filters.date_from, "medium")))
        if search.filters.date_to:
            parts.append(_("To %(date)s", date=format_date(search.filters.date_to, "medium")))
    return parts

"""Languages, locale selection from the URL prefix, and bilingual content fields."""

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal

from babel import Locale, dates, numbers
from flask import Flask, g, has_request_context, request
from flask_babel import get_locale

from app.localtime import MADRID

LANGUAGES = ("es", "en")
DEFAULT_LANGUAGE = "es"
LANGUAGE_NAMES = {"es": "Español", "en": "English"}
# Dates, times and money are written as in Spain in both languages: in English too the day
# comes before the month and the clock has 24 hours (British English does both).
FORMAT_LOCALES = {"es": Locale.parse("es_ES"), "en": Locale.parse("en_GB")}


def current_language() -> str:
    return str(get_locale() or DEFAULT_LANGUAGE)


def _locale() -> Locale:
    return FORMAT_LOCALES.get(current_language(), FORMAT_LOCALES[DEFAULT_LANGUAGE])


def _madrid(value):
    return value.astimezone(MADRID) if isinstance(value, datetime) else value


def format_date(value: date | datetime, fmt: str = "long") -> str:
    return dates.format_date(_madrid(value), fmt, locale=_locale())


# A moment in a list or a table, in words: "14 feb 2027, 17:00" ("14 Feb 2027, 17:00").
LIST = "list"


def format_datetime(value: datetime, fmt: str = "medium") -> str:
    if fmt == LIST:
        return f"{format_date(value, 'medium')}, {format_time(value, 'short')}"
    return dates.format_datetime(value, fmt, tzinfo=MADRID, locale=_locale())


def format_time(value: datetime, fmt: str = "short") -> str:
    return dates.format_time(value, fmt, tzinfo=MADRID, locale=_locale())


def format_euros(amount: Decimal) -> str:
    return numbers.format_currency(amount, "EUR", locale=_locale())


def last_minute(value: datetime) -> datetime:
    """A deadline as people read it: one that falls at midnight is the end of the day before
    ("until 19 December, 23:59", not "20 December at 0:00")."""
    local = value.astimezone(MADRID)
    return local - timedelta(minutes=1) if local.time() == datetime.min.time() else local


def select_locale() -> str:
    """The page's language: the URL prefix, then the API's ``lang``, then the browser."""
    if not has_request_context():  # CLI and workers choose with force_locale
        return DEFAULT_LANGUAGE
    lang = g.get("lang") or request.args.get("lang")
    if lang in LANGUAGES:
        return lang
    return request.accept_languages.best_match(LANGUAGES) or DEFAULT_LANGUAGE


def init_language_prefix(app: Flask) -> None:
    """Every page lives under /<lang>/; the prefix is pulled into ``g`` and put back by url_for."""

    @app.url_value_preprocessor
    def pull_lang(endpoint, values):
        if values and "lang" in values:
            g.lang = values.pop("lang")

    @app.url_defaults
    def add_lang(endpoint, values):
        if "lang" in values or not app.url_map.is_endpoint_expecting(endpoint, "lang"):
            return
        values["lang"] = g.get("lang") or current_language()


@dataclass(frozen=True)
class Localized:
    """A content field in the reader's language, or in the other one when it is missing."""

    text: str
    lang: str
    is_fallback: bool

    def __str__(self) -> str:
        return self.text

    def __bool__(self) -> bool:
        return bool(self.text)

    def __html__(self) -> str:
        from markupsafe import escape

        return str(escape(self.text))


def localized(obj, field: str, lang: str | None = None) -> Localized:
    """Read ``<field>_<lang>``; fall back to the other language and say so."""
    lang = lang or current_language()
    preferred = [lang, *(other for other in LANGUAGES if other != lang)]
    for candidate in preferred:
        text = getattr(obj, f"{field}_{candidate}", None)
        if text:
            return Localized(text, candidate, candidate != lang)
    return Localized("", lang, False)


def both_languages(obj, field: str) -> dict[str, str | None]:
    """``{"es": ..., "en": ...}`` as stored, for open data."""
    return {lang: getattr(obj, f"{field}_{lang}") or None for lang in LANGUAGES}

"""The privacy notice as data: one TOML file per language (content/privacy.<lang>.toml),
rendered by one template (pages/privacy.html), so its layout is written once."""

import tomllib
from functools import cache
from pathlib import Path

from markupsafe import Markup

CONTENT = Path(__file__).parent / "content"


def _markup(value):
    """The files' text is HTML written by us: every string is markup, never escaped again."""
    if isinstance(value, str):
        return Markup(value)  # noqa: S704 -- our own files, not user input
    if isinstance(value, list):
        return [_markup(item) for item in value]
    if isinstance(value, dict):
        return {key: _markup(item) for key, item in value.items()}
    return value


@cache
def privacy_notice(lang: str) -> dict:
    with (CONTENT / f"privacy.{lang}.toml").open("rb") as file:
        return _markup(tomllib.load(file))

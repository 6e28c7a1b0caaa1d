"""Jinja filters and globals: dates in Europe/Madrid, Markdown, the language switcher."""

from decimal import Decimal
from urllib.parse import urlencode

import markdown as markdown_lib
import nh3
from flask import Flask, request, url_for
from flask_babel import format_decimal
from markupsafe import Markup
from werkzeug.datastructures import MultiDict

from app.i18n import (
    current_language,
    format_date,
    format_datetime,
    format_euros,
    format_time,
    last_minute,
)

ALLOWED_TAGS = {"p", "br", "strong", "em", "ul", "ol", "li", "a", "h3", "h4", "blockquote", "code"}


def render_markdown(text: str | None) -> Markup:
    """User-supplied Markdown to safe HTML: no raw HTML, no scripts, links kept."""
    html = markdown_lib.markdown(text or "", extensions=["sane_lists"])
    return Markup(nh3.clean(html, tags=ALLOWED_TAGS, link_rel="noopener noreferrer nofollow"))  # noqa: S704


def _with_query(path: str, args) -> str:
    query = urlencode(list(args.items(multi=True)))
    return f"{path}?{query}" if query else path


def _current_path(**values) -> str:
    """The current page's path rebuilt from its own route: the query string is kept apart,
    so ``?lang=``, ``?_anchor=`` or ``?offering_id=`` never reach url_for as keywords."""
    return url_for(request.endpoint, **{**(request.view_args or {}), **values})


def url_in_language(lang: str) -> str:
    """This same page, with its filters, in another language."""
    if request.url_rule is None or request.endpoint is None or request.view_args is None:
        return url_for("pages.home", lang=lang)
    return _with_query(_current_path(lang=lang), request.args)


def url_with(**changes) -> str:
    """The current page's URL with some query parameters changed (None removes one)."""
    args = MultiDict(request.args)
    for key, value in changes.items():
        if value is None:
            args.poplist(key)
        else:
            args.setlist(key, value if isinstance(value, list) else [value])
    return _with_query(_current_path(), args)


def register(app: Flask) -> None:
    app.jinja_env.filters.update(
        markdown=render_markdown,
        date=lambda value, fmt="long": format_date(value, fmt) if value else "",
        last_minute=last_minute,
        euros=lambda cents: format_euros(Decimal(cents) / 100),
        datetime=lambda value, fmt="medium": format_datetime(value, fmt) if value else "",
        time=lambda value, fmt="short": format_time(value, fmt) if value else "",
    )
    app.jinja_env.globals.update(
        url_in_language=url_in_language,
        url_with=url_with,
        current_language=current_language,
        format_decimal=format_decimal,
    )

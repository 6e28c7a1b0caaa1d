"""Jinja filters and globals: dates in Europe/Madrid, Markdown, the language switcher."""

import markdown as markdown_lib
import nh3
from flask import Flask, request, url_for
from flask_babel import format_date, format_datetime, format_time
from markupsafe import Markup

from app.i18n import current_language

ALLOWED_TAGS = {"p", "br", "strong", "em", "ul", "ol", "li", "a", "h3", "h4", "blockquote", "code"}


def render_markdown(text: str | None) -> Markup:
    """User-supplied Markdown to safe HTML: no raw HTML, no scripts, links kept."""
    html = markdown_lib.markdown(text or "", extensions=["sane_lists"])
    return Markup(nh3.clean(html, tags=ALLOWED_TAGS, link_rel="noopener noreferrer nofollow"))  # noqa: S704


def url_in_language(lang: str) -> str:
    """This same page, with its filters, in another language."""
    if request.url_rule is None or request.endpoint is None:
        return url_for("pages.home", lang=lang)
    args = request.args.to_dict(flat=False)
    values = dict(request.view_args or {})
    values["lang"] = lang
    return url_for(request.endpoint, **values, **args)


def url_with(**changes) -> str:
    """The current page's URL with some query parameters changed (None removes one)."""
    args = request.args.to_dict(flat=False)
    for key, value in changes.items():
        if value is None:
            args.pop(key, None)
        else:
            args[key] = value if isinstance(value, list) else [value]
    return url_for(request.endpoint, **(request.view_args or {}), **args)


def register(app: Flask) -> None:
    app.jinja_env.filters.update(
        markdown=render_markdown,
        date=lambda value, fmt="long": format_date(value, fmt) if value else "",
        datetime=lambda value, fmt="medium": format_datetime(value, fmt) if value else "",
        time=lambda value, fmt="short": format_time(value, fmt) if value else "",
    )
    app.jinja_env.globals.update(
        url_in_language=url_in_language,
        url_with=url_with,
        current_language=current_language,
    )

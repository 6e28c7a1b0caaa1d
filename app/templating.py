"""Jinja filters and globals: dates in Europe/Madrid, Markdown, the language switcher,
tables that stack into cards on a phone."""

import re
from decimal import Decimal
from urllib.parse import urlencode

import markdown as markdown_lib
import nh3
from flask import Flask, request, url_for
from flask_babel import format_decimal
from markupsafe import Markup, escape
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


_THEAD = re.compile(r"<thead\b.*?</thead>", re.S)
_COLUMN = re.compile(r"<th\b[^>]*>(.*?)</th>", re.S)
_ROW = re.compile(r"<tr\b.*?</tr>", re.S)
_CELL = re.compile(r"<(?:td|th)\b(?![^>]*\bdata-label=)")


def stacked_table(html) -> Markup:
    """Our own table's HTML with each body cell labelled by its column's heading
    (``data-label``), which ``.table-stack`` in site.css shows above the cell when a narrow
    screen stacks each row into a card. A heading read by screen readers only labels
    nothing; nor does a row's own heading cell (it heads the card)."""
    html = str(html)
    head = _THEAD.search(html)
    if head is None:
        return Markup(html)  # noqa: S704 (the caller's own markup, already escaped)
    labels = [
        None if "visually-hidden" in column else Markup(column).striptags()  # noqa: S704
        for column in _COLUMN.findall(head.group())
    ]

    def label_row(row: re.Match) -> str:
        column = iter(labels)

        def label_cell(cell: re.Match) -> str:
            label = next(column, None)
            if label is None or cell.group().startswith("<th"):
                return cell.group()
            return f'{cell.group()} data-label="{escape(label)}"'

        return _CELL.sub(label_cell, row.group())

    body = _ROW.sub(label_row, html[head.end() :])
    return Markup(html[: head.end()] + body)  # noqa: S704


def register(app: Flask) -> None:
    app.jinja_env.filters.update(
        markdown=render_markdown,
        date=lambda value, fmt="long": format_date(value, fmt) if value else "",
        last_minute=last_minute,
        euros=lambda cents: format_euros(Decimal(cents) / 100),
        datetime=lambda value, fmt="medium": format_datetime(value, fmt) if value else "",
        time=lambda value, fmt="short": format_time(value, fmt) if value else "",
        stacked_table=stacked_table,
    )
    app.jinja_env.globals.update(
        url_in_language=url_in_language,
        url_with=url_with,
        current_language=current_language,
        format_decimal=format_decimal,
    )

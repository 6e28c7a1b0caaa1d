"""Reading what a page offers to send back: its forms, their fields, choices and values."""

from dataclasses import dataclass, field
from html.parser import HTMLParser
from urllib.parse import urlsplit

from werkzeug.exceptions import HTTPException
from werkzeug.routing import RequestRedirect


@dataclass
class Field:
    name: str
    kind: str  # the input type, or "select", "textarea"
    value: str = ""  # what the page filled in
    choices: list[str] = field(default_factory=list)  # options, checkbox or radio values


@dataclass
class Form:
    method: str
    action: str  # a path, no query string
    multipart: bool
    fields: dict[str, Field] = field(default_factory=dict)

    def add(self, name: str, kind: str, value: str = "", choice: str | None = None) -> None:
        known = self.fields.setdefault(name, Field(name, kind, value))
        if choice is not None:
            known.choices.append(choice)


class _FormParser(HTMLParser):
    def __init__(self, page_path: str):
        super().__init__(convert_charrefs=True)
        self.page_path = page_path
        self.forms: list[Form] = []
        self._form: Form | None = None
        self._select: str | None = None
        self._textarea: str | None = None

    def handle_starttag(self, tag, attrs):
        attributes = {name: value or "" for name, value in attrs}
        if tag == "form":
            action = urlsplit(attributes.get("action") or self.page_path).path or self.page_path
            self._form = Form(
                method=(attributes.get("method") or "get").lower(),
                action=action,
                multipart=attributes.get("enctype") == "multipart/form-data",
            )
            self.forms.append(self._form)
            return
        form, name = self._form, attributes.get("name")
        if tag == "option" and form is not None and self._select:
            form.fields[self._select].choices.append(attributes.get("value", ""))
            return
        if form is None or not name:
            return
        if tag == "input":
            kind = attributes.get("type", "text").lower()
            if kind in ("checkbox", "radio"):
                form.add(name, kind, choice=attributes.get("value", "on"))
            elif kind not in ("submit", "button", "reset", "image"):
                form.add(name, kind, attributes.get("value", ""))
        elif tag == "select":
            self._select = name
            form.add(name, "select")
        elif tag == "textarea":
            self._textarea = name
            form.add(name, "textarea")
        elif tag == "button" and attributes.get("value") is not None:
            form.add(name, "button", choice=attributes["value"])

    def handle_endtag(self, tag):
        if tag == "form":
            self._form = None
        elif tag == "select":
            self._select = None
        elif tag == "textarea":
            self._textarea = None

    def handle_data(self, data):
        if self._form is not None and self._textarea:
            self._form.fields[self._textarea].value += data

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)


def forms_in(html: str, page_path: str) -> list[Form]:
    parser = _FormParser(page_path)
    parser.feed(html)
    return parser.forms


def endpoint_of(app, path: str, method: str) -> str | None:
    """The endpoint a form sends to, or None when the path is not ours."""
    adapter = app.url_map.bind("localhost")
    try:
        endpoint, _ = adapter.match(path, method=method.upper())
    except (HTTPException, RequestRedirect):
        return None
    return endpoint

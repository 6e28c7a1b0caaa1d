"""The URL map as test cases: every rule, the arguments to fill it, who to be when visiting,
and what every answer must be (no 500, no reflected markup, no write behind a refusal)."""

import logging
import re
from dataclasses import dataclass, field
from urllib.parse import unquote, urlsplit

from hypothesis import strategies as st
from werkzeug.routing import AnyConverter, IntegerConverter, Rule

from app import create_app
from app.config import TestConfig
from app.extensions import db
from tests.property.strategies import int_argument, markup_in, text_argument

LANGS = ("es", "en")
METHODS = ("GET", "POST")

# Every rule of the URL map is exercised with GET and POST as it declares them. Only these
# are left out, each for a reason; a rule that is neither exercised nor listed here fails
# test_every_rule_is_exercised_or_skipped_for_a_reason.
SKIPPED_METHODS = {
    "HEAD": "Werkzeug answers it with the GET view (exercised) without the body",
    "OPTIONS": "Werkzeug answers it from the rule's methods; no view of ours runs",
}
SKIPPED_RULES: dict[tuple[str, str], str] = {}

# Query keys worth sending to any page besides the fields of the page's own filter forms:
# the API's parameters (no HTML form shows them) and what the site reads from ``args``.
COMMON_KEYS = frozenset(
    {
        "q",
        "page",
        "per_page",
        "kind",
        "programme",
        "municipality",
        "audience",
        "format",
        "from",
        "to",
        "available",
        "lang",
        "year",
        "status",
        "next",
        "offering",
        "fmt",
        "what",
        "role",
        "organisation",
        "actor",
        "action",
        "entity_type",
        "member",
        "sort",
    }
)

# Logged in as whom. The back office as an admin (who may use every view: the access rules
# are tested role by role in tests/routes/test_admin_access.py), the pages of one's own
# account and places as the resident who holds the world's place. Any other GET page that
# sends an anonymous visitor to the login page is visited as that resident too.
ADMIN_BLUEPRINTS = {"admin"}
RESIDENT_BLUEPRINTS = {"account", "enrolment", "applications"}
# Asking to join a school is for someone who is not a teacher yet.
RESIDENT_ENDPOINTS = {"auth.logout", "schools.membership_create"}  # logout: POST only
# The reviewer's pages of the applications area: the admin reviews the world's call.
REVIEWER_ENDPOINTS = "applications.review"
# The schools area as the coordinating teacher of the world's school.
TEACHER_BLUEPRINTS = {"schools"}


def url_map_rules() -> list[Rule]:
    """The rules of an app built like the tests' own, without touching a database: the
    test cases are parametrised from it at collection time."""
    settings = {name: getattr(TestConfig, name) for name in dir(TestConfig) if name.isupper()}
    app = create_app({**settings, "SQLALCHEMY_DATABASE_URI": "sqlite://"})
    return sorted(app.url_map.iter_rules(), key=lambda rule: (rule.rule, rule.endpoint))


RULES = url_map_rules()


def cases(method: str) -> list[tuple[str, str]]:
    """(endpoint, rule) pairs for one method, skipped ones left out."""
    return [
        (rule.endpoint, rule.rule)
        for rule in RULES
        if method in rule.methods and (rule.endpoint, method) not in SKIPPED_RULES
    ]


def rule_for(app, endpoint: str, pattern: str) -> Rule:
    return next(r for r in app.url_map.iter_rules() if (r.endpoint, r.rule) == (endpoint, pattern))


def persona_of(rule: Rule) -> str:
    blueprint = rule.endpoint.partition(".")[0] if "." in rule.endpoint else ""
    if blueprint in ADMIN_BLUEPRINTS or rule.endpoint.startswith(REVIEWER_ENDPOINTS):
        return "admin"
    if blueprint in RESIDENT_BLUEPRINTS or rule.endpoint in RESIDENT_ENDPOINTS:
        return "resident"
    if blueprint in TEACHER_BLUEPRINTS:
        return "teacher"
    return "anonymous"


_ARGUMENT = re.compile(r"<(?:[^<>]*:)?(\w+)>")


# A page that needs a query string to show its form (asking for a search's alert): the
# world's "<endpoint>:?" value, which build_path appends.
QUERY = "?"


def build_path(rule: Rule, values: dict) -> str:
    """The rule with ``values`` put in by hand: the bounded converter would refuse to build
    an id too large, and a hostile string must reach the router as it is."""
    path = _ARGUMENT.sub(lambda match: str(values[match.group(1)]), rule.rule)
    return path + values.get(QUERY, "")


def with_query(path: str, query: str) -> str:
    return f"{path}{'&' if '?' in path else '?'}{query}" if query else path


def known_values(rule: Rule, world: dict, lang: str) -> dict:
    values = {}
    if f"{rule.endpoint}:{QUERY}" in world:
        values[QUERY] = world[f"{rule.endpoint}:{QUERY}"]
    for name, converter in rule._converters.items():
        if name == "lang":
            values[name] = lang
        elif isinstance(converter, AnyConverter):
            values[name] = world.get(name) or sorted(converter.items)[0]
        else:
            values[name] = world.get(f"{rule.endpoint}:{name}", world.get(name, "x"))
    return values


@st.composite
def path_values(draw, rule: Rule, world: dict, lang: str) -> dict:
    """Arguments for ``rule``: mostly the world's own, else anything the converter may meet."""
    values = {}
    for name, converter in rule._converters.items():
        known = known_values(rule, world, lang)[name]
        if name == "lang":
            values[name] = lang
        elif isinstance(converter, AnyConverter):
            values[name] = draw(st.sampled_from([*sorted(converter.items), "xx"]))
        elif isinstance(converter, IntegerConverter):
            values[name] = draw(int_argument(known if isinstance(known, int) else None))
        else:
            values[name] = draw(text_argument(str(known)))
    return values


def snapshot() -> dict[str, list[tuple]]:
    """Every row of every table (inside an app context): a refusal must leave all of them
    as they were, not only their number. The world is small, so this stays cheap."""
    rows = {}
    for table in db.metadata.sorted_tables:
        order = list(table.primary_key.columns) or list(table.columns)
        rows[table.name] = [
            tuple(row) for row in db.session.execute(table.select().order_by(*order))
        ]
    db.session.remove()
    return rows


def changes(before: dict, after: dict) -> dict[str, str]:
    """What differs between two snapshots, table by table, in a few words."""
    found = {}
    for name, rows in before.items():
        if rows != after[name]:
            added = len(set(after[name]) - set(rows))
            removed = len(set(rows) - set(after[name]))
            found[name] = f"{len(rows)} -> {len(after[name])} rows, {added} new or changed"
            found[name] += f", {removed} gone or changed"
    return found


class ErrorLog(logging.Handler):
    """Errors the app logs: an error page that failed to render answers 4xx, yet it is a
    defect all the same."""

    def __init__(self):
        super().__init__(level=logging.ERROR)
        self.records: list[logging.LogRecord] = []

    def emit(self, record):
        self.records.append(record)


# The page's own scripts: files from our origin and the JSON-LD block. Anything else
# in a page is markup someone sent.
_SCRIPT_TAG = re.compile(r"<script\b[^>]*>", re.IGNORECASE)
_OWN_SCRIPT = re.compile(r'<script (?:src="/[^"]*"|type="application/ld\+json")[^>]*>')


@dataclass
class Sent:
    """What a request carried, for the checks on its answer."""

    method: str
    path: str
    values: list = field(default_factory=list)


def problems(app, response, sent: Sent, before: dict, after: dict, errors: ErrorLog) -> list[str]:
    """Everything wrong with one answer (an empty list when all is well)."""
    found = []
    status = response.status_code
    if status >= 500:
        found.append(f"status {status}")
    if errors.records:
        found.append("logged: " + "; ".join(r.getMessage() for r in errors.records))
        errors.records.clear()
    if status >= 400 and before != after:
        found.append(f"refused with {status} but rows changed: {changes(before, after)}")
    if 300 <= status < 400:
        host = urlsplit(response.headers.get("Location", "")).hostname
        if host not in (None, "localhost", urlsplit(app.config["SITE_URL"]).hostname):
            found.append(f"redirects off the site, to {response.headers['Location']!r}")
    if response.mimetype == "text/html":
        text = response.get_data(as_text=True)
        decoded = [unquote(v) if isinstance(v, str) else v for v in sent.values]
        for mark in sorted(markup_in(decoded) | markup_in(sent.values)):
            if mark in text:
                found.append(f"reflects {mark!r} un-escaped")
        strangers = [tag for tag in _SCRIPT_TAG.findall(text) if not _OWN_SCRIPT.fullmatch(tag)]
        if strangers:
            found.append(f"scripts not ours: {strangers}")
    if sent.path.startswith("/api/") and status < 500:
        body = response.get_json(silent=True)
        if body is None:
            found.append("the API answered something other than JSON")
        elif status >= 400 and not isinstance(body.get("error"), dict):
            found.append(f"an API error without its error object: {body}")
    return found

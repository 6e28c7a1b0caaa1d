"""What a hostile or careless client sends: text no person types, in every shape."""

from urllib.parse import quote

from hypothesis import strategies as st

from app.security import MAX_ID

# Markup that must never come back un-escaped in an HTML page. Each one is checked verbatim
# in every HTML response of a request that carried it.
MARKUP = (
    '<script>alert("mot")</script>',
    '"><img src=x onerror=alert(1)>',
    "'><svg onload=alert(1)>",
    '<a href="javascript:alert(1)">mot</a>',
    "</textarea><script>alert(2)</script>",
    "</title><script>alert(3)</script>",
    '<iframe srcdoc="<script>alert(4)</script>">',
)

# What spreadsheets run as formulas, and text that breaks naive parsers and renderers.
SPECIAL = (
    "",
    " ",
    "\t",
    "\r\n",
    "\x00",
    "a\x00b",
    "\x1b[31m",
    "\u202eevil\u202c",  # right-to-left override
    "مرحبا بالعالم",  # Arabic (RTL)
    "שלום",  # Hebrew (RTL)
    "👩🏽‍💻🇪🇸",  # emoji, ZWJ sequence, flag
    "\ufeff",  # BOM
    "\u2028\u2029",  # Unicode line separators
    "e\u0301\u0301\u0301",  # stacked combining marks
    "=cmd|' /C calc'!A0",
    '=HYPERLINK("http://example.com","x")',
    "@SUM(1+1)",
    "+34 600 000 000",
    "-1",
    "0",
    "2147483647",
    "2147483648",
    "9" * 40,
    "-9223372036854775809",
    "1e309",
    "NaN",
    "Infinity",
    "null",
    "None",
    "true",
    "[]",
    "{}",
    "{{ 7*7 }}",
    "%(name)s",
    "{0}",
    "../../../etc/passwd",
    "2026-02-30",
    "0000-00-00",
    "9999-12-31",
    "2026-03-29T02:30",
    "12,50",
    "1.000,00",
    "x" * 256,
    "a@b",
    "user@example.org\r\nBcc: victim@example.org",
    "'; DROP TABLE users; --",
    "' OR 1=1 --",
    "%",
    "%s%s%s%n",
    "\\",
    "\\u0000",
)

# No surrogates: they cannot travel in UTF-8 (a browser never sends one).
unicode_text = st.text(st.characters(codec="utf-8"), max_size=40)
markup = st.sampled_from(MARKUP)
big_integers = st.integers(min_value=-(10**40), max_value=10**40).map(str)
huge = st.builds(
    lambda unit, times: unit * times,
    st.sampled_from(["a", "é", "👍", "<", "0", "\u0301", "%"]),
    st.integers(min_value=1_000, max_value=20_000),
)
with_markup = st.builds(
    lambda before, mark, after: before + mark + after, unicode_text, markup, unicode_text
)

hostile_text = st.one_of(
    unicode_text,
    st.sampled_from(SPECIAL),
    markup,
    with_markup,
    big_integers,
    huge,
)


def markup_everywhere(names, offset=0) -> dict[str, str]:
    """Each name with a MARKUP fragment (a different one for each, in turn from ``offset``):
    one request that checks every field at once for reflection."""
    return {name: MARKUP[(offset + index) % len(MARKUP)] for index, name in enumerate(names)}


def markup_in(values) -> set[str]:
    """The MARKUP fragments carried by some of ``values`` (strings, or lists of them)."""
    found = set()
    for value in values:
        if isinstance(value, list | tuple):
            found |= markup_in(value)
        elif isinstance(value, str):
            found |= {mark for mark in MARKUP if mark in value}
    return found


# Query strings: percent-encoded as a browser would, or broken on purpose.
MALFORMED_ESCAPES = (
    "%",
    "%%",
    "%zz",
    "%0",
    "%e2%82",
    "%ff%fe",
    "%c0%af",
    "%00",
    "%u0041",
    "+",
    "&&",
    "==",
)


@st.composite
def query_value(draw) -> str:
    """One key or value as it appears in a query string."""
    kind = draw(st.sampled_from(["encoded", "encoded", "raw", "malformed"]))
    text = draw(hostile_text)
    if kind == "encoded":
        return quote(text, safe="")
    if kind == "raw":  # unescaped Unicode, as a sloppy client sends it
        return "".join(ch for ch in text if ch not in "&#= \r\n\x00")
    return draw(st.sampled_from(MALFORMED_ESCAPES)) + quote(text[:10], safe="")


@st.composite
def query_string(draw, own_keys, other_keys) -> tuple[str, list[str]]:
    """A query string with the page's own keys (its filter form's fields), other known keys
    and unknown ones, repeated or not: the text and the values it carries (for the
    reflection check)."""
    own = st.sampled_from(sorted(own_keys)) if own_keys else st.nothing()
    other = st.sampled_from(sorted(other_keys))
    pairs = draw(
        st.lists(
            st.tuples(st.one_of(own, own, other, query_value()), query_value(), st.booleans()),
            max_size=6,
        )
    )
    # Repeat one pair, the way some clients send arrays (?a=1&a=2).
    if pairs and draw(st.booleans()):
        pairs.append(pairs[0])
    parts = [f"{key}={value}" if has_value else key for key, value, has_value in pairs]
    raw_values = [value for _, value, _ in pairs]
    return "&".join(parts), raw_values


def int_argument(known: int | None):
    """An id in a URL: one that exists, any that fits the database, or beyond (a 404)."""
    choices = [
        st.integers(min_value=0, max_value=MAX_ID),
        st.sampled_from([0, 1, MAX_ID, MAX_ID + 1, 2**63, 10**30]),
        st.integers(min_value=MAX_ID + 1, max_value=10**40),
    ]
    if known is not None:
        choices = [st.just(known), st.just(known), *choices]
    return st.one_of(choices)


def text_argument(known: str | None):
    """A string in a URL (a token, a file name): the real one, or anything at all."""
    choices = [hostile_text.filter(bool).map(lambda text: quote(text[:2000], safe=""))]
    choices.append(st.sampled_from(MALFORMED_ESCAPES).map(lambda esc: esc + "x"))
    if known is not None:
        choices = [st.just(known), st.just(known), *choices]
    return st.one_of(choices)


file_content = st.one_of(
    st.binary(max_size=2_000),
    hostile_text.map(lambda text: text.encode("utf-8")),
    st.lists(st.lists(hostile_text, max_size=6), max_size=5).map(
        lambda rows: "\n".join(";".join(row) for row in rows).encode("utf-8")
    ),
    st.just(b"PK\x03\x04" + b"\x00" * 100),  # the start of a zip (an .xlsx) and nothing else
)
file_name = st.one_of(
    st.sampled_from(["offers.csv", "offers.xlsx", "offers.CSV", "offers", ".csv", "a.exe", ""]),
    hostile_text.map(lambda text: text[:100] + ".csv"),
)


def fit(model, **fields) -> dict:
    """``fields`` as ``model``'s columns store them: no NUL (PostgreSQL has no place for
    one, and the forms refuse it) and within each column's length (PostgreSQL enforces it)."""
    columns = model.__table__.columns
    fitted = {}
    for name, value in fields.items():
        if isinstance(value, str):
            value = value.replace("\x00", "")
            length = getattr(columns[name].type, "length", None)
            value = value[:length] if length else value
        fitted[name] = value
    return fitted

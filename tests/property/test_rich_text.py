"""Rich text keeps going through the sanitiser: offering descriptions are Markdown, rendered
and then cleaned by nh3 (app/templating.py ``render_markdown``). Whatever staff or an import
store, no script, event handler, style or javascript: link reaches a page; and stored text
shown anywhere else on the public and back-office pages is escaped."""

import re
from html.parser import HTMLParser
from itertools import count

from hypothesis import given
from hypothesis import strategies as st

from app.extensions import db
from app.models import Offering, Role
from app.templating import ALLOWED_TAGS, render_markdown
from tests.factories import make_offering, make_organisation, make_user
from tests.property.routes import ErrorLog, Sent, problems
from tests.property.strategies import MARKUP, fit, unicode_text

ATTACKS = (
    "[click](javascript:alert(1))",
    "[x](JaVaScRiPt:alert(1))",
    "[x]( javascript:alert(1) )",
    "[x](java\tscript:alert(1))",
    "[x](java&#9;script:alert(1))",
    "[x](java&#x0A;script:alert(1))",
    "[x](&#0;javascript:alert(1))",
    '<a href="java&#9;script:alert(1)">x</a>',
    '<a href="java&#13;script:alert(1)">x</a>',
    '<a href="&#1;javascript:alert(1)">x</a>',
    "[x](&#106;avascript:alert(1))",
    "[x](&#x6A;avascript&colon;alert(1))",
    "[x](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
    "[x](vbscript:msgbox(1))",
    "<javascript:alert(1)>",
    "![x](javascript:alert(1))",
    '![x](x" onerror="alert(1))',
    '[x](http://example.org "title" onmouseover="alert(1)")',
    "[x]: javascript:alert(1)\n\n[y][x]",
    '<a href="javascript:alert(1)">x</a>',
    '<a href="&#x6A;avascript:alert(1)">x</a>',
    '<a href=" javascript:alert(1)">x</a>',
    "<img src=x onerror=alert(1)>",
    "<svg/onload=alert(1)>",
    "<style>*{color:red}</style>",
    '<p style="background:url(javascript:alert(1))">x</p>',
    "<details open ontoggle=alert(1)>",
    "`<script>alert(1)</script>`",
    "```\n<script>alert(1)</script>\n```",
    "    <script>alert(1)</script>",
    "<<script>script>alert(1)<</script>/script>",
    "<scr<script>ipt>alert(1)</script>",
    "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>",
    '<form action="javascript:alert(1)"><button>x</button></form>',
    "<input onfocus=alert(1) autofocus>",
    "<!-- <script>alert(1)</script> -->",
    "<![CDATA[<script>alert(1)</script>]]>",
    '<noscript><p title="</noscript><img src=x onerror=alert(1)>">',
    '<iframe src="javascript:alert(1)"></iframe>',
    "<object data=javascript:alert(1)>",
    '<base href="javascript:alert(1)//">',
    '<meta http-equiv="refresh" content="0;url=javascript:alert(1)">',
    *MARKUP,
)
MARKDOWN = ("\n", "\n\n", "* ", "1. ", "> ", "# ", "### ", "**", "_", "`", "[", "](", ")", "<", ">")

markdown_text = st.lists(
    st.one_of(st.sampled_from(ATTACKS), st.sampled_from(MARKDOWN), unicode_text), max_size=12
).map("".join)

_numbers = count(1)
URL_ATTRIBUTES = {"href", "src", "action", "formaction", "data", "xlink:href", "background"}
BAD_SCHEMES = ("javascript:", "vbscript:", "data:")
# How a browser reads a URL (WHATWG URL standard): C0 controls and spaces around it are
# dropped, and tabs and line breaks anywhere ("java\tscript:" is "javascript:").
_AROUND = re.compile(r"^[\x00-\x20]+|[\x00-\x20]+$")
_TAB_OR_NEWLINE = re.compile(r"[\t\n\r]")


def scheme_seen_by_a_browser(url: str) -> str:
    return _TAB_OR_NEWLINE.sub("", _AROUND.sub("", url)).lower()


class Inspector(HTMLParser):
    """The tags of a fragment, and every attribute that could run something."""

    def __init__(self):
        super().__init__(convert_charrefs=True)  # entities decoded, as a browser does
        self.tags: set[str] = set()
        self.dangers: list[str] = []

    def handle_starttag(self, tag, attrs):
        self.tags.add(tag)
        for name, value in attrs:
            value = value or ""
            if name.startswith("on") or name in ("style", "srcdoc"):
                self.dangers.append(f"<{tag} {name}={value!r}>")
            if name in URL_ATTRIBUTES and scheme_seen_by_a_browser(value).startswith(BAD_SCHEMES):
                self.dangers.append(f"<{tag} {name}={value!r}>")

    handle_startendtag = handle_starttag


def inspect(html: str) -> Inspector:
    inspector = Inspector()
    inspector.feed(html)
    inspector.close()
    return inspector


@given(text=markdown_text)
def test_markdown_never_lets_a_script_a_handler_or_a_javascript_link_through(text):
    html = str(render_markdown(text))

    found = inspect(html)
    assert found.tags <= ALLOWED_TAGS, found.tags - ALLOWED_TAGS
    assert found.dangers == []
    for link in re.findall(r"<a\b[^>]*>", html):
        assert 'rel="noopener noreferrer nofollow"' in link


# Stored text on the pages that show it

hostile_fields = st.fixed_dictionaries(
    {
        "title": st.one_of(st.sampled_from(ATTACKS), markdown_text),
        "summary": st.one_of(st.sampled_from(ATTACKS), markdown_text),
        "description": markdown_text,
        "venue": st.sampled_from(MARKUP),
        "address": st.one_of(st.sampled_from(MARKUP), unicode_text),
        "skills": st.lists(st.sampled_from(MARKUP), max_size=3).map("|".join),
        "provider": st.sampled_from(MARKUP),
        "person": st.sampled_from(MARKUP),
    }
)


@given(texts=hostile_fields)
def test_stored_markup_is_shown_as_text_on_every_page_that_shows_it(app, client, auth, texts):
    with app.app_context():
        provider = make_organisation(db.session, name=f"{texts['provider']} {next(_numbers)}")
        offering = make_offering(
            db.session,
            provider=provider,
            **fit(
                Offering,
                title_es=texts["title"].replace("\x00", "") or "x",
                title_en=texts["title"],
                summary_es=texts["summary"].replace("\x00", "") or "x",
                summary_en=texts["summary"],
                description_es=texts["description"],
                description_en=texts["description"],
                venue=texts["venue"],
                address=texts["address"],
                skills=texts["skills"],
            ),
        )
        admin = make_user(db.session, role=Role.ADMIN, name=texts["person"])
        db.session.commit()
        offering_id, email = offering.id, admin.email
    auth.login(email)
    stored = list(texts.values())
    errors = ErrorLog()
    app.logger.addHandler(errors)
    try:
        for lang in ("es", "en"):
            for path in (
                f"/{lang}/offerings/{offering_id}",
                f"/{lang}/offerings/?q=x",
                f"/{lang}/offerings/",
                f"/{lang}/admin/offerings/{offering_id}/preview",
                f"/{lang}/admin/offerings/{offering_id}/edit",
                f"/{lang}/admin/offerings/{offering_id}/participants",
                f"/{lang}/admin/offerings/",
                f"/{lang}/admin/organisations/",
                f"/{lang}/admin/users/",
            ):
                response = client.get(path)
                assert response.status_code == 200, path
                found = problems(app, response, Sent("GET", path, stored), {}, {}, errors)
                assert found == [], path
                page = inspect(response.get_data(as_text=True))
                assert page.dangers == [], path
    finally:
        app.logger.removeHandler(errors)

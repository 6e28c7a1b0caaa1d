"""The home page, the pages about the partnership and the legal texts, in both languages."""

import re
from datetime import timedelta
from html.parser import HTMLParser
from itertools import pairwise
from pathlib import Path

import pytest

from app.extensions import db
from app.i18n import LANGUAGES
from app.models import OfferingStatus
from app.pages.notice import privacy_notice
from app.pages.routes import PROSE_PAGES
from tests.factories import make_offering

TEMPLATES = Path(__file__).resolve().parents[2] / "app" / "templates" / "pages"

TITLES = {
    "about": {"es": "Sobre Madrid Oeste Tecnológico", "en": "About Madrid Oeste Tecnológico"},
    "accessibility": {"es": "Declaración de accesibilidad", "en": "Accessibility statement"},
    "privacy": {"es": "Política de privacidad", "en": "Privacy notice"},
    "legal": {"es": "Aviso legal", "en": "Legal notice"},
}


class Outline(HTMLParser):
    """The page's language, its headings in order, and the header cells of its tables."""

    def __init__(self):
        super().__init__()
        self.lang = None
        self.headings: list[tuple[int, str]] = []
        self.header_cells: list[dict] = []
        self._heading: int | None = None
        self._text: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag == "html":
            self.lang = dict(attrs).get("lang")
        elif tag in {"h1", "h2", "h3", "h4", "h5", "h6"}:
            self._heading, self._text = int(tag[1]), []
        elif tag == "th":
            self.header_cells.append(dict(attrs))

    def handle_data(self, data):
        if self._heading:
            self._text.append(data)

    def handle_endtag(self, tag):
        if self._heading and tag == f"h{self._heading}":
            self.headings.append((self._heading, " ".join("".join(self._text).split())))
            self._heading = None


def offerings(app, *specs: dict) -> list[int]:
    """Make offerings in their own app context, so that each request gets a fresh one."""
    with app.app_context():
        made = [make_offering(db.session, **spec) for spec in specs]
        db.session.commit()
        return [offering.id for offering in made]


def outline(response) -> Outline:
    parser = Outline()
    parser.feed(response.get_data(as_text=True))
    return parser


def assert_well_structured(page: Outline, lang: str) -> None:
    assert page.lang == lang
    levels = [level for level, _ in page.headings]
    assert levels.count(1) == 1 and levels[0] == 1
    for previous, current in pairwise(levels):
        assert current <= previous + 1, page.headings


@pytest.mark.parametrize("page", PROSE_PAGES)
def test_every_prose_page_is_written_in_both_languages(page):
    for lang in LANGUAGES:
        assert (TEMPLATES / lang / f"{page}.html").is_file(), f"pages/{lang}/{page}.html"


def outline_of(notice) -> list:
    """Where a notice has text, and how much: the same in every language."""
    if isinstance(notice, dict):
        return sorted((key, outline_of(value)) for key, value in notice.items())
    if isinstance(notice, list):
        return [outline_of(item) for item in notice]
    return sorted(set(re.findall(r"%\((\w+)\)s", notice)))


def test_the_privacy_notice_says_the_same_things_in_both_languages():
    spanish, *others = (outline_of(privacy_notice(lang)) for lang in LANGUAGES)
    assert spanish and all(other == spanish for other in others)


@pytest.mark.parametrize("lang", LANGUAGES)
@pytest.mark.parametrize("page", (*PROSE_PAGES, "privacy"))
def test_prose_pages_render_in_their_language_with_one_h1_and_ordered_headings(client, page, lang):
    response = client.get(f"/{lang}/{page}")

    assert response.status_code == 200
    structure = outline(response)
    assert_well_structured(structure, lang)
    assert structure.headings[0] == (1, TITLES[page][lang])


@pytest.mark.parametrize("lang", LANGUAGES)
def test_home_has_a_labelled_search_and_one_entry_per_programme(client, lang):
    response = client.get(f"/{lang}/")

    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert_well_structured(outline(response), lang)
    assert f'action="/{lang}/offerings/"' in html
    assert 'for="home-q"' in html and 'id="home-q" name="q"' in html
    for slug in ("bootcamps", "science-week", "acceleration", "talent"):
        assert f'href="/{lang}/offerings/?programme={slug}"' in html
    assert f'href="/{lang}/about"' in html


@pytest.mark.parametrize("lang", LANGUAGES)
def test_home_lists_the_next_published_offerings_in_start_order(app, client, lang):
    later, sooner = offerings(
        app,
        {"starts_in": timedelta(days=20)},
        {"starts_in": timedelta(days=3)},
        {"starts_in": timedelta(days=5), "status": OfferingStatus.DRAFT, "title_en": "Draft"},
        {"starts_in": timedelta(days=-2), "title_en": "Started", "title_es": "Empezado"},
    )[:2]

    html = client.get(f"/{lang}/").get_data(as_text=True)

    assert html.index(f'href="/{lang}/offerings/{sooner}"') < html.index(
        f'href="/{lang}/offerings/{later}"'
    )
    assert ">Draft<" not in html and "Started" not in html and "Empezado" not in html


def test_home_marks_an_untranslated_title_with_its_language(app, client):
    [offering] = offerings(app, {"title_es": "Taller de robótica", "title_en": None})

    html = client.get("/en/").get_data(as_text=True)

    assert f'href="/en/offerings/{offering}" lang="es">Taller de robótica</a>' in html


def test_home_shows_at_most_the_configured_number_of_offerings(app, client):
    limit = app.config["HOME_UPCOMING_LIMIT"]
    created = offerings(app, *({"starts_in": timedelta(days=day + 1)} for day in range(limit + 2)))

    html = client.get("/es/").get_data(as_text=True)

    shown = [offering for offering in created if f'href="/es/offerings/{offering}"' in html]
    assert shown == created[:limit]


def test_home_issues_the_same_queries_however_many_offerings(app, client, count_queries):
    offerings(app, {})
    with count_queries() as few:
        client.get("/es/")
    offerings(app, {}, {}, {}, {})
    with count_queries() as many:
        client.get("/es/")

    assert len(many) == len(few)


@pytest.mark.parametrize("lang", LANGUAGES)
def test_privacy_notice_summarises_in_a_table_with_row_headers_and_lists_the_cookie(
    app, client, lang
):
    response = client.get(f"/{lang}/privacy")
    structure = outline(response)

    row_headers = [cell for cell in structure.header_cells if cell.get("scope") == "row"]
    assert len(row_headers) == 6
    assert all(cell.get("scope") in {"row", "col"} for cell in structure.header_cells)
    assert f"<code>{app.config['SESSION_COOKIE_NAME']}</code>" in response.get_data(as_text=True)


@pytest.mark.parametrize("lang", LANGUAGES)
def test_unconfigured_operator_details_show_as_placeholders_not_as_facts(client, lang):
    html = client.get(f"/{lang}/legal").get_data(as_text=True)

    assert html.count('class="operator-placeholder"') >= 4
    assert "mailto:" not in html


@pytest.mark.parametrize("lang", LANGUAGES)
def test_configured_operator_details_appear_in_the_legal_texts(app, client, monkeypatch, lang):
    monkeypatch.setitem(app.config, "SITE_OWNER_TAX_ID", "P2812700I")
    monkeypatch.setitem(app.config, "DPO_EMAIL", "dpo@example.org")

    legal = client.get(f"/{lang}/legal").get_data(as_text=True)
    privacy = client.get(f"/{lang}/privacy").get_data(as_text=True)

    assert "P2812700I" in legal and "P2812700I" in privacy
    assert '<a href="mailto:dpo@example.org">dpo@example.org</a>' in privacy


def test_english_pages_show_the_english_version_of_a_detail_in_words(app, client, monkeypatch):
    monkeypatch.setitem(app.config, "SITE_OWNER_NAME", "Ayuntamiento de Las Rozas de Madrid")
    monkeypatch.setitem(app.config, "SITE_OWNER_NAME_EN", "Las Rozas de Madrid Town Council")
    monkeypatch.setitem(app.config, "ACCESSIBILITY_UNIT", "la Unidad de Accesibilidad")

    english = client.get("/en/accessibility").get_data(as_text=True)
    spanish = client.get("/es/accessibility").get_data(as_text=True)

    assert "Las Rozas de Madrid Town Council" in english
    assert "Ayuntamiento de Las Rozas de Madrid" not in english
    assert "Ayuntamiento de Las Rozas de Madrid" in spanish
    assert "Town Council" not in spanish
    # Without an English version, the Spanish words are shown, and said to be Spanish.
    assert '<span lang="es">la Unidad de Accesibilidad</span>' in english
    assert '<span lang="es">la Unidad' not in spanish


@pytest.mark.parametrize("lang", LANGUAGES)
def test_accessibility_statement_gives_its_dates_and_a_way_to_report(
    app, client, monkeypatch, lang
):
    monkeypatch.setitem(app.config, "ACCESSIBILITY_EMAIL", "access@example.org")

    html = client.get(f"/{lang}/accessibility").get_data(as_text=True)

    statement = app.config["ACCESSIBILITY_STATEMENT_DATE"].isoformat()
    reviewed = app.config["ACCESSIBILITY_REVIEWED_DATE"].isoformat()
    assert f'<time datetime="{statement}">' in html
    assert f'<time datetime="{reviewed}">' in html
    assert "mailto:access@example.org" in html
    assert "1112/2018" in html and "301549:2022" in html


@pytest.mark.parametrize("lang", LANGUAGES)
def test_about_links_every_programme_to_its_offerings(client, lang):
    html = client.get(f"/{lang}/about").get_data(as_text=True)

    for slug in (
        "bootcamps",
        "training-cycles",
        "science-week",
        "steam-congress",
        "smart-schools",
        "acceleration",
        "talent",
    ):
        assert f'href="/{lang}/offerings/?programme={slug}"' in html

"""The catalogue page in both languages: results, filters, pages and bad input."""

import re
from datetime import timedelta

import pytest

from app.extensions import db
from app.models import Format, Kind
from tests.factories import make_offering

LANGS = ("es", "en")


def create(app, count=1, **fields) -> list[int]:
    """Offerings committed outside any request (the test client pushes its own contexts)."""
    with app.app_context():
        made = [make_offering(db.session, **fields) for _ in range(count)]
        db.session.commit()
        return [offering.id for offering in made]


def page(client, url: str, status: int = 200) -> str:
    response = client.get(url)
    assert response.status_code == status, response.get_data(as_text=True)[:500]
    return response.get_data(as_text=True)


def result_ids(html: str) -> list[int]:
    return [int(found) for found in re.findall(r'id="offering-(\d+)-title"', html)]


@pytest.mark.parametrize("lang", LANGS)
def test_the_page_lists_the_offer_with_everything_a_card_needs(app, client, lang):
    [offering_id] = create(
        app,
        title_es="Programación web",
        title_en="Web programming",
        capacity=12,
        seats_taken=5,
        price_cents=2500,
        sessions=3,
    )
    html = page(client, f"/{lang}/offerings/")
    assert f'<html lang="{lang}">' in html
    assert html.count("<h1") == 1
    assert '<form class="catalogue-form" method="get"' in html
    assert '<label for="q"' in html
    assert html.count("<legend") == 8
    assert f'href="/{lang}/offerings/{offering_id}"' in html
    assert {"es": "Programación web", "en": "Web programming"}[lang] in html
    assert "availability-badge-open" in html
    if lang == "en":
        assert "1 result" in html
        assert "7 places left" in html
        assert "3 sessions" in html
        assert "€25.00" in html
        assert "Upskilling and reskilling bootcamps" in html


def test_a_title_missing_in_english_shows_the_spanish_one_marked(app, client):
    create(app, title_es="Robótica educativa", title_en=None, summary_en=None)
    html = page(client, "/en/offerings/")
    assert '<span lang="es">Robótica educativa</span>' in html
    assert '<span lang="es">Resumen del curso</span>' in html
    assert "(in Spanish)" in html


@pytest.mark.parametrize("lang", LANGS)
def test_a_search_finds_across_languages_and_accents(app, client, lang):
    [hit] = create(app, title_es="Ciberseguridad para pymes", title_en="Cybersecurity")
    create(app, title_es="Huerto urbano", title_en="Urban garden")
    html = page(client, f"/{lang}/offerings/?q=CIBERSEGURIDAD")
    assert result_ids(html) == [hit]
    assert 'value="CIBERSEGURIDAD"' in html


@pytest.mark.parametrize("lang", LANGS)
def test_filters_show_counts_and_each_one_can_be_removed(app, client, lang):
    [bootcamp] = create(app, kind=Kind.BOOTCAMP)
    [workshop] = create(app, kind=Kind.WORKSHOP, format=Format.ONLINE)
    create(app, kind=Kind.TALK)
    html = page(client, f"/{lang}/offerings/?kind=bootcamp&kind=workshop&format=in-person")
    assert result_ids(html) == [bootcamp]
    assert re.search(r'id="filter-kind-bootcamp"\s+checked', html)
    assert re.search(
        r'id="filter-kind-talk"[^>]*>\s*<label[^>]*>[^<]*<span class="facet-count">\(1\)', html
    )
    assert re.search(
        r'id="filter-format-online"[^>]*>\s*<label[^>]*>[^<]*<span class="facet-count">\(1\)', html
    )
    # Each removal link drops one value and keeps the rest of the search.
    assert f'href="/{lang}/offerings/?kind=workshop&amp;format=in-person"' in html
    assert f'href="/{lang}/offerings/?kind=bootcamp&amp;format=in-person"' in html
    assert f'href="/{lang}/offerings/?kind=bootcamp&amp;kind=workshop"' in html
    assert f'<a href="/{lang}/offerings/">' in html  # clear all
    assert result_ids(page(client, f"/{lang}/offerings/?kind=bootcamp&kind=workshop")) == [
        bootcamp,
        workshop,
    ]


@pytest.mark.parametrize("lang", LANGS)
def test_the_language_switcher_keeps_the_filters(client, app, lang):
    other = "en" if lang == "es" else "es"
    html = page(client, f"/{lang}/offerings/?kind=bootcamp&free=1")
    assert f'href="/{other}/offerings/?kind=bootcamp&amp;free=1"' in html


@pytest.mark.parametrize("lang", LANGS)
def test_results_come_in_pages_with_an_accessible_navigation(app, client, lang):
    app.config["CATALOGUE_PAGE_SIZE"], size = 2, app.config["CATALOGUE_PAGE_SIZE"]
    try:
        ids = [create(app, starts_in=timedelta(days=day))[0] for day in range(1, 8)]
        html = page(client, f"/{lang}/offerings/?free=1&page=2")
    finally:
        app.config["CATALOGUE_PAGE_SIZE"] = size
    assert result_ids(html) == ids[2:4]
    assert re.search(r'<nav class="mt-4" aria-label="[^"]+">', html)
    assert f'rel="prev" href="/{lang}/offerings/?free=1"' in html
    assert f'rel="next" href="/{lang}/offerings/?free=1&amp;page=3"' in html
    assert f'href="/{lang}/offerings/?free=1&amp;page=2" aria-current="page"' in html
    assert f'href="/{lang}/offerings/?free=1&amp;page=4"' in html
    # The words of the navigation come from _partials/, which extraction used to skip.
    words = {"es": ("Anterior", "Siguiente"), "en": ("Previous", "Next")}[lang]
    assert all(f">{word}</a>" in html for word in words)


@pytest.mark.parametrize("lang", LANGS)
def test_an_empty_result_says_what_was_searched_and_what_to_try(app, client, lang):
    create(app)
    html = page(client, f"/{lang}/offerings/?q=astrof%C3%ADsica&kind=talk")
    assert result_ids(html) == []
    assert "astrofísica" in html
    assert 'class="empty-state"' in html
    assert f'<a href="/{lang}/offerings/">' in html
    if lang == "en":
        assert "0 results" in html
        assert "No offering matches “astrofísica” with the filters you chose." in html


BAD_INPUT = [
    ("kind=spaceflight", 400, "kind-error", "“spaceflight” is not one of the options."),
    ("programme=unknown", 400, "programme-error", "“unknown” is not one of the options."),
    ("municipality=madrid", 400, "municipality-error", "“madrid” is not one of the options."),
    ("audience=%00", 400, "audience-error", "is not one of the options."),
    ("from=2026-13-45", 400, "from-error", "Enter a date as YYYY-MM-DD"),
    ("from=yesterday", 400, "from-error", "Enter a date as YYYY-MM-DD"),
    ("from=0001-01-01", 400, "from-error", "Enter a date between 2000-01-01 and 2100-12-31."),
    (
        "from=2030-05-10&to=2030-05-01",
        400,
        "to-error",
        "The end date cannot be before the start date.",
    ),
    ("available=yes", 400, "available-error", "Use 1 to switch this filter on"),
    ("page=0", 400, None, "The page number must be a whole number, 1 or more."),
    ("page=abc", 400, None, "The page number must be a whole number, 1 or more."),
    ("page=-3", 400, None, "The page number must be a whole number, 1 or more."),
    ("page=" + "9" * 50, 404, None, "There is only 1 page of results."),
    ("page=" + "9" * 5000, 400, None, "The page number must be a whole number, 1 or more."),
    ("page=99999", 404, None, "There is only 1 page of results."),
    ("q=" + "x" * 10_000, 400, "q-error", "The search can be at most 200 characters long."),
]


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize(("query", "status", "error_id", "message"), BAD_INPUT)
def test_bad_input_gives_a_clean_page_that_says_what_was_wrong(
    app, client, lang, query, status, error_id, message
):
    create(app)
    html = page(client, f"/{lang}/offerings/?{query}", status)
    assert html.count("<h1") == 1
    assert 'role="alert"' in html
    assert '<form class="catalogue-form"' in html
    if error_id:
        assert f'id="{error_id}"' in html
        assert f'aria-describedby="{error_id}"' in html or f' {error_id}"' in html
    if lang == "en":
        assert message in html


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize(
    "typed",
    [
        "<script>alert(1)</script>",
        '"><img src=x onerror=alert(1)>',
        "' OR 1=1; DROP TABLE offering; --",
        "😀🎉",
        "\u200fبرمجة\u202e",
        "curso\x00",
    ],
)
def test_odd_or_hostile_searches_are_only_text(app, client, lang, typed):
    create(app)
    response = client.get(f"/{lang}/offerings/", query_string={"q": typed})
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "<script>alert" not in html
    assert "<img src=x" not in html
    assert "\x00" not in html
    if typed.startswith("<script>"):
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


@pytest.mark.parametrize("lang", LANGS)
def test_a_nul_byte_in_the_search_is_dropped(app, client, lang):
    [offering_id] = create(app)
    html = page(client, f"/{lang}/offerings/?q=curso%00")
    assert result_ids(html) == [offering_id]
    assert 'value="curso"' in html


def test_the_page_issues_the_same_number_of_queries_whatever_its_size(app, client, count_queries):
    create(app, count=60, sessions=2)
    size = app.config["CATALOGUE_PAGE_SIZE"]
    counts = []
    try:
        for per_page in (5, 50):
            app.config["CATALOGUE_PAGE_SIZE"] = per_page
            with count_queries() as queries:
                html = page(client, "/en/offerings/?q=curso&audience=residents")
            assert len(result_ids(html)) == per_page
            counts.append(len(queries))
    finally:
        app.config["CATALOGUE_PAGE_SIZE"] = size
    assert counts[0] == counts[1]


@pytest.mark.parametrize("lang", LANGS)
def test_a_card_says_a_label_once_when_kind_and_programme_share_it(app, client, lang):
    """Smart Schools is both a programme and a kind of offering."""
    same, other = create(app, programme_slug="smart-schools", kind=Kind.SMART_SCHOOLS) + create(
        app, programme_slug="bootcamps", kind=Kind.WORKSHOP
    )
    html = page(client, f"/{lang}/offerings/")
    labels = dict(
        zip(
            result_ids(html),
            (
                " ".join(found.split())
                for found in re.findall(r'<p class="result-kind[^"]*">(.*?)</p>', html, re.S)
            ),
            strict=True,
        )
    )
    assert labels[same] == str(Kind.SMART_SCHOOLS.label) and "·" not in labels[same]
    assert "·" in labels[other]


@pytest.mark.parametrize("lang", LANGS)
def test_filters_wait_behind_a_closed_disclosure_and_leave_out_options_that_find_nothing(
    app, client, lang
):
    create(app, kind=Kind.BOOTCAMP)
    html = page(client, f"/{lang}/offerings/")
    assert re.search(r'<details class="[^"]*filters-disclosure[^"]*">\s*<summary', html)
    assert 'id="filter-kind-bootcamp"' in html
    assert 'id="filter-kind-talk"' not in html  # nothing to find there
    # A chosen option stays, even when it finds nothing, so it can be unticked.
    chosen = page(client, f"/{lang}/offerings/?kind=talk")
    assert result_ids(chosen) == []
    assert re.search(r'id="filter-kind-talk"\s+checked', chosen)
    assert 'id="filter-kind-workshop"' not in chosen


@pytest.mark.parametrize("lang", LANGS)
def test_a_mistake_in_the_filters_opens_them_to_show_it(app, client, lang):
    create(app, kind=Kind.BOOTCAMP)
    html = page(client, f"/{lang}/offerings/?from=2026-02-30", status=400)
    assert re.search(r'<details class="[^"]*filters-disclosure[^"]*" open>', html)
    assert 'id="from-error"' in html


@pytest.mark.parametrize("lang", LANGS)
def test_a_misspelt_search_shows_the_corrected_results_and_a_link_to_the_words_as_typed(
    app, client, lang
):
    [offering_id] = create(app, title_es="Programación en Python", title_en="Python programming")
    html = page(client, f"/{lang}/offerings/?q=pyton")
    assert result_ids(html) == [offering_id]
    showing = {"es": "Mostrando resultados de python.", "en": "Showing results for python."}
    assert showing[lang] in html
    as_typed = f'href="/{lang}/offerings/?q=pyton&amp;as_typed=1"'
    assert as_typed in html
    html = page(client, f"/{lang}/offerings/?q=pyton&as_typed=1")
    assert result_ids(html) == []
    assert showing[lang] not in html
    assert 'class="empty-state"' in html


@pytest.mark.parametrize("lang", LANGS)
def test_a_search_spelt_right_says_nothing_about_corrections(app, client, lang):
    [offering_id] = create(app, title_es="Programación en Python", title_en="Python programming")
    html = page(client, f"/{lang}/offerings/?q=python")
    assert result_ids(html) == [offering_id]
    assert "search-correction" not in html


@pytest.mark.parametrize("lang", LANGS)
def test_words_naming_a_filter_show_as_chips_each_a_link_that_removes_it(app, client, lang):
    [free] = create(app, title_es="Programación en Python", title_en="Python programming")
    [paid] = create(app, title_es="Python avanzado", title_en="Advanced Python", price_cents=900)
    html = page(client, f"/{lang}/offerings/?q=python+gratis+online")
    assert result_ids(html) == []  # free and online: neither is online
    label = {"es": "También hemos filtrado por:", "en": "We also filtered by:"}[lang]
    assert label in html
    assert f'href="/{lang}/offerings/?q=python+online"' in html  # removes "free"
    assert f'href="/{lang}/offerings/?q=python+gratis"' in html  # removes "online"
    html = page(client, f"/{lang}/offerings/?q=python+gratis")
    assert result_ids(html) == [free]
    heading = {"es": "1 resultado para «python»", "en": "1 result for “python”"}[lang]
    assert heading in html
    html = page(client, f"/{lang}/offerings/?q=python")
    assert sorted(result_ids(html)) == sorted([free, paid])
    assert label not in html


def checked(html: str) -> set[str]:
    """The ids of the filter form's ticked boxes."""
    boxes = re.findall(r'<input class="form-check-input[^>]*>', html)
    return {re.search(r'id="([^"]+)"', box).group(1) for box in boxes if " checked" in box}


def search_box(html: str) -> str:
    return re.search(r'<input type="search"[^>]*id="q"[^>]*value="([^"]*)"', html).group(1)


@pytest.mark.parametrize("lang", LANGS)
def test_the_filter_form_ticks_what_the_search_words_named_and_submitting_it_keeps_it(
    app, client, lang
):
    [online] = create(
        app, title_es="Python en línea", format=Format.ONLINE, municipality_slug="online"
    )
    create(app, title_es="Python presencial", format=Format.IN_PERSON)
    create(app, title_es="Python de pago", format=Format.ONLINE, price_cents=900)

    html = page(client, f"/{lang}/offerings/?q=python+gratis+online")
    assert result_ids(html) == [online]
    # The words that became filters are ticked in the form, and leave its search box.
    assert checked(html) == {"filter-free", "filter-format-online"}
    assert search_box(html) == "python"

    # Submitting the form as it stands (what a browser sends) keeps the same results.
    again = page(client, f"/{lang}/offerings/?q=python&format=online&free=1")
    assert result_ids(again) == [online]
    assert checked(again) == {"filter-free", "filter-format-online"}
    assert search_box(again) == "python"
    # ...and unticking one of them now takes it away.
    fewer = page(client, f"/{lang}/offerings/?q=python&format=online")
    assert len(result_ids(fewer)) == 2


@pytest.mark.parametrize("lang", LANGS)
def test_closed_offerings_are_hidden_until_the_visitor_asks_for_them(app, client, lang):
    [started] = create(app, starts_in=timedelta(days=-1), sessions=3)
    [open_] = create(app, starts_in=timedelta(days=20))
    html = page(client, f"/{lang}/offerings/")
    assert result_ids(html) == [open_]
    assert 'id="filter-closed"' in html
    html = page(client, f"/{lang}/offerings/?closed=1")
    assert result_ids(html) == [open_, started]

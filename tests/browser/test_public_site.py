"""A visitor in a real Chromium: search, filter, open an offering, switch language; by
keyboard alone and without JavaScript. Selectors are structural (ids, roles of the markup),
not translated words, so the tests hold whatever the catalogues say."""

from urllib.parse import parse_qs, urlsplit

import pytest
from playwright.sync_api import expect

from tests.browser.helpers import FOCUSED, follow, path, press_enter, tab_to

PYTHON_BOOTCAMP = "Bootcamp de programación en Python"  # MOT-BC-001, Las Rozas, 10 sessions
JAVA_CYCLE = "Ciclo de programación Java"  # MOT-CF-007, online

RESULT_TITLES = ".result-list h3 a"
FILTERS_SUBMIT = ".catalogue-filters button[type=submit]"
LAS_ROZAS = "#filter-municipality-las-rozas"


def query(page) -> dict[str, list[str]]:
    return parse_qs(urlsplit(page.url).query)


def search_from_home(page, text):
    page.goto("/es/")
    page.fill("#home-q", text)
    follow(page, "form[role=search] button[type=submit]")


def filter_by_las_rozas(page):
    page.check(LAS_ROZAS)
    follow(page, FILTERS_SUBMIT)


def test_a_search_from_the_home_page_finds_programacion_without_accent(page, demo):
    search_from_home(page, "programacion")

    assert path(page) == "/es/offerings/"
    assert query(page) == {"q": ["programacion"]}
    titles = page.locator(RESULT_TITLES).all_inner_texts()
    assert PYTHON_BOOTCAMP in titles
    assert JAVA_CYCLE in titles
    assert page.input_value("#q") == "programacion"


def test_a_ticked_filter_narrows_the_results_and_can_be_removed(page, demo):
    page.goto("/es/offerings/?q=programacion")

    filter_by_las_rozas(page)

    assert query(page)["municipality"] == ["las-rozas"]
    assert query(page)["q"] == ["programacion"]
    assert page.is_checked(LAS_ROZAS)
    titles = page.locator(RESULT_TITLES).all_inner_texts()
    assert PYTHON_BOOTCAMP in titles
    assert JAVA_CYCLE not in titles
    chips = page.locator(".applied-filter")
    assert chips.count() == 2  # the words searched and the municipality

    follow(page, chips.filter(has_text="Las Rozas"))

    assert "municipality" not in query(page)
    assert query(page)["q"] == ["programacion"]
    assert not page.is_checked(LAS_ROZAS)
    assert JAVA_CYCLE in page.locator(RESULT_TITLES).all_inner_texts()


def test_an_offering_opened_from_the_results_shows_every_session(page, demo):
    page.goto("/es/offerings/?q=programacion")

    follow(page, page.locator(RESULT_TITLES, has_text=PYTHON_BOOTCAMP))

    assert path(page) == f"/es/offerings/{demo['MOT-BC-001']}"
    assert page.inner_text("h1") == PYTHON_BOOTCAMP
    assert page.locator(".offering-sessions tbody tr").count() == 10


@pytest.mark.parametrize(
    "start",
    [
        "/es/offerings/?q=programacion&municipality=las-rozas&format=in-person",
        "/es/about",
    ],
)
def test_the_language_switcher_keeps_the_page_and_its_filters(page, demo, start):
    page.goto(start)
    before = urlsplit(page.url)

    follow(page, "a[hreflang=en]")

    after = urlsplit(page.url)
    assert after.path == before.path.replace("/es/", "/en/", 1)
    assert parse_qs(after.query) == parse_qs(before.query)
    assert page.get_attribute("html", "lang") == "en"
    assert page.locator("[aria-current=true][lang=en]").count() == 1


def test_the_language_switcher_keeps_the_offering(page, demo):
    page.goto(f"/es/offerings/{demo['MOT-BC-001']}")

    follow(page, "a[hreflang=en]")

    assert path(page) == f"/en/offerings/{demo['MOT-BC-001']}"
    assert page.inner_text("h1") == "Python programming bootcamp"


@pytest.mark.parametrize(("locale", "lang"), [("en-GB", "en"), ("es-ES", "es"), ("fr-FR", "es")])
def test_the_root_redirects_to_the_browser_language_spanish_by_default(open_page, locale, lang):
    page = open_page(locale=locale)

    page.goto("/")

    assert path(page) == f"/{lang}/"
    assert page.get_attribute("html", "lang") == lang


# ---- Keyboard only ----


def focused(page, expression):
    return page.evaluate(f"() => {FOCUSED}.{expression}")


def test_the_first_tab_reaches_the_skip_link_which_moves_focus_to_main(page, demo):
    page.goto("/es/offerings/")

    page.keyboard.press("Tab")

    assert focused(page, "className") == "skip-link"
    box = page.locator(".skip-link").bounding_box()
    assert box["x"] >= 0 and box["y"] >= 0  # shown on screen while focused

    page.keyboard.press("Enter")

    assert focused(page, "id") == "main"


def test_the_search_form_works_with_the_keyboard_alone(page, demo):
    page.goto("/es/")

    tab_to(page, "#home-q")
    page.keyboard.type("programacion")
    press_enter(page)

    assert query(page) == {"q": ["programacion"]}
    assert PYTHON_BOOTCAMP in page.locator(RESULT_TITLES).all_inner_texts()


def focus_indicator(page) -> dict[str, str]:
    return page.evaluate(
        f"""() => {{
            const style = getComputedStyle({FOCUSED});
            return {{element: {FOCUSED}.outerHTML.slice(0, 80), style: style.outlineStyle,
                     width: parseFloat(style.outlineWidth)}};
        }}"""
    )


@pytest.mark.parametrize("start", ["/es/", "/es/offerings/?q=programacion", "/en/auth/login"])
def test_every_tab_stop_shows_a_solid_focus_outline(page, demo, start):
    """Links, inputs, checkboxes and buttons alike (Bootstrap's faint ring is replaced)."""
    page.goto(start)
    stops = 0
    while stops < 60:
        page.keyboard.press("Tab")
        if focused(page, "tagName") == "BODY":  # past the last stop
            break
        stops += 1
        outline = focus_indicator(page)
        assert outline["style"] == "solid" and outline["width"] >= 2, outline
    assert stops > 8


@pytest.mark.parametrize("javascript", [True, False])
def test_on_a_phone_the_results_come_first_and_the_filters_wait_behind_a_disclosure(
    open_page, demo, javascript
):
    page = open_page(viewport={"width": 390, "height": 844}, java_script_enabled=javascript)
    page.goto("/es/offerings/")
    # The count and the first result on the first screen; the filters folded away.
    expect(page.locator("#results-heading")).to_be_in_viewport()
    expect(page.locator(RESULT_TITLES).first).to_be_in_viewport()
    expect(page.locator(LAS_ROZAS)).to_be_hidden()

    page.click(".filters-summary")
    expect(page.locator(LAS_ROZAS)).to_be_visible()
    filter_by_las_rozas(page)

    assert query(page)["municipality"] == ["las-rozas"]
    expect(page.locator(".applied-filter")).to_have_count(1)
    expect(page.locator(LAS_ROZAS)).to_be_hidden()  # folded again; the chip says what is on
    expect(page.locator(RESULT_TITLES).first).to_be_in_viewport()


def test_on_a_wide_screen_the_filters_sit_open_beside_the_results(page, demo):
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto("/es/offerings/?q=programacion")

    expect(page.locator(".filters-summary")).to_be_hidden()
    expect(page.locator(LAS_ROZAS)).to_be_visible()
    expect(page.locator("#results-heading")).to_be_in_viewport()
    tab_to(page, LAS_ROZAS)


# ---- Without JavaScript ----


def test_search_filter_and_open_an_offering_without_javascript(open_page, demo):
    page = open_page(java_script_enabled=False)

    search_from_home(page, "programacion")
    filter_by_las_rozas(page)
    follow(page, page.locator(RESULT_TITLES, has_text=PYTHON_BOOTCAMP))

    assert path(page) == f"/es/offerings/{demo['MOT-BC-001']}"
    assert page.locator(".offering-sessions tbody tr").count() == 10

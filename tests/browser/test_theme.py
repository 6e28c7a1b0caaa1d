"""The theme in a real Chromium: served by the site itself, the partnership's colours and
type applied, a visible focus ring on every control and a hover state on cards and
buttons. (Contrast is axe's job: tests/browser/test_accessibility.py runs it on every main
page in both languages.)"""

from urllib.parse import urlsplit

import pytest

from tests.browser.helpers import tab_to

BRAND_BLUE = "rgb(11, 79, 138)"  # --mot-primary
NAVY = "rgb(10, 47, 82)"  # --mot-navy


def style(page, selector, prop):
    return page.eval_on_selector(selector, f"el => getComputedStyle(el)[{prop!r}]")


def test_every_stylesheet_and_image_comes_from_the_site_itself(page, demo, live_server):
    loaded = []
    page.on("request", lambda request: loaded.append(request.url))
    page.goto("/es/offerings/")
    host = urlsplit(live_server).netloc
    assert loaded and all(urlsplit(url).netloc == host for url in loaded), loaded
    assert any(urlsplit(url).path == "/static/css/theme.css" for url in loaded)


@pytest.mark.parametrize("lang", ["es", "en"])
def test_the_partnerships_colours_and_type_are_applied(page, demo, lang):
    page.goto(f"/{lang}/offerings/")
    assert style(page, "body", "fontFamily").startswith("system-ui")
    assert style(page, "h1", "color") == NAVY
    assert style(page, "main .btn-primary", "backgroundColor") == BRAND_BLUE
    assert style(page, ".site-footer", "backgroundColor") == NAVY
    assert style(page, ".site-brand-mark", "width") == "40px"


def test_cards_and_buttons_react_when_pointed_at(page, demo):
    page.goto("/es/offerings/")
    card = ".result-card"
    resting = style(page, card, "borderColor"), style(page, card, "boxShadow")
    page.hover(f"{card} h3 a")
    page.wait_for_timeout(250)  # past the transition
    assert (style(page, card, "borderColor"), style(page, card, "boxShadow")) != resting
    assert style(page, card, "borderColor") == BRAND_BLUE

    button = "main .btn-primary"
    before = style(page, button, "backgroundColor")
    page.hover(button)
    page.wait_for_timeout(100)
    assert style(page, button, "backgroundColor") != before


def test_focus_is_a_thick_two_tone_ring_on_light_and_on_dark(page, demo):
    page.goto("/es/")
    tab_to(page, ".site-brand")
    assert style(page, ".site-brand", "outlineStyle") == "solid"
    assert float(style(page, ".site-brand", "outlineWidth").removesuffix("px")) >= 3
    tab_to(page, ".site-footer a", limit=200)
    focused = "document.activeElement"
    ring = page.evaluate(f"() => getComputedStyle({focused}).boxShadow")
    assert "255, 255, 255" in ring  # a white outer line beside the navy

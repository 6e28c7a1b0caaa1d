"""What several browser tests do the same way: reach things with Tab, log in, send a form,
check a page with axe. Selectors are ids, names, URLs and landmarks, never translated words."""

from urllib.parse import urlsplit

import pytest

from tests.factories import DEFAULT_PASSWORD

FOCUSED = "document.activeElement"
FORM = "main form[method=post]"
# What a keyboard user must be able to reach inside the page's main content.
INTERACTIVE = "main :is(a[href], button, input:not([type=hidden]), select, textarea)"
MARK_FOCUSED = """() => {
    const el = document.activeElement;
    el.dataset.tabbed = "1";
    const style = getComputedStyle(el);
    return {tag: el.tagName, html: el.outerHTML.slice(0, 100),
            outline: style.outlineStyle, width: parseFloat(style.outlineWidth)};
}"""
UNREACHED = """selector => [...document.querySelectorAll(selector)]
    .filter(el => el.checkVisibility() && !el.dataset.tabbed)
    .map(el => el.outerHTML.slice(0, 100))"""


def path(page) -> str:
    return urlsplit(page.url).path


def follow(page, target) -> int:
    """Click what opens another page (a link, a button; a selector or a locator) and wait
    until that page has loaded; the answer's status. A bare click returns once the new page
    has begun to arrive, and what is read then may still be the old page or half the new."""
    locator = page.locator(target) if isinstance(target, str) else target
    with page.expect_navigation() as navigation:
        locator.first.click()
    return navigation.value.status


def press_enter(page) -> int:
    """Press Enter where the focus is (a link, a form's field or button), as ``follow``
    clicks: wait until the page it opens has loaded; the answer's status."""
    with page.expect_navigation() as navigation:
        page.keyboard.press("Enter")
    return navigation.value.status


def submit(page, form: str = FORM) -> int:
    """Send the page's form as a person would, by its submit button; the answer's status."""
    return follow(page, f"{form} button[type=submit]")


def log_in(page, email: str, password: str = DEFAULT_PASSWORD, lang: str = "es") -> int:
    page.goto(f"/{lang}/auth/login")
    page.fill("#email", email)
    page.fill("#password", password)
    return submit(page)


def tab_to(page, selector: str, limit: int = 60) -> None:
    """Press Tab until the focus is on ``selector``; fail if it never gets there."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate(f"s => {FOCUSED}.matches(s)", selector):
            return
    pytest.fail(f"{selector} is not reachable with Tab")


def walk_with_tab(page) -> None:
    """Tab through the whole page: each stop shows a solid outline, and nothing in the main
    content that can be used is skipped."""
    page.evaluate("() => document.activeElement.blur()")
    first = None
    for _ in range(120):
        page.keyboard.press("Tab")
        stop = page.evaluate(MARK_FOCUSED)
        if stop["tag"] == "BODY" or stop["html"] == first:  # past the last stop
            break
        first = first or stop["html"]
        assert stop["outline"] == "solid" and stop["width"] >= 2, (page.url, stop)
    assert page.evaluate(UNREACHED, INTERACTIVE) == [], page.url


def check_page(page, assert_accessible, lang, path=None, status=200) -> None:
    """Open ``/<lang><path>`` (or keep the page as it is) and run axe; in Spanish walk it
    with Tab too (focus does not depend on the language, a second walk would only cost)."""
    if path is not None:
        assert page.goto(f"/{lang}{path}").status == status, path
    assert page.get_attribute("html", "lang") == lang
    assert_accessible(page)
    if lang == "es":
        walk_with_tab(page)

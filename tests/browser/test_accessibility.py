"""axe-core on every public page, in Spanish and in English: zero WCAG 2.1 A/AA violations.

Each page is checked in the states a visitor can meet it in (results, filters, nothing
found, a form error, a page out of range; every kind of offering), on the demo offer.
"""

import pytest

from app.i18n import LANGUAGES
from tests.browser.conftest import CANCELLED_REF

# Offerings of the demo (and the fixture's cancelled one) by the state they show.
OFFERINGS = {
    "course": "MOT-BC-001",  # a ten-session bootcamp with places left
    "event": "MOT-BC-007",  # a one-off online talk
    "full": "MOT-BC-002",  # full: waiting list
    "closed": "MOT-BC-008",  # enrolment closed
    "not_yet_open": "MOT-BC-004",
    "spanish_only": "MOT-BC-009",  # no English text: the English page shows the fallback
    "cancelled": CANCELLED_REF,
}

# Path under the language prefix, and the status the page answers with.
PAGES = {
    "home": ("/", 200),
    "catalogue": ("/offerings/", 200),
    "catalogue-search-and-filters": (
        "/offerings/?q=programacion&municipality=las-rozas&municipality=online"
        "&format=in-person&available=1",
        200,
    ),
    "catalogue-page-2": ("/offerings/?page=2", 200),
    "catalogue-nothing-found": ("/offerings/?q=zzyzx+quux", 200),
    "catalogue-bad-date": ("/offerings/?from=bad", 400),
    "catalogue-unknown-option": ("/offerings/?kind=spaceflight", 400),
    "catalogue-page-out-of-range": ("/offerings/?page=99", 404),
    **{f"offering-{name}": (f"/offerings/{{{name}}}", 200) for name in OFFERINGS},
    "about": ("/about", 200),
    "accessibility": ("/accessibility", 200),
    "privacy": ("/privacy", 200),
    "legal": ("/legal", 200),
    "not-found": ("/no-such-page", 404),
    "offering-not-found": ("/offerings/999999", 404),
    "login": ("/auth/login", 200),
    "sign-up": ("/auth/signup", 200),
    "password-reset": ("/auth/reset", 200),
    "resend-confirmation": ("/auth/confirm", 200),
    "impact": ("/impact/", 200),
    "impact-empty-year": ("/impact/?year=2001", 200),
    "impact-bad-year": ("/impact/?year=20x1", 400),
    "impact-methodology": ("/impact/methodology", 200),
    "ecosystem": ("/ecosystem/", 200),
    "ecosystem-filtered": ("/ecosystem/?kind=company&member=yes", 200),
}


@pytest.mark.parametrize("lang", LANGUAGES)
@pytest.mark.parametrize(("path", "status"), PAGES.values(), ids=PAGES.keys())
def test_public_page_has_no_wcag_violations(page, demo, assert_accessible, lang, path, status):
    ids = {name: demo[ref] for name, ref in OFFERINGS.items()}
    response = page.goto(f"/{lang}{path.format(**ids)}")

    assert response.status == status
    assert page.locator("html").get_attribute("lang") == lang
    assert_accessible(page)

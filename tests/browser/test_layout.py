"""Nothing scrolls sideways: the main pages at 320 px (a small phone) and at 640 px (a
1280 px screen at 200 % zoom), in both languages, for a visitor, a resident and staff. The
same pages are photographed at 390 px and 1366 px into ``test-artifacts/screenshots/``
(``MOT_SCREENSHOTS`` to change it; git-ignored, kept by CI as artefacts) for people to look at.
"""

import os
import re
from pathlib import Path

import pytest

from app.extensions import db
from app.models import Role, utcnow
from app.services import enrolment
from app.services.errors import DomainError
from tests.browser.helpers import log_in
from tests.factories import make_user

SCREENSHOTS = Path(
    os.environ.get("MOT_SCREENSHOTS", Path(__file__).parents[2] / "test-artifacts" / "screenshots")
)
NARROW = (320, 640)  # a small phone; a 1280 px wide screen zoomed to 200 %
PHOTO = (390, 1366)
PUBLIC = [
    "/",
    "/offerings/",
    "/offerings/?q=programacion",
    "/offerings/{offering}",
    "/about",
    "/privacy",
    "/legal",
    "/accessibility",
    "/impact/",
    "/impact/methodology",
    "/ecosystem/",
    "/auth/login",
    "/auth/signup",
]
RESIDENT = ["/account/", "/account/profile", "/account/applications", "/offerings/{age}/enrol"]
STAFF = [
    "/admin/",
    "/admin/offerings/",
    "/admin/offerings/{offering}/participants",
    "/admin/offerings/{offering}/edit",
    "/admin/users/",
    "/admin/organisations/",
    "/admin/audit/",
    "/admin/indicators/",
    "/admin/import/",
]


@pytest.fixture
def people(app, demo):
    """A resident with places in a few demo offerings, and an administrator."""
    with app.app_context():
        resident = make_user(db.session)
        admin = make_user(db.session, role=Role.ADMIN)
        taken = 0
        for offering_id in demo.values():
            try:
                enrolment.enrol(
                    db.session, offering_id=offering_id, user_id=resident.id, now=utcnow()
                )
            except DomainError:
                continue
            taken += 1
            if taken == 3:
                break
        db.session.commit()
        return {"resident": resident.email, "admin": admin.email}


def places(demo) -> dict[str, int]:
    return {"offering": demo["MOT-BC-001"], "age": demo["MOT-BC-001"]}


def walk(open_page, email, paths, demo, lang, widths, photograph=False):
    """Each page at each width: its document no wider than the window."""
    page = open_page(viewport={"width": widths[0], "height": 900})
    if email:
        assert log_in(page, email, lang=lang) == 200
    wider = []
    for template in paths:
        url = f"/{lang}" + template.format(**places(demo))
        for width in widths:
            page.set_viewport_size({"width": width, "height": 900})
            assert page.goto(url).status == 200, url
            scroll_width = page.evaluate("document.documentElement.scrollWidth")
            if scroll_width > width:
                wider.append((url, width, scroll_width))
            if photograph:
                SCREENSHOTS.mkdir(parents=True, exist_ok=True)
                name = re.sub(r"[^a-z0-9]+", "-", url.strip("/")).strip("-")
                page.screenshot(path=SCREENSHOTS / f"{name}-{width}.png", full_page=True)
    assert wider == [], wider


@pytest.mark.parametrize("lang", ["es", "en"])
@pytest.mark.parametrize(
    ("who", "paths"), [(None, PUBLIC), ("resident", RESIDENT), ("admin", STAFF)]
)
def test_nothing_scrolls_sideways_at_320_px_or_at_200_percent_zoom(
    open_page, demo, people, lang, who, paths
):
    walk(open_page, people.get(who), paths, demo, lang, NARROW)


@pytest.mark.parametrize(
    ("who", "paths"), [(None, PUBLIC), ("resident", RESIDENT), ("admin", STAFF)]
)
def test_the_main_pages_are_photographed_for_a_phone_and_a_laptop(
    open_page, demo, people, who, paths
):
    walk(open_page, people.get(who), paths, demo, "es", PHOTO, photograph=True)
    assert list(SCREENSHOTS.glob("es-*-390.png")) and list(SCREENSHOTS.glob("es-*-1366.png"))


@pytest.mark.parametrize("lang", ["es", "en"])
def test_the_phone_layouts_pass_axe(open_page, demo, people, assert_accessible, lang):
    """Stacked tables and the folded filters, as a phone shows them."""
    page = open_page(viewport={"width": 390, "height": 844})
    page.goto(f"/{lang}/offerings/")
    assert_accessible(page)
    page.click(".filters-summary")
    page.mouse.move(0, 0)
    page.wait_for_timeout(300)  # past the button's colour transition
    assert_accessible(page)
    page.goto(f"/{lang}/privacy")
    assert_accessible(page)
    assert log_in(page, people["resident"], lang=lang) == 200
    page.goto(f"/{lang}/account/")
    assert page.locator("td[data-label]").count() > 0
    assert_accessible(page)
    staff = open_page(viewport={"width": 390, "height": 844})
    assert log_in(staff, people["admin"], lang=lang) == 200
    staff.goto(f"/{lang}/admin/offerings/")
    assert_accessible(staff)

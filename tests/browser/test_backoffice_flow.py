"""The back office in a real browser, without JavaScript tricks: a staff member creates an
offering in both languages, adds sessions and publishes it; a resident enrols from the public
page; staff mark attendance at the door and export it. Every back-office page on the way is
axe-clean in Spanish and in English.

Selectors are names, ids and URLs, not words: the pages are translated.
"""

from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import select

from app.extensions import db
from app.models import Attendance, Enrolment, EnrolmentStatus, Offering, OfferingStatus, Role
from tests.browser.helpers import log_in
from tests.factories import make_organisation, make_user

NEXT_YEAR = datetime.now(UTC).year + 1


@pytest.fixture
def people(app):
    with app.app_context():
        own = make_organisation(db.session, name="Ayuntamiento de Majadahonda")
        staff = make_user(db.session, role=Role.ORGANISATION_STAFF, organisation=own)
        resident = make_user(db.session)
        db.session.commit()
        return {"staff": staff.email, "resident": resident.email}


def log_out(page):
    page.locator("header form[action$='/auth/logout'] button").click()
    page.wait_for_load_state()


def save(page):
    page.locator("main form[novalidate] button[type=submit]:not([name])").click()
    page.wait_for_load_state()


def fill_session(page, index, day, start, end):
    page.fill(f"#sessions-{index}-day", day)
    page.fill(f"#sessions-{index}-start_time", start)
    page.fill(f"#sessions-{index}-end_time", end)


def offering_id_from(url: str) -> int:
    return int(url.rstrip("/").split("/")[-2])


def test_staff_publish_an_offering_a_resident_enrols_staff_mark_attendance_and_export(
    app, page, people, assert_accessible
):
    log_in(page, people["staff"])
    for lang in ("es", "en"):
        for path in ("", "new"):
            assert page.goto(f"/{lang}/admin/offerings/{path}").status == 200
            assert_accessible(page)

    # Create: both languages side by side, one session; the form first refuses a session
    # that ends before it starts, at the field, and keeps what was typed.
    page.goto("/es/admin/offerings/new")
    assert_accessible(page)
    page.fill("#title_es", "Inteligencia artificial para pymes")
    page.fill("#title_en", "Artificial intelligence for small businesses")
    page.fill("#summary_es", "Casos prácticos de IA generativa")
    page.fill("#summary_en", "Hands-on cases of generative AI")
    page.fill("#description_es", "Cuatro sesiones **prácticas**.\n\n- Herramientas\n- Datos")
    page.fill("#description_en", "Four **hands-on** sessions.\n\n- Tools\n- Data")
    page.select_option("#kind", "workshop")
    page.check("input[name=audiences][value=companies]")
    page.check("input[name=audiences][value=entrepreneurs]")
    page.check("input[name=languages][value=es]")
    page.fill("#venue", "Casa de la Cultura")
    page.fill("#address", "Plaza de Colón 1, Majadahonda")
    page.fill("#capacity", "12")
    fill_session(page, 0, f"{NEXT_YEAR}-03-10", "18:00", "17:00")
    save(page)
    assert page.locator("#sessions-0-end_time-error").is_visible()
    assert page.input_value("#title_en") == "Artificial intelligence for small businesses"
    assert_accessible(page)

    page.fill("#sessions-0-end_time", "20:00")
    save(page)
    assert "/edit" in page.url
    offering_id = offering_id_from(page.url)
    assert_accessible(page)

    # More session rows come by submitting the form (no script), then a second session.
    page.locator("button[name=add_rows]").click()
    page.wait_for_load_state()
    fill_session(page, 1, f"{NEXT_YEAR}-03-17", "18:00", "20:00")
    save(page)
    with app.app_context():
        offering = db.session.get(Offering, offering_id)
        assert len(offering.sessions) == 2
        assert offering.status == OfferingStatus.DRAFT

    # The preview is the public page, in each language.
    for lang, title in (("es", "Inteligencia artificial"), ("en", "Artificial intelligence")):
        page.goto(f"/{lang}/admin/offerings/{offering_id}/preview")
        assert title in page.locator("h1").inner_text()
        assert_accessible(page)

    page.goto(f"/en/admin/offerings/{offering_id}/edit")
    assert_accessible(page)
    page.locator(f"form[action$='/admin/offerings/{offering_id}/publish'] button").click()
    page.wait_for_load_state()
    with app.app_context():
        assert db.session.get(Offering, offering_id).status == OfferingStatus.PUBLISHED
    assert_accessible(page)  # with the "published" message

    for lang in ("es", "en"):
        for path in ("duplicate", "cancel"):
            assert page.goto(f"/{lang}/admin/offerings/{offering_id}/{path}").status == 200
            assert_accessible(page)
    log_out(page)

    # A resident finds it in the catalogue and takes a place.
    log_in(page, people["resident"])
    page.goto(f"/es/offerings/{offering_id}")
    page.locator(f"a[href$='/offerings/{offering_id}/enrol']").click()
    page.locator(f"form[action$='/offerings/{offering_id}/enrol'] button[type=submit]").click()
    page.wait_for_load_state()
    with app.app_context():
        place = db.session.scalar(select(Enrolment).filter_by(offering_id=offering_id))
        assert place.status == EnrolmentStatus.CONFIRMED
    log_out(page)

    # Staff reach the participants from the offering, mark attendance at the first session
    # and download it for Excel (CSV: BOM, semicolons).
    log_in(page, people["staff"])
    page.goto(f"/es/admin/offerings/{offering_id}/edit")
    page.locator(f"main a[href$='/admin/offerings/{offering_id}/participants']").first.click()
    page.wait_for_load_state()
    assert_accessible(page)
    page.locator(
        f"a[href*='/admin/offerings/{offering_id}/sessions/'][href$='/attendance']"
    ).first.click()
    page.wait_for_load_state()
    assert_accessible(page)
    page.check(f"input[name=present][value='{place.id}']")
    page.locator("main form [name=save]").click()
    page.wait_for_load_state()
    with app.app_context():
        mark = db.session.scalar(select(Attendance).filter_by(enrolment_id=place.id))
        assert mark.present is True
    for lang in ("es", "en"):
        page.goto(f"/{lang}/admin/offerings/{offering_id}/participants")
        assert_accessible(page)

    with page.expect_download() as download:
        page.locator("a[href*='what=attendance'][href*='format=csv']").click()
    content = Path(download.value.path()).read_bytes()
    assert content.startswith(b"\xef\xbb\xbf")
    assert b";" in content.splitlines()[0]

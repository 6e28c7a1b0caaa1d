"""A resident's whole journey in a real browser: sign up, confirm the address from the email,
log in (a mistyped password first), enrol in one confirm step with the keyboard alone, see
the place and download it as .ics, then give it back before the deadline; meanwhile a second
person, without JavaScript, joins the waiting list of the now full offering and gets the place.

Selectors are ids, names, URLs and landmarks, never translated words.
"""

import re

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from app.extensions import db
from app.models import Enrolment, EnrolmentStatus, OutboxMessage
from app.services import enrolment
from tests.browser.helpers import log_in, path, press_enter, submit, tab_to
from tests.factories import DEFAULT_PASSWORD, make_offering, make_user, municipality

NEWCOMER = "nueva.vecina@example.org"
TITLE = "Competencias digitales básicas"
CONFIRM_LINK = re.compile(r"https?://\S+(/es/auth/confirm/\S+)")

UPCOMING = "section[aria-labelledby=upcoming-heading]"
WAITING = "section[aria-labelledby=waiting-heading]"
PAST = "section[aria-labelledby=past-heading]"


@pytest.fixture
def world(app):
    """One place left in an offering two weeks away (cancellable up to a day before), and a
    second resident who will want it too."""
    with app.app_context():
        offering = make_offering(db.session, title_es=TITLE, capacity=1)
        neighbour = make_user(db.session)
        db.session.commit()
        return {
            "offering": offering.id,
            "neighbour": neighbour.email,
            "las_rozas": municipality(db.session).id,
        }


def place_of(app, email) -> Enrolment:
    with app.app_context():
        return db.session.scalars(
            select(Enrolment).join(Enrolment.user).where(Enrolment.user.has(email=email))
        ).one()


def test_a_newcomer_signs_up_enrols_by_keyboard_and_gives_the_place_to_the_waiting_list(
    app, open_page, world
):
    offering_id = world["offering"]
    enrol_path = f"/es/offerings/{offering_id}/enrol"

    # Sign up with a strong password; the email carries the confirmation link.
    page = open_page()
    page.goto("/es/auth/signup")
    page.fill("#name", "Lucía Martín")
    page.fill("#email", NEWCOMER)
    page.fill("#password", DEFAULT_PASSWORD)
    page.fill("#confirm", DEFAULT_PASSWORD)
    page.select_option("#municipality", str(world["las_rozas"]))
    submit(page)
    assert path(page) == "/es/auth/login"
    with app.app_context():
        email = db.session.scalars(select(OutboxMessage).filter_by(to_address=NEWCOMER)).one()
    page.goto(CONFIRM_LINK.search(email.body_text).group(1))
    assert path(page) == "/es/auth/login"

    # A mistyped password: the message sits at the password field, which says it is invalid
    # and is described by the message, and the keyboard reaches it to try again.
    assert log_in(page, NEWCOMER, "not the right password") == 422
    password = page.locator("#password")
    expect(password).to_have_attribute("aria-invalid", "true")
    error = page.locator(f"#{password.get_attribute('aria-describedby').split()[-1]}")
    expect(error).to_be_visible()
    expect(password).to_have_accessible_description(re.compile(re.escape(error.inner_text())))
    page.locator("main").focus()
    tab_to(page, "#password")

    assert log_in(page, NEWCOMER) == 200
    assert path(page) == "/es/"

    # Enrol with Tab and Enter only: the offering's call to action, then the confirm button.
    page.goto(f"/es/offerings/{offering_id}")
    tab_to(page, f"main a[href='{enrol_path}']")
    press_enter(page)
    assert path(page) == enrol_path
    tab_to(page, f"main form[action='{enrol_path}'] button[type=submit]")
    press_enter(page)

    assert path(page) == "/es/account/"
    mine = place_of(app, NEWCOMER)
    assert mine.status == EnrolmentStatus.CONFIRMED
    row = page.locator(f"{UPCOMING} tbody tr")
    expect(row).to_have_count(1)
    expect(row.locator("th a")).to_have_text(TITLE)

    # Its calendar file: the link downloads it, and the answer is a private calendar.
    with page.expect_download() as download:
        row.locator(f"a[href='/es/enrolments/{mine.id}.ics']").click()
    assert download.value.suggested_filename.endswith(".ics")
    with open(download.value.path(), encoding="utf-8") as calendar:
        content = calendar.read()
    assert content.startswith("BEGIN:VCALENDAR") and f"SUMMARY:{TITLE}" in content
    response = page.request.get(f"/es/enrolments/{mine.id}.ics")
    assert response.status == 200
    assert response.headers["content-type"].startswith("text/calendar")
    assert "no-store" in response.headers["cache-control"]

    # The offering is now full. A neighbour, without JavaScript, joins its waiting list.
    neighbour = open_page(java_script_enabled=False)
    log_in(neighbour, world["neighbour"])
    neighbour.goto(f"/es/offerings/{offering_id}")
    neighbour.locator(f"main a[href='{enrol_path}']").click()
    submit(neighbour, f"main form[action='{enrol_path}']")
    assert path(neighbour) == "/es/account/"
    waiting = place_of(app, world["neighbour"])
    assert waiting.status == EnrolmentStatus.WAITING
    with app.app_context():
        assert enrolment.waiting_position(db.session, waiting) == 1
    waiting_row = neighbour.locator(f"{WAITING} tbody tr")
    expect(waiting_row).to_have_count(1)
    expect(waiting_row.locator("td").nth(1)).to_contain_text("1")  # the position column
    expect(neighbour.locator(f"{UPCOMING} table")).to_have_count(0)

    # The newcomer gives the place back before the deadline...
    page.goto("/es/account/")
    page.locator(f"{UPCOMING} a[href='/es/enrolments/{mine.id}/cancel']").click()
    submit(page, f"main form[action='/es/enrolments/{mine.id}/cancel']")
    assert path(page) == "/es/account/"
    expect(page.locator(f"{UPCOMING} table")).to_have_count(0)
    expect(page.locator(f"{PAST} tbody tr")).to_have_count(1)
    assert place_of(app, NEWCOMER).status == EnrolmentStatus.CANCELLED

    # ...and it has gone to the neighbour, who is told and sees it among their places.
    assert place_of(app, world["neighbour"]).status == EnrolmentStatus.CONFIRMED
    with app.app_context():
        told = db.session.scalars(
            select(OutboxMessage.template).filter_by(to_address=world["neighbour"])
        ).all()
    assert "enrolment_promoted" in told
    neighbour.goto("/es/account/")
    expect(neighbour.locator(f"{UPCOMING} tbody tr th a")).to_have_text(TITLE)
    expect(neighbour.locator(f"{WAITING} table")).to_have_count(0)

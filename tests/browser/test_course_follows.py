"""The course follows the person: from an offering's enrol button, through the login page,
sign-up, the emailed confirmation link and the login, back to that offering's enrol step,
by keyboard alone, in both languages.

Selectors are ids, names, URLs and landmarks, never translated words.
"""

import re

import pytest
from sqlalchemy import select

from app.extensions import db
from app.models import OutboxMessage
from tests.browser.helpers import path, press_enter, tab_to
from tests.factories import DEFAULT_PASSWORD, make_offering, municipality


def type_into(page, selector: str, text: str) -> None:
    tab_to(page, selector)
    page.keyboard.type(text)


@pytest.mark.parametrize("lang", ["es", "en"])
def test_enrol_then_sign_up_confirm_and_log_in_lands_on_the_enrol_step(app, open_page, lang):
    email = f"vecino.{lang}@example.org"
    with app.app_context():
        offering_id = make_offering(db.session).id
        home = municipality(db.session, "majadahonda").id
        db.session.commit()
    enrol_path = f"/{lang}/offerings/{offering_id}/enrol"
    page = open_page(locale="en-GB" if lang == "en" else "es-ES")

    # Enrol, as a visitor: the login page, which offers to sign up.
    page.goto(f"/{lang}/offerings/{offering_id}")
    tab_to(page, f"main a[href='{enrol_path}']")
    press_enter(page)
    assert path(page) == f"/{lang}/auth/login"
    tab_to(page, f"main a[href^='/{lang}/auth/signup?next=']")
    press_enter(page)
    assert path(page) == f"/{lang}/auth/signup"

    # Sign up with the keyboard; the login page that follows still knows the course.
    type_into(page, "#name", "Marta Gil")
    type_into(page, "#email", email)
    type_into(page, "#password", DEFAULT_PASSWORD)
    type_into(page, "#confirm", DEFAULT_PASSWORD)
    page.select_option("#language", lang)
    page.select_option("#municipality", str(home))
    tab_to(page, "main form[method=post] button[type=submit]")
    assert press_enter(page) == 200
    assert path(page) == f"/{lang}/auth/login"
    assert enrol_path in page.url

    # The emailed link confirms the address and leads to a login page that knows it too.
    with app.app_context():
        message = db.session.scalars(select(OutboxMessage).filter_by(to_address=email)).one()
    link = re.search(r"https?://[^/\s]+(/\S+/auth/confirm/\S+)", message.body_text).group(1)
    assert page.goto(link).status == 200
    assert path(page) == f"/{lang}/auth/login"

    type_into(page, "#email", email)
    type_into(page, "#password", DEFAULT_PASSWORD)
    assert press_enter(page) == 200
    assert path(page) == enrol_path
    tab_to(page, f"main form[action='{enrol_path}'] button[type=submit]")

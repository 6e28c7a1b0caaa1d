"""axe-core on every page a resident meets around an account, in Spanish and in English, in
each state they can meet it in (empty, with errors at fields, with rows, refused): zero WCAG
2.1 A/AA violations. In Spanish each page is also walked with Tab: every link, field and
button of the page is reached, each with a visible focus outline. The forms are then
used without JavaScript.

Selectors are ids, names, URLs and landmarks, never translated words.
"""

from datetime import timedelta
from functools import partial

import pytest
from playwright.sync_api import expect

from app.auth.routes import EMAIL_LINK_LIMIT
from app.extensions import db
from app.i18n import LANGUAGES
from app.models import utcnow
from app.services import accounts
from app.services import enrolment as service
from tests.browser.helpers import check_page, submit
from tests.factories import DEFAULT_PASSWORD, make_offering, make_user, set_sessions


@pytest.fixture
def resident(app):
    """A resident with a confirmed place to come, a place on a waiting list and a finished
    course; offerings in every state the enrol page can show; a password reset link."""
    with app.app_context():
        now = utcnow()
        user = make_user(db.session, name="Ana García")
        coming = make_offering(db.session, capacity=3)
        full = make_offering(db.session, capacity=0)
        finished = make_offering(db.session)
        tomorrow = make_offering(db.session, starts_in=timedelta(hours=10))
        places = {
            name: service.enrol(db.session, offering_id=offering.id, user_id=user.id, now=now)
            for name, offering in (
                ("coming", coming),
                ("waiting", full),
                ("finished", finished),
                ("too_late", tomorrow),
            )
        }
        last_month = now - timedelta(days=30)
        set_sessions(finished, [(last_month, last_month + timedelta(hours=2))])
        ids = {
            "open": make_offering(db.session, capacity=5).id,
            "full": make_offering(db.session, capacity=0).id,
            "closed": make_offering(db.session, enrolment_closes=now - timedelta(days=1)).id,
            "age_limit": make_offering(db.session, min_age=18).id,
            "coming": coming.id,
            **{f"place_{name}": place.id for name, place in places.items()},
        }
        db.session.commit()
        return {"email": user.email, "reset_token": accounts.reset_token(user), **ids}


@pytest.fixture
def check(page, assert_accessible):
    """``check(lang, path=None, status=200)``: check_page on this test's page."""
    return partial(check_page, page, assert_accessible)


@pytest.mark.parametrize("lang", LANGUAGES)
def test_every_account_page_is_accessible(page, check, resident, lang):
    r = resident

    # Before logging in.
    check(lang, "/auth/login")
    page.fill("#email", r["email"])
    page.fill("#password", "not my password")
    assert submit(page) == 422
    check(lang)

    check(lang, "/auth/signup")
    page.fill("#email", "not an address")
    page.fill("#password", DEFAULT_PASSWORD)
    page.fill("#confirm", "something else")
    assert submit(page) == 422
    check(lang)

    check(lang, "/auth/reset")
    page.fill("#email", "not an address")
    assert submit(page) == 422
    check(lang)

    check(lang, f"/auth/reset/{r['reset_token']}")
    page.fill("#password", "password1234")  # long enough, but among the commonest
    page.fill("#confirm", "password1234")
    assert submit(page) == 422
    check(lang)

    check(lang, "/auth/confirm")
    check(lang, "/auth/confirm/not-a-real-link", 400)

    # Logged in.
    page.goto(f"/{lang}/auth/login")
    page.fill("#email", r["email"])
    page.fill("#password", DEFAULT_PASSWORD)
    assert submit(page) == 200

    check(lang, "/auth/reauthenticate")
    check(lang, "/auth/password")
    page.fill("#current_password", "not my password")
    page.fill("#password", "short")
    assert submit(page) == 422
    check(lang)
    check(lang, "/auth/email")
    page.fill("#email", "not an address")
    assert submit(page) == 422
    check(lang)

    check(lang, "/account/")  # confirmed, waiting and past rows
    check(lang, f"/offerings/{r['open']}/enrol")
    check(lang, f"/offerings/{r['full']}/enrol")  # the waiting-list variant
    check(lang, f"/offerings/{r['coming']}/enrol")  # already has a place
    check(lang, f"/offerings/{r['closed']}/enrol", 410)
    check(lang, f"/offerings/{r['age_limit']}/enrol")  # asks the year of birth alone
    page.fill("#birth_year", "nineteen")
    assert submit(page) == 422
    check(lang)
    check(lang, f"/enrolments/{r['place_coming']}/cancel")
    check(lang, f"/enrolments/{r['place_waiting']}/cancel")
    check(lang, f"/enrolments/{r['place_too_late']}/cancel", 409)

    check(lang, "/account/profile")
    page.fill("#birth_year", "1800")
    assert submit(page) == 422
    check(lang)

    check(lang, "/account/delete")
    page.fill("#password", "not my password")
    assert submit(page) == 422
    check(lang)


@pytest.mark.parametrize("lang", LANGUAGES)
def test_the_filled_profile_is_accessible_and_saved_without_javascript(
    app, open_page, assert_accessible, resident, lang
):
    """Filled in a browser without JavaScript (axe needs it, so a second page checks)."""
    form = open_page(java_script_enabled=False)
    form.goto(f"/{lang}/auth/login")
    form.fill("#email", resident["email"])
    form.fill("#password", DEFAULT_PASSWORD)
    submit(form)
    form.goto(f"/{lang}/account/profile")
    form.fill("#birth_year", "1990")
    for answer in ("#gender", "#employment_status", "#education_level"):
        form.select_option(answer, index=1)
    form.check("#disability_consent")
    form.select_option("#disability", "yes")
    assert submit(form) == 200
    expect(form.locator("#disability")).to_have_value("yes")
    expect(form.locator("#disability_consent")).to_be_checked()

    page = open_page()
    page.context.add_cookies(form.context.cookies())
    assert page.goto(f"/{lang}/account/profile").status == 200
    expect(page.locator("#birth_year")).to_have_value("1990")
    assert_accessible(page)


@pytest.mark.parametrize("lang", LANGUAGES)
def test_the_too_many_attempts_page_is_accessible(page, assert_accessible, rate_limits, lang):
    allowed = int(EMAIL_LINK_LIMIT.split("/")[0])
    statuses = []
    for _ in range(allowed + 1):
        page.goto(f"/{lang}/auth/reset")
        page.fill("#email", "someone@example.org")
        statuses.append(submit(page))
    assert statuses == [200] * allowed + [429]  # back at the login page, then refused
    assert page.get_attribute("html", "lang") == lang
    assert_accessible(page)

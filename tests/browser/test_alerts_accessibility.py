"""Search alerts in a real browser, in Spanish and in English: every page of the journey
(the offer on an empty search, asking, a mistake at the field, the confirmation, the stop
page, a stop link used twice or tampered with, the account's list) has zero WCAG 2.1 A/AA
violations and, in Spanish, is walked with Tab. The journey also works without JavaScript.

Selectors are ids, names, URLs and landmarks, never translated words.
"""

from functools import partial

import pytest
from sqlalchemy import select

from app.extensions import db
from app.i18n import LANGUAGES
from app.models import SearchAlert
from app.services import alerts
from tests.browser.helpers import check_page, follow, log_in, path, submit
from tests.factories import make_offering, make_user

NOTHING = "/offerings/?q=rob%C3%B3tica+majadahonda"


@pytest.fixture
def check(page, assert_accessible):
    return partial(check_page, page, assert_accessible)


def the_alert(app, email):
    with app.app_context():
        alert = db.session.scalars(select(SearchAlert).filter_by(email=email)).one()
        return alerts.confirm_token(alert), alerts.stop_token(alert)


@pytest.mark.parametrize("lang", LANGUAGES)
def test_a_visitor_asks_confirms_and_stops_on_accessible_pages(app, page, check, lang):
    check(lang, NOTHING)
    follow(page, "main .search-alert-offer a")
    assert path(page) == f"/{lang}/alerts/new"
    check(lang)
    page.fill("#email", "not an address")
    assert submit(page) == 422
    check(lang)
    page.fill("#email", f"eva-{lang}@example.org")
    assert submit(page) == 200
    assert path(page) == f"/{lang}/offerings/"
    check(lang)

    confirm, stop = the_alert(app, f"eva-{lang}@example.org")
    check(lang, f"/alerts/confirm/{confirm}")
    check(lang, f"/alerts/stop/{stop}")
    assert submit(page) == 200
    check(lang)
    check(lang, f"/alerts/stop/{stop}", 410)
    check(lang, f"/alerts/stop/{stop[:-3]}xyz", 400)


@pytest.mark.parametrize("lang", LANGUAGES)
def test_an_account_holder_starts_and_lists_alerts_on_accessible_pages(app, page, check, lang):
    with app.app_context():
        make_offering(db.session, title_es="Drones y fotografía", title_en="Drones")
        make_user(db.session, email=f"ana-{lang}@example.org", language=lang)
        db.session.commit()
    assert log_in(page, f"ana-{lang}@example.org", lang=lang) == 200
    check(lang, "/account/alerts")  # none yet
    check(lang, "/offerings/?q=drones")  # the quieter link under the results
    check(lang, NOTHING)
    follow(page, "main .search-alert-offer a")
    check(lang)  # the alert's page: one button, the account's address
    assert submit(page, "main form") == 200
    assert path(page) == f"/{lang}/account/alerts"
    check(lang)


def test_asking_and_confirming_work_without_javascript(app, open_page):
    page = open_page(java_script_enabled=False)
    page.goto(f"/es{NOTHING}")
    follow(page, "main .search-alert-offer a")
    page.fill("#email", "sin-js@example.org")
    assert submit(page) == 200
    confirm, stop = the_alert(app, "sin-js@example.org")
    assert page.goto(f"/es/alerts/confirm/{confirm}").status == 200
    page.goto(f"/es/alerts/stop/{stop}")
    assert submit(page) == 200
    with app.app_context():
        assert db.session.scalars(select(SearchAlert)).all() == []

"""The back office's home as a member of staff meets it in the morning: today's and this
week's sessions, a waiting list, an offering with few enrolments and the day's changes,
checked with axe in both languages and walked with Tab."""

from datetime import timedelta

import pytest

from app.extensions import db
from app.i18n import LANGUAGES
from app.localtime import MADRID, local_midnight
from app.models import Role, utcnow
from app.services import audit, enrolment
from tests.browser.helpers import check_page, log_in
from tests.factories import make_offering, make_organisation, make_user, set_sessions


@pytest.fixture
def staff(app):
    with app.app_context():
        now = utcnow()
        own = make_organisation(db.session, name="Ayuntamiento de Las Rozas")
        staff = make_user(db.session, role=Role.ORGANISATION_STAFF, organisation=own)
        tomorrow = local_midnight(now.astimezone(MADRID).date() + timedelta(days=1))
        today = make_offering(db.session, provider=own, capacity=1, title_es="Taller de hoy")
        set_sessions(today, [(tomorrow - timedelta(minutes=90), tomorrow - timedelta(minutes=30))])
        soon = make_offering(db.session, provider=own, title_es="Bootcamp de datos")
        set_sessions(soon, [(tomorrow + timedelta(hours=17), tomorrow + timedelta(hours=19))])
        full = make_offering(db.session, provider=own, capacity=1, title_es="Robótica")
        for _ in range(2):
            person = make_user(db.session)
            enrolment.enrol(db.session, offering_id=full.id, user_id=person.id, now=now)
        audit.record(
            db.session,
            actor_id=staff.id,
            action="offering.update",
            entity_type="offering",
            entity_id=soon.id,
            summary=soon.external_id,
        )
        db.session.commit()
        return staff.email


@pytest.mark.parametrize("lang", LANGUAGES)
def test_the_home_of_the_back_office_is_accessible(page, assert_accessible, staff, lang):
    assert log_in(page, staff, lang=lang) == 200
    check_page(page, assert_accessible, lang, "/admin/")
    # Every box has something in it: each list item is a link.
    assert page.locator("main .agenda-item a").count() >= 5

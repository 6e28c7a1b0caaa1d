"""axe-core on the back-office pages that test_backoffice_flow.py does not visit, as an
administrator, in Spanish and in English: zero WCAG 2.1 A/AA violations, in each state
staff meet them in (with rows, with errors at fields, filtered). In Spanish each page is
also walked with Tab (every link, field and button reached, with a visible outline).

URLs come from the app's URL map (url_for), not from strings: a renamed route still
checks its page. Selectors are ids, names and landmarks, never translated words.
"""

from datetime import timedelta

import pytest
from flask import url_for
from sqlalchemy import select

from app.extensions import db
from app.i18n import LANGUAGES
from app.models import AuditEntry, OrganisationKind, Role, utcnow
from app.services import accounts, enrolment, organisations
from tests.browser.helpers import check_page, log_in, submit
from tests.factories import make_offering, make_organisation, make_user
from tests.services.test_importer import csv_bytes, row


@pytest.fixture
def world(app):
    """An offering with a confirmed participant (marked present at the first session) and
    one waiting; organisations and users; audit entries of those changes."""
    with app.app_context():
        now = utcnow()
        admin = make_user(db.session, role=Role.ADMIN)
        provider = make_organisation(db.session, name="Academia Código Oeste")
        staff = make_user(db.session, role=Role.ORGANISATION_STAFF, organisation=provider)
        offering = make_offering(db.session, provider=provider, capacity=1, sessions=2)
        confirmed, waiting = (
            enrolment.enrol(db.session, offering_id=offering.id, user_id=person.id, now=now)
            for person in (make_user(db.session), make_user(db.session))
        )
        enrolment.mark_attendance(
            db.session, offering.sessions[0], present=[confirmed.id], actor_id=admin.id, now=now
        )
        organisations.create_organisation(
            db.session,
            actor_id=admin.id,
            name="Fundación Talento Digital",
            kind=OrganisationKind.ASSOCIATION,
            sector="Educación",
            municipality_id=None,
            website="https://talento.example.org",
            contact_email=None,
        )
        newcomer = make_user(db.session)
        accounts.change_role(
            db.session,
            newcomer.id,
            actor_id=admin.id,
            role=Role.ORGANISATION_STAFF,
            organisation_id=provider.id,
        )
        db.session.commit()
        return {
            "admin": admin.email,
            "offering_id": offering.id,
            "session_id": offering.sessions[0].id,
            "confirmed_id": confirmed.id,
            "waiting_id": waiting.id,
            "organisation_id": provider.id,
            "user_id": staff.id,
            "entry_id": db.session.scalars(select(AuditEntry.id)).first(),
        }


@pytest.fixture
def admin_page(app, page, assert_accessible, world):
    """``(url, check)`` for a logged-in administrator: ``url(endpoint, **values)`` is
    url_for in the test's language, ``check(url=None, status=200)`` opens and audits it."""

    def start(lang):
        def url(endpoint, **values):
            with app.test_request_context():
                return url_for(endpoint, lang=lang, **values)

        def check(address=None, status=200):
            if address is not None:
                assert page.goto(address).status == status, address
            check_page(page, assert_accessible, lang)

        # A fresh login: the pages behind a password open.
        assert log_in(page, world["admin"], lang=lang) == 200
        return url, check

    return start


@pytest.mark.parametrize("lang", LANGUAGES)
def test_dashboard_and_participants_pages(page, admin_page, world, lang):
    url, check = admin_page(lang)
    offering = {"offering_id": world["offering_id"]}

    check(url("admin.dashboard"))
    check(url("admin.participant_enrol", **offering))
    assert submit(page) == 422  # no address
    check()
    check(url("admin.participant_promote", enrolment_id=world["waiting_id"]))
    check(url("admin.participant_cancel", enrolment_id=world["confirmed_id"]))
    check(url("admin.session_attendance", **offering, session_id=world["session_id"]))
    check(url("admin.offering_completion", **offering))
    check(url("admin.session_sign_in_sheet", **offering, session_id=world["session_id"]))
    check(url("admin.participants_message", **offering))
    assert submit(page) == 422  # nobody chosen, no subject, no text
    check()


@pytest.mark.parametrize("lang", LANGUAGES)
def test_organisation_pages(page, admin_page, world, lang):
    url, check = admin_page(lang)
    organisation = {"organisation_id": world["organisation_id"]}

    check(url("admin.organisations_index"))
    check(url("admin.organisations_index", q="zzz-nothing"))
    check(url("admin.organisation_create"))
    assert submit(page) == 422  # no name
    check()
    check(url("admin.organisation_edit", **organisation))
    page.fill("#name", "")
    page.fill("#website", "not a website")
    assert submit(page) == 422
    check()
    check(url("admin.organisation_membership", **organisation))
    page.check("#is_member")
    page.fill("#member_since", "2025-06-01")
    page.fill("#member_until", "2025-01-31")
    assert submit(page) == 422  # it ends before it starts
    check()


@pytest.mark.parametrize("lang", LANGUAGES)
def test_user_and_audit_log_pages(page, admin_page, world, lang):
    url, check = admin_page(lang)
    today = utcnow().date()

    check(url("admin.users_index"))
    check(url("admin.users_index", role="organisation-staff"))
    check(url("admin.user_role", user_id=world["user_id"]))
    page.select_option("#organisation", "")
    assert submit(page) == 422  # organisation staff need an organisation
    check()

    check(url("admin.audit_index"))
    check(
        url(
            "admin.audit_index",
            action="create",
            entity_type="organisation",
            since=(today - timedelta(days=7)).isoformat(),
        )
    )
    check(url("admin.audit_index", since=today.isoformat(), until="2000-01-01"), 400)
    check(url("admin.audit_entry", entry_id=world["entry_id"]))


@pytest.mark.parametrize("lang", LANGUAGES)
def test_import_pages(page, admin_page, lang):
    url, check = admin_page(lang)
    files = {
        "changes": csv_bytes([row(), row(external_id="LR-2025-002")]),
        "errors": csv_bytes([row(capacity="many", kind="spaceflight"), row(title_es="")]),
    }

    check(url("admin.import_check"))
    for name, status in (("errors", 422), ("changes", 200)):
        page.goto(url("admin.import_check"))
        page.set_input_files(
            "main input[type=file]",
            {"name": f"{name}.csv", "mimeType": "text/csv", "buffer": files[name]},
        )
        assert submit(page, "main form[enctype='multipart/form-data']") == status
        check()


@pytest.mark.parametrize("lang", LANGUAGES)
def test_indicator_pages(page, admin_page, world, lang):
    url, check = admin_page(lang)
    year = utcnow().year

    check(url("admin.indicators_index", year=year))
    check(url("admin.indicators_index", year=year, breakdown="programme"))
    page.fill("#outcome_es", "")
    assert submit(page, "form:has(#outcome_es)") == 422  # no outcome
    check()
    check(url("admin.indicators_report", year=year))

"""The ecosystem map in the back office, in both languages."""

from datetime import date
from types import SimpleNamespace

import pytest
from sqlalchemy import select

from app.extensions import db
from app.models import AuditEntry, Organisation, OrganisationKind, Role
from tests.conftest import csrf_token
from tests.factories import make_organisation, make_user


@pytest.fixture
def coordinator(app):
    # Rows are made in an app context of their own: requests must not share one (the
    # locale is cached per app context).
    with app.app_context():
        user = make_user(db.session, email="coordinator@example.org", role=Role.COORDINATOR)
        db.session.commit()
        return SimpleNamespace(id=user.id, email=user.email)


@pytest.fixture
def logged_in(client, auth, coordinator):
    auth.login(coordinator.email)
    return client


def post_form(client, path, **data):
    page = client.get(path)
    return client.post(path, data={"csrf_token": csrf_token(page.text), **data})


def make_map(app, count):
    with app.app_context():
        for number in range(count):
            make_organisation(db.session, name=f"Org {number:02}", sector="software")
        db.session.commit()


@pytest.mark.parametrize("lang", ["es", "en"])
def test_the_map_lists_organisations_in_both_languages(app, logged_in, lang):
    make_map(app, 2)
    response = logged_in.get(f"/{lang}/admin/organisations/")
    assert response.status_code == 200
    assert f'<html lang="{lang}"' in response.text
    assert "Org 00" in response.text and "Org 01" in response.text


def test_the_map_filters_on_the_database(app, logged_in):
    with app.app_context():
        make_organisation(db.session, name="Colegio Sol", kind=OrganisationKind.SCHOOL)
        make_organisation(db.session, name="Academia Oeste")
        db.session.commit()
    page = logged_in.get("/en/admin/organisations/?kind=school&member=no")
    assert "Colegio Sol" in page.text
    assert "Academia Oeste" not in page.text


def test_an_unknown_filter_value_is_a_400_with_the_message_at_the_field(logged_in):
    response = logged_in.get("/en/admin/organisations/?kind=spaceship&municipality=abc")
    assert response.status_code == 400
    assert 'aria-invalid="true"' in response.text


def test_the_map_takes_the_same_number_of_queries_for_any_page_size(app, logged_in, count_queries):
    app.config["ADMIN_PAGE_SIZE"] = 50
    try:
        make_map(app, 3)
        with count_queries() as few:
            assert logged_in.get("/es/admin/organisations/").status_code == 200
        with app.app_context():
            for number in range(30):
                make_organisation(db.session, name=f"More {number:02}")
            db.session.commit()
        with count_queries() as many:
            assert logged_in.get("/es/admin/organisations/").status_code == 200
    finally:
        app.config.pop("ADMIN_PAGE_SIZE")
    assert len(few) == len(many)


def test_a_coordinator_adds_an_organisation_and_it_is_audited(app, logged_in, coordinator):
    response = post_form(
        logged_in,
        "/es/admin/organisations/new",
        name="Academia Oeste",
        kind="training-provider",
        sector="software",
        municipality="",
        website="https://academia.example.org",
        contact_email="hola@academia.example.org",
    )
    assert response.status_code == 302
    with app.app_context():
        organisation = db.session.scalars(select(Organisation)).one()
        entry = db.session.scalars(select(AuditEntry)).one()
        assert organisation.website == "https://academia.example.org"
        assert (entry.actor_id, entry.entity_id) == (coordinator.id, organisation.id)
    assert response.location.endswith(f"/es/admin/organisations/{organisation.id}/edit")


@pytest.mark.parametrize(
    ("lang", "message"),
    [("es", "https://"), ("en", "Enter a web address that starts with https://")],
)
def test_an_invalid_website_is_refused_at_its_field(app, logged_in, lang, message):
    response = post_form(
        logged_in,
        f"/{lang}/admin/organisations/new",
        name="Academia Oeste",
        kind="company",
        website="javascript:alert(1)",
    )
    assert response.status_code == 422
    assert 'id="website-error"' in response.text
    assert 'aria-describedby="website-hint website-error"' in response.text
    assert message in response.text
    with app.app_context():
        assert db.session.scalars(select(Organisation)).all() == []


def test_a_form_without_its_fields_is_refused_not_a_500(logged_in):
    response = post_form(logged_in, "/en/admin/organisations/new")
    assert response.status_code == 422
    assert 'id="name-error"' in response.text


def test_editing_changes_the_details(app, logged_in):
    with app.app_context():
        organisation_id = make_organisation(db.session, name="Academia Oeste").id
        db.session.commit()
    path = f"/en/admin/organisations/{organisation_id}/edit"
    page = logged_in.get(path)
    assert 'value="Academia Oeste"' in page.text
    response = post_form(logged_in, path, name="Academia del Oeste", kind="company", sector="")
    assert response.status_code == 302
    with app.app_context():
        assert db.session.get(Organisation, organisation_id).name == "Academia del Oeste"


def test_a_missing_organisation_is_a_404(logged_in):
    assert logged_in.get("/en/admin/organisations/999999/edit").status_code == 404


@pytest.mark.parametrize(
    ("lang", "message"),
    [("es", "2024-02-08"), ("en", "The membership must end after it starts (2024-02-08).")],
)
def test_membership_that_ends_before_it_starts_is_refused(app, logged_in, lang, message):
    with app.app_context():
        organisation_id = make_organisation(db.session).id
        db.session.commit()
    response = post_form(
        logged_in,
        f"/{lang}/admin/organisations/{organisation_id}/membership",
        is_member="y",
        member_since="2024-02-08",
        member_until="2023-12-31",
    )
    assert response.status_code == 422
    assert 'id="member_until-error"' in response.text
    assert message in response.text
    with app.app_context():
        assert db.session.get(Organisation, organisation_id).is_member is False


def test_membership_is_saved_with_its_dates(app, logged_in):
    with app.app_context():
        organisation_id = make_organisation(db.session).id
        db.session.commit()
    response = post_form(
        logged_in,
        f"/es/admin/organisations/{organisation_id}/membership",
        is_member="y",
        member_since="2024-02-08",
    )
    assert response.status_code == 302
    with app.app_context():
        organisation = db.session.get(Organisation, organisation_id)
        assert (organisation.is_member, organisation.member_since) == (True, date(2024, 2, 8))


def test_membership_changes_ask_for_the_password_again(app, client, auth, coordinator):
    with app.app_context():
        organisation_id = make_organisation(db.session).id
        db.session.commit()
    auth.login(coordinator.email)
    with client.session_transaction() as session:
        session["_fresh"] = False
    response = client.get(f"/en/admin/organisations/{organisation_id}/membership")
    assert response.status_code == 302
    assert "/en/auth/reauthenticate" in response.location


def test_organisation_staff_may_not_edit_the_map(app, client, auth):
    with app.app_context():
        own = make_organisation(db.session)
        staff = make_user(db.session, role=Role.ORGANISATION_STAFF, organisation=own)
        db.session.commit()
        own_id, email = own.id, staff.email
    auth.login(email)
    app.config["WTF_CSRF_ENABLED"] = False
    try:
        response = client.post(
            f"/en/admin/organisations/{own_id}/edit", data={"name": "Mine now", "kind": "company"}
        )
    finally:
        app.config["WTF_CSRF_ENABLED"] = True
    assert response.status_code == 403

"""Users and roles in the back office, in both languages (administrators only)."""

from types import SimpleNamespace

import pytest
from sqlalchemy import select

from app.extensions import db
from app.models import AuditEntry, Role, User, utcnow
from tests.conftest import csrf_token
from tests.factories import make_organisation, make_user


def person(app, **fields):
    """Rows are made in an app context of their own: requests must not share one (the
    locale is cached per app context)."""
    with app.app_context():
        user = make_user(db.session, **fields)
        db.session.commit()
        return SimpleNamespace(id=user.id, email=user.email)


@pytest.fixture
def admin(app, client, auth):
    user = person(app, email="admin@example.org", name="Ada Admin", role=Role.ADMIN)
    auth.login(user.email)
    return user


def post_form(client, path, **data):
    page = client.get(path)
    return client.post(path, data={"csrf_token": csrf_token(page.text), **data})


@pytest.mark.parametrize("lang", ["es", "en"])
def test_the_list_shows_accounts_but_never_erased_ones(app, client, admin, lang):
    person(app, name="Lucía Pérez", email="lucia@example.org")
    person(app, name="Borrada", email="gone@example.org", erased_at=utcnow())
    response = client.get(f"/{lang}/admin/users/")
    assert response.status_code == 200
    assert f'<html lang="{lang}"' in response.text
    assert "lucia@example.org" in response.text
    assert "gone@example.org" not in response.text and "Borrada" not in response.text


def test_the_list_searches_by_name_or_email(app, client, admin):
    person(app, name="Lucía Pérez", email="lucia@example.org")
    person(app, name="Marta Ruiz", email="marta@example.org")
    response = client.get("/en/admin/users/?q=marta")
    assert "Marta Ruiz" in response.text and "Lucía Pérez" not in response.text


def test_the_list_takes_the_same_number_of_queries_however_many_accounts(
    app, client, admin, count_queries
):
    with count_queries() as few:
        client.get("/es/admin/users/")
    with app.app_context():
        organisation = make_organisation(db.session)
        for _ in range(20):
            make_user(db.session, role=Role.ORGANISATION_STAFF, organisation=organisation)
        db.session.commit()
    with count_queries() as many:
        client.get("/es/admin/users/")
    assert len(few) == len(many)


def test_an_admin_changes_a_role_and_it_is_audited(app, client, admin):
    with app.app_context():
        organisation_id = make_organisation(db.session, name="Academia Oeste").id
        db.session.commit()
    target = person(app)
    response = post_form(
        client,
        f"/en/admin/users/{target.id}/role",
        role="organisation-staff",
        organisation=str(organisation_id),
    )
    assert response.status_code == 302
    with app.app_context():
        user = db.session.get(User, target.id)
        assert (user.role, user.organisation_id) == (Role.ORGANISATION_STAFF, organisation_id)
        entry = db.session.scalars(select(AuditEntry)).one()
        assert (entry.actor_id, entry.before["role"], entry.after["role"]) == (
            admin.id,
            "resident",
            "organisation-staff",
        )


@pytest.mark.parametrize(
    ("lang", "message"),
    [
        ("es", 'id="organisation-error"'),
        ("en", "Organisation staff act for an organisation: choose which one."),
    ],
)
def test_organisation_staff_without_organisation_is_refused_at_the_field(
    app, client, admin, lang, message
):
    target = person(app)
    response = post_form(
        client, f"/{lang}/admin/users/{target.id}/role", role="organisation-staff", organisation=""
    )
    assert response.status_code == 422
    assert message in response.text


def test_an_admin_cannot_remove_their_own_admin_role(app, client, admin):
    response = post_form(client, f"/en/admin/users/{admin.id}/role", role="resident")
    assert response.status_code == 409
    assert "You cannot remove your own administrator role" in response.text
    with app.app_context():
        assert db.session.get(User, admin.id).role == Role.ADMIN


def test_mass_assignment_of_other_columns_is_ignored(app, client, admin):
    target = person(app, email="target@example.org")
    post_form(
        client,
        f"/en/admin/users/{target.id}/role",
        role="coordinator",
        email="attacker@example.org",
        erased_at="2020-01-01",
    )
    with app.app_context():
        user = db.session.get(User, target.id)
        assert (user.role, user.email, user.erased_at) == (
            Role.COORDINATOR,
            "target@example.org",
            None,
        )


def test_an_unknown_role_is_a_form_error(app, client, admin):
    target = person(app)
    response = post_form(client, f"/en/admin/users/{target.id}/role", role="emperor")
    assert response.status_code == 422
    assert 'id="role-error"' in response.text


def test_an_erased_account_is_not_found(app, client, admin):
    erased = person(app, erased_at=utcnow())
    assert client.get(f"/en/admin/users/{erased.id}/role").status_code == 404


def test_role_changes_ask_for_the_password_again(app, client, admin):
    target = person(app)
    with client.session_transaction() as session:
        session["_fresh"] = False
    response = client.get(f"/es/admin/users/{target.id}/role")
    assert response.status_code == 302
    assert "/es/auth/reauthenticate" in response.location


def test_a_coordinator_may_not_manage_users(app, client, auth):
    coordinator = person(app, role=Role.COORDINATOR)
    auth.login(coordinator.email)
    assert client.get("/en/admin/users/").status_code == 403

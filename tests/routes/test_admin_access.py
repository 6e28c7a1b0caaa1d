"""The back office's access rule, checked on every route of the URL map for every role.

A new back-office route with no declared permission, or with an argument this test does not
know how to fill, fails here: access is never an afterthought.
"""

import pytest

from app.admin.access import ROLE_PERMISSIONS, Permission
from app.models import Role
from app.services import applications
from tests.factories import (
    make_application,
    make_call,
    make_offering,
    make_organisation,
    make_school,
    make_teacher,
    make_user,
)
from tests.url_map import url_map_world

ROLES = [None, *Role]  # None: nobody logged in


def admin_rules(app):
    return [rule for rule in app.url_map.iter_rules() if rule.endpoint.startswith("admin.")]


def test_every_back_office_view_declares_its_permission(app):
    rules = admin_rules(app)
    assert rules, "the back office has no routes"
    undeclared = [
        rule.endpoint
        for rule in rules
        if not isinstance(
            getattr(app.view_functions[rule.endpoint], "permission", None), Permission
        )
    ]
    assert undeclared == []


@pytest.fixture
def world(app, session):
    """One organisation's offering with a participant, its class-mode offering with a
    school's class, a teacher asking to join that school, a call with an application, and
    a user of every role."""
    own = make_organisation(session, name="Own organisation")
    participant = make_user(session)
    world = url_map_world(
        session,
        own=own,
        offering=make_offering(session, provider=own),
        participant=participant,
        teacher=make_teacher(session, make_school(session)),
    )
    users = world.pop("users")
    world.pop("classes")
    call = make_call(session, provider=own)
    application = make_application(session, call)
    session.commit()
    return {
        **world,
        "user_id": participant.id,
        "application_id": application.id,
        "criterion_id": applications.criteria(session, call.id)[0].id,
        "emails": {role: user.email for role, user in users.items()},
    }


def urls(app, world):
    for rule in admin_rules(app):
        values = {"lang": "es"}
        for argument in rule.arguments - {"lang"}:
            assert argument in world, f"{rule.endpoint}: teach this test to fill <{argument}>"
            values[argument] = world[argument]
        path = rule.build(values, append_unknown=False)[1]
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            yield rule.endpoint, method, path


@pytest.mark.parametrize("role", ROLES, ids=lambda role: role.value if role else "anonymous")
def test_each_role_reaches_exactly_the_back_office_it_is_allowed(app, client, auth, world, role):
    if role is not None:
        auth.login(world["emails"][role])
    app.config["WTF_CSRF_ENABLED"] = False  # the rule under test runs after CSRF
    wrong = []
    try:
        for endpoint, method, path in urls(app, world):
            permission = app.view_functions[endpoint].permission
            response = client.open(path, method=method)
            if role is None:
                allowed = response.status_code == 302 and "/auth/login" in response.location
                expected = "redirect to login"
            elif permission in ROLE_PERMISSIONS[role]:
                allowed = response.status_code not in (401, 403, 500)
                expected = "allowed"
            else:
                allowed = response.status_code == 403
                expected = "403"
            if not allowed:
                wrong.append(f"{method} {path}: {response.status_code}, expected {expected}")
    finally:
        app.config["WTF_CSRF_ENABLED"] = True
    assert wrong == []


def test_staff_of_no_organisation_act_for_nobody(client, auth, session):
    user = make_user(session, role=Role.ORGANISATION_STAFF)
    session.commit()
    auth.login(user.email)
    assert client.get("/es/admin/").status_code == 403


@pytest.mark.parametrize("role", list(Role), ids=lambda role: role.value)
def test_the_header_links_to_the_back_office_for_those_who_may_use_it(client, auth, world, role):
    auth.login(world["emails"][role])
    html = client.get("/en/").text
    link = '<a href="/en/admin/">Back office</a>' in html
    assert link == (Permission.USE_BACK_OFFICE in ROLE_PERMISSIONS[role])

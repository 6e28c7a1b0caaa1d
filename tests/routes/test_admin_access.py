"""The back office's access rule, checked on every route of the URL map for every role.

A new back-office route with no declared permission, or with an argument this test does not
know how to fill, fails here: access is never an afterthought.
"""

import pytest

from app.admin.access import ROLE_PERMISSIONS, Permission
from app.models import Role
from app.services import applications
from tests.factories import (
    class_details,
    make_application,
    make_call,
    make_class_offering,
    make_offering,
    make_organisation,
    make_school,
    make_teacher,
    make_user,
)

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
    school's class, a teacher asking to join that school, and a user of every role."""
    own = make_organisation(session, name="Own organisation")
    offering = make_offering(session, provider=own)
    participant = make_user(session)
    from app.models import utcnow
    from app.services import audit, enrolment, schools

    place = enrolment.enrol(session, offering_id=offering.id, user_id=participant.id, now=utcnow())
    entry = audit.record(
        session,
        actor_id=None,
        action="update",
        entity_type="organisation",
        entity_id=own.id,
        summary=own.name,
        before={"sector": None},
        after={"sector": "software"},
    )
    school = make_school(session)
    teacher = make_teacher(session, school)
    classes = make_class_offering(session, provider=own)
    registration = schools.register_class(
        session,
        offering_id=classes.id,
        teacher_id=teacher.id,
        session_ids=[classes.sessions[0].id],
        details=class_details(),
        now=utcnow(),
    )
    membership = schools.request_membership(
        session, user_id=make_user(session).id, school_id=school.id, now=utcnow()
    )
    users = {
        role: make_user(session, role=role, organisation=own if role != Role.RESIDENT else None)
        for role in Role
    }
    call = make_call(session, provider=own)
    application = make_application(session, call)
    session.commit()
    return {
        "offering_id": offering.id,
        "enrolment_id": place.id,
        "organisation_id": own.id,
        "user_id": participant.id,
        "session_id": offering.sessions[0].id,
        "entry_id": entry.id,
        "reg_id": registration.id,
        "membership_id": membership.id,
        "application_id": application.id,
        "criterion_id": applications.criteria(session, call.id)[0].id,
        "year": utcnow().year,
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

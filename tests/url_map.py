"""Something behind the arguments of the URL map, for the tests that walk it (the back
office's access rule in tests/routes/test_admin_access.py, every route in tests/property):
one organisation's offering with a confirmed place, an audit entry about the organisation,
a school's class in its class-mode offering, a colleague asking to join the school, and a
person of every role. Each test adds what only it needs."""

from app.models import Offering, Organisation, Role, User, utcnow
from app.services import audit, enrolment, schools
from tests.factories import class_details, make_class_offering, make_user


def url_map_world(
    session,
    *,
    own: Organisation,
    offering: Offering,
    participant: User,
    teacher: User,
    actor_id: int | None = None,
    **class_fields,
) -> dict:
    """The ids the URL map's arguments take, ``users`` (one per role, of ``own`` but the
    resident) and ``classes`` (the class-mode offering, ``class_fields`` its own)."""
    now = utcnow()
    place = enrolment.enrol(session, offering_id=offering.id, user_id=participant.id, now=now)
    entry = audit.record(
        session,
        actor_id=actor_id,
        action="update",
        entity_type="organisation",
        entity_id=own.id,
        summary=own.name,
        before={"sector": None},
        after={"sector": "software"},
    )
    school = teacher.organisation
    classes = make_class_offering(session, provider=own, **class_fields)
    registration = schools.register_class(
        session,
        offering_id=classes.id,
        teacher_id=teacher.id,
        session_ids=[classes.sessions[0].id],
        details=class_details(),
        now=now,
    )
    colleague = make_user(session)
    membership = schools.request_membership(
        session, user_id=colleague.id, school_id=school.id, now=now
    )
    users = {
        role: make_user(session, role=role, organisation=own if role != Role.RESIDENT else None)
        for role in Role
    }
    return {
        "offering_id": offering.id,
        "enrolment_id": place.id,
        "organisation_id": own.id,
        "session_id": offering.sessions[0].id,
        "entry_id": entry.id,
        "reg_id": registration.id,
        "membership_id": membership.id,
        "year": now.year,
        "classes": classes,
        "users": users,
    }

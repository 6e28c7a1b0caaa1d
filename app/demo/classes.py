"""The demo's schools, teachers and classes, read from schools.toml.

Teachers are made once and found again by email; schools are upserted by name; each class
is registered through the class registration service as its offering opens, so the seats,
the waiting list and the pages agree. Running it again adds nobody and nothing twice."""

from datetime import datetime, timedelta
from itertools import count

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.models import (
    LIST_SEPARATOR,
    ClassRegistration,
    ClassRules,
    Municipality,
    Offering,
    Organisation,
    OrganisationKind,
    Role,
    Stage,
    User,
)
from app.services import schools


def _school(session: Session, name: str, municipality: Municipality) -> Organisation:
    school = session.scalar(select(Organisation).where(Organisation.name == name))
    if school is None:
        school = Organisation(name=name, kind=OrganisationKind.SCHOOL, municipality=municipality)
        session.add(school)
        session.flush()
    return school


def _person(session: Session, name: str, number: int, now: datetime) -> User:
    """A demo account without a password (nobody can log in as it)."""
    email = f"demo.teacher.{number:03d}@example.org"
    user = session.scalar(select(User).where(User.email == email))
    if user is None:
        user = User(email=email, name=name, password_hash=None, role=Role.RESIDENT)
        user.created_at = user.email_confirmed_at = now
        session.add(user)
        session.flush()
    return user


def _teacher(session: Session, user: User, school: Organisation, coordinator: bool, now) -> None:
    if schools.live_membership(session, user.id) is None:
        schools.add_teacher(session, user, school, coordinator=coordinator, now=now)


def _rules(session: Session, offering: Offering, demo: dict) -> None:
    rules = session.get(ClassRules, offering.id) or ClassRules(offering_id=offering.id)
    rules.stages = LIST_SEPARATOR.join(demo["stages"])
    rules.max_classes_per_school = demo.get("max_classes_per_school")
    rules.pupils_per_teacher = demo.get("pupils_per_teacher")
    session.add(rules)


def _register(session: Session, offering: Offering, school, teacher, demo: dict, now) -> None:
    registered = session.scalar(
        select(ClassRegistration.id).where(
            ClassRegistration.offering_id == offering.id,
            ClassRegistration.school_id == school.id,
            ClassRegistration.group_key == schools.group_key(demo["group"]),
        )
    )
    if registered is not None or offering.enrolment_opens is None:
        return
    when = min(offering.enrolment_opens + timedelta(hours=1), now)
    sessions = [
        offering.sessions[index].id for index in [demo["session"], *demo.get("alternatives", [])]
    ]
    reg = schools.register_class(
        session,
        offering_id=offering.id,
        teacher_id=teacher.id,
        session_ids=sessions,
        details=schools.ClassDetails(
            group_name=demo["group"],
            stage=Stage(demo["stage"]),
            grade=demo["grade"],
            pupils=demo["pupils"],
            teachers=demo["teachers"],
            accessibility=demo.get("accessibility", ""),
            phone="916 000 000",
        ),
        now=when,
    )
    if "present" in demo and reg.meeting.ends_at <= now:
        schools.mark_present(session, reg, pupils_present=demo["present"], actor_id=None)


def seed_classes(session: Session, data: dict, now: datetime) -> None:
    """Schools, teachers (one coordinator each), a proposed school, a request waiting, the
    class rules and the classes of schools.toml."""
    places = {m.slug: m for m in session.scalars(select(Municipality))}
    offerings = {o.external_id: o for o in session.scalars(select(Offering))}
    numbers = count(1)
    teachers = {}
    for demo in data["school"]:
        school = _school(session, demo["name"], places[demo["municipality"]])
        for index, name in enumerate(demo["teachers"]):
            user = _person(session, name, next(numbers), now)
            _teacher(session, user, school, coordinator=index == 0, now=now)
            teachers.setdefault(school.name, (school, user))
    for demo in data["proposal"]:
        user = _person(session, demo["teacher"], next(numbers), now)
        if schools.live_membership(session, user.id) is None:
            schools.request_membership(
                session,
                user_id=user.id,
                proposed_name=demo["name"],
                municipality_id=places[demo["municipality"]].id,
                now=now,
            )
    for demo in data["request"]:
        user = _person(session, demo["teacher"], next(numbers), now)
        if schools.live_membership(session, user.id) is None:
            school = teachers[demo["school"]][0]
            schools.request_membership(session, user_id=user.id, school_id=school.id, now=now)
    for demo in data["rules"]:
        _rules(session, offerings[demo["external_id"]], demo)
    session.flush()
    for demo in data["class"]:
        school, teacher = teachers[demo["school"]]
        _register(session, offerings[demo["external_id"]], school, teacher, demo, now)
    session.flush()

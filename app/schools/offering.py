"""What a class-mode offering's public page shows about class registration: its rules, the
pupils each session still takes, and what the visitor can do (register a class, or what to
do to be allowed to)."""

from dataclasses import dataclass

from flask_login import current_user
from sqlalchemy.orm import Session

from app.models import ClassRules, Offering, Organisation, SchoolMembership
from app.services import schools


@dataclass(frozen=True)
class ClassRegistrationInfo:
    rules: ClassRules
    seats: list[schools.SessionSeats]
    school: Organisation | None  # the visitor's, when a teacher
    membership: SchoolMembership | None  # a request waiting, when not a teacher yet
    classes: int  # the school's live registrations in this offering


def class_registration(session: Session, offering: Offering) -> ClassRegistrationInfo:
    school = schools.school_of(current_user) if current_user.is_authenticated else None
    membership = None
    if current_user.is_authenticated and school is None:
        membership = schools.live_membership(session, current_user.id)
    return ClassRegistrationInfo(
        rules=schools.rules_of(session, offering),
        seats=schools.session_seats(session, offering),
        school=school,
        membership=membership,
        classes=schools.live_classes(session, offering.id, school.id) if school else 0,
    )

"""Staff set how a class-mode offering takes classes: stages, classes per school, teachers
per pupils and the capacity of each session."""

from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Session

from app.models import LIST_SEPARATOR, MAX_CAPACITY, ClassRules, Mode, Offering, Stage
from app.services import audit
from app.services.catalogue import freshness
from app.services.enrolment import lock_offering
from app.services.errors import Conflict, DomainError
from app.services.schools.places import promote_classes
from app.services.schools.rules import ensure_class_sessions

RULE_FIELDS = ("stages", "max_classes_per_school", "pupils_per_teacher")
_record_offering = audit.recorder("offering")


def save_rules(
    session: Session,
    offering: Offering,
    *,
    stages: list[Stage],
    max_classes_per_school: int | None,
    pupils_per_teacher: int | None,
    capacities: dict[int, int],
    actor_id: int,
    now: datetime,
) -> list:
    """Set the class rules and each session's capacity (never below the pupils it has
    taken); more room goes to the waiting classes in the same transaction."""
    if offering.mode != Mode.CLASS:
        raise Conflict(_l("This offering does not take class registrations."))
    if not stages:
        raise DomainError(_l("Choose one stage at least."), "stages")
    lock_offering(session, offering.id)
    rules = session.get(ClassRules, offering.id)
    if rules is None:
        rules = ClassRules(offering_id=offering.id)
        session.add(rules)
    before = audit.snapshot(rules, RULE_FIELDS)
    rules.stages = LIST_SEPARATOR.join(stage.value for stage in stages)
    rules.max_classes_per_school = max_classes_per_school
    rules.pupils_per_teacher = pupils_per_teacher
    rows = ensure_class_sessions(session, offering)
    problems = []
    for index, meeting in enumerate(offering.sessions):
        row, capacity = rows[meeting.id], capacities.get(meeting.id, rows[meeting.id].capacity)
        before[f"session {meeting.id}"] = row.capacity
        if not 0 <= capacity <= MAX_CAPACITY or capacity < row.pupils_taken:
            problems.append(
                (
                    f"capacities-{index}",
                    _l(
                        "Between %(taken)s (the pupils already confirmed) and %(max)s.",
                        taken=row.pupils_taken,
                        max=MAX_CAPACITY,
                    ),
                )
            )
            continue
        row.capacity = capacity
    if problems:
        raise DomainError(problems=problems)
    session.flush()
    after = audit.snapshot(rules, RULE_FIELDS)
    after |= {f"session {meeting.id}": rows[meeting.id].capacity for meeting in offering.sessions}
    old, new = audit.changed(before, after)
    if new:
        summary = f"{offering.external_id}: class rules"
        freshness.bump_version(session)  # the offering page shows the class rules
        _record_offering(session, offering, actor_id, "offering.class_rules", summary, old, new)
    return promote_classes(session, offering_id=offering.id, now=now, actor_id=actor_id)

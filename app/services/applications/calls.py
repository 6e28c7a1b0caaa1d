"""A call for applications: its window, its published criteria and its reviewers.

A call is an offering in application mode. Criteria are set by staff before the call opens
and published on the offering's page: once it has opened they stay as the applicants read
them, and once any review has been scored they are frozen, so every application was written
and scored against the same criteria and weights."""

import enum
from dataclasses import dataclass
from datetime import datetime

from flask_babel import LazyString
from flask_babel import lazy_gettext as _l
from sqlalchemy import exists, func, select
from sqlalchemy.orm import Session

from app.models import (
    Application,
    ApplicationCriterion,
    CallReviewer,
    Mode,
    Offering,
    OfferingStatus,
    Review,
    ReviewScore,
    Role,
    User,
)
from app.services import audit
from app.services.catalogue import freshness
from app.services.errors import Conflict, DomainError, NotFound

_record_offering = audit.recorder("offering")

CRITERION_FIELDS = (
    "name_es",
    "name_en",
    "description_es",
    "description_en",
    "weight",
    "scale_max",
    "position",
)


class CallState(enum.StrEnum):
    NOT_A_CALL = "not-a-call"
    NOT_YET_OPEN = "not-yet-open"
    OPEN = "open"
    CLOSED = "closed"
    CANCELLED = "cancelled"


def call_state(offering: Offering, now: datetime) -> CallState:
    """Applications are sent from the opening to the deadline (the enrolment window)."""
    if offering.mode != Mode.APPLICATION:
        return CallState.NOT_A_CALL
    if offering.status == OfferingStatus.CANCELLED:
        return CallState.CANCELLED
    if offering.status != OfferingStatus.PUBLISHED:
        return CallState.CLOSED
    if offering.enrolment_opens and now < offering.enrolment_opens:
        return CallState.NOT_YET_OPEN
    deadline = offering.enrolment_deadline
    if deadline and now >= deadline:
        return CallState.CLOSED
    return CallState.OPEN


def check_call_open(offering: Offering, now: datetime) -> None:
    state = call_state(offering, now)
    if state == CallState.NOT_A_CALL:
        raise Conflict(_l("This offering does not take applications."))
    if state == CallState.NOT_YET_OPEN:
        raise Conflict(_l("The call for applications has not opened yet."))
    if state != CallState.OPEN:
        raise DomainError(
            _l("The call for applications is closed: the deadline has passed."), status_code=410
        )


def criteria(session: Session, offering_id: int) -> list[ApplicationCriterion]:
    return list(
        session.scalars(
            select(ApplicationCriterion)
            .where(ApplicationCriterion.offering_id == offering_id)
            .order_by(ApplicationCriterion.position, ApplicationCriterion.id)
        )
    )


def criteria_frozen(session: Session, offering_id: int) -> bool:
    """True once any review of the call holds a score."""
    return bool(
        session.scalar(
            select(
                exists()
                .where(ReviewScore.review_id == Review.id)
                .where(Review.application_id == Application.id)
                .where(Application.offering_id == offering_id)
            )
        )
    )


@dataclass(frozen=True)
class CriterionAnswers:
    name_es: str
    name_en: str | None
    description_es: str | None
    description_en: str | None
    weight: int
    scale_max: int
    position: int = 0


FROZEN = _l(
    "The criteria cannot change any more: reviewers have already scored applications against them."
)
OPENED = _l(
    "The criteria cannot change any more: the call has opened, and applicants apply knowing "
    "them. Define the criteria before the call opens."
)


def call_opened(offering: Offering, now: datetime) -> bool:
    """Published (or since closed, cancelled or archived) with its opening passed; a call
    with no opening date opens when it is published."""
    if offering.status == OfferingStatus.DRAFT:
        return False
    return call_state(offering, now) != CallState.NOT_YET_OPEN


def criteria_lock(session: Session, offering: Offering, now: datetime) -> LazyString | None:
    """Why the call's criteria can no longer be added, changed or deleted; None while they
    can (a draft, or a call that has not opened yet and holds no score)."""
    if criteria_frozen(session, offering.id):
        return FROZEN
    if call_opened(offering, now):
        return OPENED
    return None


def _check_changeable(session: Session, offering: Offering, now: datetime) -> None:
    if offering.mode != Mode.APPLICATION:
        raise Conflict(_l("Only offerings in application mode have selection criteria."))
    locked = criteria_lock(session, offering, now)
    if locked is not None:
        raise Conflict(locked)


def get_criterion(session: Session, offering: Offering, criterion_id: int) -> ApplicationCriterion:
    criterion = session.scalar(
        select(ApplicationCriterion).where(
            ApplicationCriterion.id == criterion_id,
            ApplicationCriterion.offering_id == offering.id,
        )
    )
    if criterion is None:
        raise NotFound(_l("This criterion does not exist."))
    return criterion


def save_criterion(
    session: Session,
    offering: Offering,
    answers: CriterionAnswers,
    *,
    actor_id: int,
    now: datetime,
    criterion: ApplicationCriterion | None = None,
) -> ApplicationCriterion:
    """Add a criterion to the call, or change one, before the call opens."""
    _check_changeable(session, offering, now)
    action = "criterion.update" if criterion else "criterion.create"
    before = audit.snapshot(criterion, CRITERION_FIELDS) if criterion else {}
    if criterion is None:
        criterion = ApplicationCriterion(offering_id=offering.id)
        session.add(criterion)
    for name in CRITERION_FIELDS:
        setattr(criterion, name, getattr(answers, name))
    session.flush()
    after = audit.snapshot(criterion, CRITERION_FIELDS)
    before, after = audit.changed(before, after)
    freshness.bump_version(session)  # the call's page publishes its criteria
    _record_offering(
        session,
        offering,
        actor_id,
        action,
        f"Criterion {criterion.id} of offering {offering.id}: {criterion.name_es}",
        before=before,
        after=after,
    )
    return criterion


def delete_criterion(
    session: Session,
    offering: Offering,
    criterion: ApplicationCriterion,
    *,
    actor_id: int,
    now: datetime,
) -> None:
    _check_changeable(session, offering, now)
    freshness.bump_version(session)
    _record_offering(
        session,
        offering,
        actor_id,
        "criterion.delete",
        f"Criterion {criterion.id} of offering {offering.id} deleted: {criterion.name_es}",
        before=audit.snapshot(criterion, CRITERION_FIELDS),
    )
    session.delete(criterion)
    session.flush()


def may_review(user: User, offering: Offering) -> bool:
    """Staff of the offering's organisation, and the partnership's coordinators."""
    if user.role in (Role.COORDINATOR, Role.ADMIN):
        return True
    return user.role == Role.ORGANISATION_STAFF and user.organisation_id == offering.provider_id


def reviewers(session: Session, offering_id: int) -> list[User]:
    """Who reviews the call, by name."""
    reviewing = select(CallReviewer.user_id).where(CallReviewer.offering_id == offering_id)
    return list(session.scalars(select(User).where(User.id.in_(reviewing)).order_by(User.name)))


def add_reviewer(
    session: Session, offering: Offering, *, email: str, actor_id: int, now: datetime
) -> User:
    user = session.scalar(select(User).where(func.lower(User.email) == email.strip().lower()))
    if user is None or not user.is_active:
        raise NotFound(_l("There is no account with this email address."), "email")
    if not may_review(user, offering):
        raise DomainError(
            _l(
                "Only staff of the organisation that runs this call, or the partnership's "
                "coordinators, can review it."
            ),
            "email",
        )
    if session.get(CallReviewer, (offering.id, user.id)) is None:
        session.add(CallReviewer(offering_id=offering.id, user_id=user.id, added_at=now))
        session.flush()
        _record_offering(
            session,
            offering,
            actor_id,
            "reviewer.add",
            f"{user.name} reviews offering {offering.id}",
            after={"reviewer": user.id},
        )
    return user


def remove_reviewer(session: Session, offering: Offering, user_id: int, *, actor_id: int) -> None:
    """Their reviews stay (they were given); they no longer see the call."""
    row = session.get(CallReviewer, (offering.id, user_id))
    if row is None:
        raise NotFound(_l("This person does not review this call."))
    session.delete(row)
    _record_offering(
        session,
        offering,
        actor_id,
        "reviewer.remove",
        f"Reviewer {user_id} removed from offering {offering.id}",
        before={"reviewer": user_id},
    )
    session.flush()


def reviewed_calls(session: Session, user_id: int) -> list[Offering]:
    """The calls this person reviews, soonest deadline first."""
    reviewed = select(CallReviewer.offering_id).where(CallReviewer.user_id == user_id)
    stmt = select(Offering).where(Offering.id.in_(reviewed))
    return list(session.scalars(stmt.order_by(Offering.enrolment_closes, Offering.id)))

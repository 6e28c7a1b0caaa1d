"""Staff decide: shortlist, accept up to the cohort size, a ranked reserve list, not
selected with a message. Decisions stay pending, changeable, until staff send them all in
one step; each applicant is then emailed in their own language.

A pending acceptance takes its seat at once, so no set of decisions can exceed the
cohort, however many staff decide at the same time."""

from dataclasses import dataclass
from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.models import Application, ApplicationStatus, Decision, Offering
from app.services import audit
from app.services.applications.reviews import REVIEWABLE
from app.services.applications.seats import (
    confirm_deadline,
    give_back_place,
    take_place,
)
from app.services.applications.states import notify, transition
from app.services.errors import Conflict, DomainError

_record_application = audit.recorder("application")

# Staff decide on what reviewers review, and on the reserve list too.
DECIDABLE = (*REVIEWABLE, ApplicationStatus.RESERVE)
OUTCOME = {
    Decision.SHORTLIST: ApplicationStatus.SHORTLISTED,
    Decision.ACCEPT: ApplicationStatus.ACCEPTED,
    Decision.RESERVE: ApplicationStatus.RESERVE,
    Decision.NOT_SELECTED: ApplicationStatus.NOT_SELECTED,
}
OUTCOME_OF = {status: decision for decision, status in OUTCOME.items()}


def _next_rank(session: Session, offering_id: int) -> int:
    highest = session.scalar(
        select(func.max(Application.reserve_rank)).where(Application.offering_id == offering_id)
    )
    return (highest or 0) + 1


def set_decision(
    session: Session,
    application: Application,
    decision: Decision | None,
    *,
    message: str = "",
    rank: int | None = None,
    actor_id: int,
) -> Application:
    """Record (or with None, clear) the pending decision on one application."""
    if application.status not in DECIDABLE:
        raise Conflict(_l("This application cannot be decided on now."), "decision")
    if decision == Decision.NOT_SELECTED and not message.strip():
        raise DomainError(
            _l("Tell the applicant why, in a few words: the message goes in their email."),
            "message",
        )
    if decision is not None and decision == OUTCOME_OF.get(application.status):
        raise Conflict(_l("The applicant has already been told this."), "decision")
    before = {
        "decision": application.pending_decision,
        "message": application.pending_message,
        "rank": application.reserve_rank,
    }
    was_accept = application.pending_decision == Decision.ACCEPT
    if decision == Decision.ACCEPT and not was_accept:
        take_place(session, application.offering_id)
    elif was_accept and decision != Decision.ACCEPT:
        give_back_place(session, application.offering_id)
    application.pending_decision = decision
    application.pending_message = message.strip() or None
    if decision == Decision.RESERVE:
        application.reserve_rank = (
            rank or application.reserve_rank or _next_rank(session, application.offering_id)
        )
    session.flush()
    after = {
        "decision": decision,
        "message": application.pending_message,
        "rank": application.reserve_rank,
    }
    before, after = audit.changed(before, after)
    _record_application(
        session,
        application,
        actor_id,
        "application.decide",
        f"Decision on application {application.id}: {decision.value if decision else 'none'}",
        before=before,
        after=after,
    )
    return application


@dataclass
class Sent:
    counts: dict[ApplicationStatus, int]

    @property
    def total(self) -> int:
        return sum(self.counts.values())


def pending(session: Session, offering_id: int) -> list[Application]:
    """The call's applications with a decision set but not yet sent, in the order they came."""
    decided = Application.pending_decision.is_not(None)
    stmt = select(Application).where(Application.offering_id == offering_id, decided)
    return list(session.scalars(stmt.order_by(Application.id)))


def send_decisions(session: Session, offering: Offering, *, actor_id: int, now: datetime) -> Sent:
    """Apply every pending decision of the call and email each applicant."""
    counts = dict.fromkeys(OUTCOME.values(), 0)
    for application in pending(session, offering.id):
        decision = application.pending_decision
        status = OUTCOME[decision]
        values = {
            "pending_decision": None,
            "pending_message": None,
            "decision_message": application.pending_message,
            "decided_at": now,
        }
        if status == ApplicationStatus.ACCEPTED:
            values |= {"accepted_at": now, "confirm_by": confirm_deadline(offering, now)}
        reason = f"decision-{decision.value}"
        if not transition(session, application, status, now, actor_id, reason, **values):
            continue  # withdrawn while staff were deciding: its seat went with it
        session.flush()
        notify(session, application)
        counts[status] += 1
    summary = ", ".join(f"{status.value}: {count}" for status, count in counts.items())
    audit.recorder("offering")(
        session,
        offering,
        actor_id,
        "applications.send",
        f"Decisions sent for offering {offering.id}: {summary}",
        after={status.value: count for status, count in counts.items()},
    )
    return Sent(counts)

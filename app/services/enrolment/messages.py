"""Staff messages to an offering's participants, one outbox email per person in their
own language."""

from collections.abc import Collection

from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import Session, contains_eager

from app.models import (
    Enrolment,
    EnrolmentStatus,
    Offering,
    User,
)
from app.services import audit
from app.services.errors import DomainError
from app.services.mail import outbox

_record_offering = audit.recorder("offering")

MESSAGE_AUDIENCES = (EnrolmentStatus.CONFIRMED, EnrolmentStatus.WAITING)


def message_participants(
    session: Session,
    offering: Offering,
    *,
    statuses: Collection[EnrolmentStatus],
    subject: str,
    body: str,
    actor_id: int,
) -> int:
    """One email per person with a place of these statuses, through the outbox, in each
    person's language around the staff member's words. Returns how many were written."""
    statuses = [status for status in MESSAGE_AUDIENCES if status in statuses]
    if not statuses:
        raise DomainError(_l("Choose who receives the message."), "audience")
    subject, body = subject.strip(), body.strip()
    if not subject:
        raise DomainError(_l("Write a subject."), "subject")
    if not body:
        raise DomainError(_l("Write the message."), "body")
    recipients = session.scalars(
        select(Enrolment)
        .join(Enrolment.user)
        .options(contains_eager(Enrolment.user))
        .where(
            Enrolment.offering_id == offering.id,
            Enrolment.status.in_(statuses),
            User.email.is_not(None),
        )
        .order_by(Enrolment.id)
    ).all()
    for enrolment in recipients:
        outbox.send_to_user(
            session,
            enrolment.user,
            "staff_message",
            enrolment=enrolment,
            offering=offering,
            message_subject=subject,
            message_body=body,
        )
    summary = f"Message to {len(recipients)} participants of offering {offering.id}: {subject}"
    sent = {
        "statuses": [status.value for status in statuses],
        "recipients": len(recipients),
        "subject": subject,
        "body": body,
    }
    _record_offering(session, offering, actor_id, "offering.message", summary, after=sent)
    return len(recipients)

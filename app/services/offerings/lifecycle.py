"""An offering's status: publish, unpublish, cancel and archive, each audited."""

from datetime import datetime

from flask_babel import LazyString, lazy_ngettext
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select
from sqlalchemy.orm import Session as DbSession

from app.models import (
    LIVE_CLASS_STATUSES,
    LIVE_ENROLMENT_STATUSES,
    ClassRegistration,
    Enrolment,
    Offering,
    OfferingStatus,
)
from app.models.types import utcnow
from app.services import alerts, schools
from app.services.errors import Conflict
from app.services.offerings import notices
from app.services.offerings.rules import (
    audit_summary,
    check_publishable,
    missing_english,
    record_offering,
)


def _live(session: DbSession, model, statuses, offering_id: int) -> int:
    return (
        session.scalar(
            select(func.count())
            .select_from(model)
            .where(model.offering_id == offering_id, model.status.in_(statuses))
        )
        or 0
    )


def live_count(session: DbSession, offering_id: int) -> int:
    """People holding a place or waiting for one."""
    return _live(session, Enrolment, LIVE_ENROLMENT_STATUSES, offering_id)


def live_class_count(session: DbSession, offering_id: int) -> int:
    """Classes confirmed or waiting (a class-mode offering's participants)."""
    return _live(session, ClassRegistration, LIVE_CLASS_STATUSES, offering_id)


def refuse_while_live(
    session: DbSession, offering_id: int, people_message, class_message, field=None
) -> None:
    """Raise Conflict (at ``field``) while anyone holds or awaits a place: people
    (``people_message``) or classes (``class_message``), each a function of the count giving
    a lazy plural, so a change that would leave them stranded never goes through."""
    people = live_count(session, offering_id)
    if people:
        raise Conflict(people_message(people), field)
    classes = live_class_count(session, offering_id)
    if classes:
        raise Conflict(class_message(classes), field)


def _set_status(
    session: DbSession,
    offering: Offering,
    status: OfferingStatus,
    action: str,
    actor_id: int | None,
    source: str | None = None,
) -> None:
    before = offering.status
    offering.status = status
    session.flush()
    summary = audit_summary(offering, f"{before.value} -> {status.value}", source)
    old, new = {"status": before.value}, {"status": status.value}
    record_offering(session, offering, actor_id, action, summary, old, new)


def publish(
    session: DbSession, offering: Offering, *, actor_id: int | None, source: str | None = None
) -> list:
    """Show a draft in the catalogue. Returns warnings (English text missing)."""
    if offering.status != OfferingStatus.DRAFT:
        raise Conflict(_l("Only a draft can be published."))
    check_publishable(offering, has_sessions=bool(offering.sessions))
    _set_status(session, offering, OfferingStatus.PUBLISHED, "offering.publish", actor_id, source)
    alerts.offering_published(session, offering.id, utcnow())
    missing = missing_english(offering)
    if not missing:
        return []
    # Lazy as a whole, so the field names are in the reader's language too.
    return [
        LazyString(
            lambda: _(
                "Published. The English text is missing (%(fields)s): English readers see the "
                "Spanish text.",
                fields=", ".join(str(name) for name in missing),
            )
        )
    ]


def unpublish(
    session: DbSession, offering: Offering, *, actor_id: int | None, source: str | None = None
) -> None:
    """Back to draft, only while nobody holds or awaits a place (they would lose sight of it)."""
    if offering.status != OfferingStatus.PUBLISHED:
        raise Conflict(_l("Only a published offering can be unpublished."))
    refuse_while_live(
        session,
        offering.id,
        lambda num: lazy_ngettext(
            "%(num)d person has a place or is waiting: cancel the offering instead.",
            "%(num)d people have a place or are waiting: cancel the offering instead.",
            num,
        ),
        lambda num: lazy_ngettext(
            "%(num)d class is registered or waiting: cancel the offering instead.",
            "%(num)d classes are registered or waiting: cancel the offering instead.",
            num,
        ),
    )
    _set_status(session, offering, OfferingStatus.DRAFT, "offering.unpublish", actor_id, source)


def cancel(
    session: DbSession, offering: Offering, *, actor_id: int | None, now: datetime
) -> list[Enrolment | ClassRegistration]:
    """Cancel a published offering, in one transaction: every participant's place and every
    school's class ends and each person or teacher is told (notices.cancel_offering,
    schools.end_offering_classes). Returns the places and classes ended. Cancelling again
    (a repeated submit) changes and records nothing."""
    if offering.status == OfferingStatus.CANCELLED:
        return []
    ended = notices.cancel_offering(session, offering.id, now, actor_id=actor_id)
    classes = schools.end_offering_classes(session, offering.id, now=now, actor_id=actor_id)
    record_offering(
        session,
        offering,
        actor_id,
        "offering.cancel",
        f"{offering.external_id}: published -> cancelled",
        before={"status": OfferingStatus.PUBLISHED.value},
        after={
            "status": OfferingStatus.CANCELLED.value,
            "participants_told": len(ended),
            "classes_told": len(classes),
        },
    )
    return [*ended, *classes]


def archive(session: DbSession, offering: Offering, *, actor_id: int | None, now: datetime) -> None:
    """Take an offering out of the catalogue for good (it stays in reports)."""
    if offering.status == OfferingStatus.ARCHIVED:
        raise Conflict(_l("This offering is already archived."))
    ended = offering.ends_at is not None and offering.ends_at <= now
    if offering.status == OfferingStatus.PUBLISHED and not ended:
        refuse_while_live(
            session,
            offering.id,
            lambda num: lazy_ngettext(
                "%(num)d person has a place or is waiting and the offering has not "
                "ended: cancel it instead.",
                "%(num)d people have a place or are waiting and the offering has not "
                "ended: cancel it instead.",
                num,
            ),
            lambda num: lazy_ngettext(
                "%(num)d class is registered or waiting and the offering has not "
                "ended: cancel it instead.",
                "%(num)d classes are registered or waiting and the offering has not "
                "ended: cancel it instead.",
                num,
            ),
        )
    _set_status(session, offering, OfferingStatus.ARCHIVED, "offering.archive", actor_id)

"""Changing an application's status (compare-and-set, with its history) and telling the
applicant, in their language, through the outbox."""

from datetime import datetime

from sqlalchemy import func, nulls_last, select, update
from sqlalchemy.orm import Session
from sqlalchemy.orm.attributes import set_committed_value

from app.models import Application, ApplicationEvent, ApplicationStatus
from app.services import indicators
from app.services.indicators.definitions import APPLICATIONS
from app.services.mail import outbox

# The reserve list moves in this order: the rank staff gave, then the older application.
RESERVE_ORDER = (nulls_last(Application.reserve_rank.asc()), Application.id)


def transition(
    session: Session,
    application: Application,
    status: ApplicationStatus,
    now: datetime,
    actor_id: int | None,
    reason: str,
    **values,
) -> bool:
    """Set ``status`` (and ``values``) only if the application still has the status we
    read. False, and the row reloaded, when a concurrent transaction changed it first."""
    changes = {"status": status, "updated_at": now, **values}
    result = session.execute(
        update(Application)
        .where(Application.id == application.id, Application.status == application.status)
        .values(**changes)
        .execution_options(synchronize_session=False)
    )
    if result.rowcount != 1:
        session.refresh(application)
        return False
    for name, value in changes.items():
        set_committed_value(application, name, value)
    session.add(
        ApplicationEvent(
            application_id=application.id, status=status, at=now, actor_id=actor_id, reason=reason
        )
    )
    indicators.offering_changed(session, application.offering_id, APPLICATIONS)
    return True


def reserve_position(session: Session, application: Application) -> int | None:
    """1 for the first on the reserve list; None when not on it."""
    if application.status != ApplicationStatus.RESERVE:
        return None
    ids = session.scalars(
        select(Application.id)
        .where(
            Application.offering_id == application.offering_id,
            Application.status == ApplicationStatus.RESERVE,
        )
        .order_by(*RESERVE_ORDER)
    ).all()
    return ids.index(application.id) + 1


def reserve_count(session: Session, offering_id: int) -> int:
    return session.scalar(
        select(func.count())
        .select_from(Application)
        .where(
            Application.offering_id == offering_id,
            Application.status == ApplicationStatus.RESERVE,
        )
    )


def notify(session: Session, application: Application, **context) -> None:
    """The email about the application's status as it now is."""
    user = application.user
    if user is None or not user.email or user.erased_at is not None:
        return
    outbox.send_to_user(
        session,
        user,
        "application_status",
        application=application,
        offering=application.offering,
        position=reserve_position(session, application),
        **context,
    )

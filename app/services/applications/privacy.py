"""An applicant's data: their copy of it, and what closing the account leaves behind.

Closing the account withdraws every application to a programme not yet started (a place it
held goes to the reserve list), deletes the pitch decks and empties the answers; what the
figures count stays (call, dates, status, municipality at submission)."""

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.models import Application, Offering
from app.services import storage
from app.services.applications.applying import withdraw


def export_rows(session: Session, user_id: int) -> list[dict]:
    rows = session.scalars(
        select(Application).where(Application.user_id == user_id).order_by(Application.id)
    )
    return [
        {
            "id": row.id,
            "offering": row.offering_id,
            "status": row.status.value,
            "project_name": row.project_name,
            "description": row.description,
            "stage": row.stage.value if row.stage else None,
            "sector": row.sector,
            "team_size": row.team_size,
            "website": row.website,
            "expectations": row.expectations,
            "pitch_deck_bytes": row.pitch_deck_size,
            "submitted_at": row.submitted_at.isoformat() if row.submitted_at else None,
            "decision_message": row.decision_message,
            "history": [
                {"status": event.status.value, "at": event.at.isoformat(), "reason": event.reason}
                for event in row.events
            ],
        }
        for row in rows
    ]


def erase_applicant(session: Session, user_id: int, *, now: datetime) -> list[Application]:
    """Returns the reserve applications offered a place that the person gave up."""
    offered = []
    rows = session.scalars(
        select(Application)
        .join(Offering, Application.offering_id == Offering.id)
        .where(Application.user_id == user_id)
        .order_by(Application.id)
    ).all()
    for application in rows:
        starts = application.offering.starts_at
        if not application.status.is_closed and (starts is None or starts > now):
            offered += withdraw(session, application, now=now, actor_id=user_id)
        if application.pitch_deck_key:
            storage.delete_after_commit(session, application.pitch_deck_key)
        application.pitch_deck_key = application.pitch_deck_size = None
        application.description = application.expectations = application.website = None
    session.flush()
    return offered

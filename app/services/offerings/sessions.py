"""An offering's dated sessions, kept so that attendance stays with the session it was
marked for."""

from collections.abc import Sequence

from flask_babel import lazy_ngettext
from sqlalchemy import select
from sqlalchemy.orm import Session as DbSession

from app.models import (
    Attendance,
    Offering,
    OfferingSession,
)
from app.services.offerings.rules import OfferingInvalid, SessionRow, _session_spans


def set_sessions(session: DbSession, offering: Offering, rows: Sequence[SessionRow]) -> bool:
    """Make the offering's sessions exactly ``rows``, keeping stored ones by id (their
    attendance stays with them). A session with attendance marked is never removed.
    Returns whether anything changed. The rows are assumed checked (see _check_data)."""
    stored = {item.id: item for item in offering.sessions}
    kept_ids = {row.id for row in rows if row.id in stored}
    removed = [item for item_id, item in stored.items() if item_id not in kept_ids]
    if removed:
        marked = session.scalars(
            select(Attendance.session_id)
            .where(Attendance.session_id.in_([item.id for item in removed]))
            .distinct()
        ).all()
        if marked:
            raise OfferingInvalid(
                [
                    (
                        "sessions",
                        lazy_ngettext(
                            "%(num)d session you removed already has attendance marked; "
                            "keep it, or change its date instead.",
                            "%(num)d sessions you removed already have attendance marked; "
                            "keep them, or change their dates instead.",
                            len(marked),
                        ),
                    )
                ],
                status_code=409,
            )
    before = _session_spans(offering)
    sessions = []
    for row in sorted(rows, key=lambda item: item.starts_at):
        item = stored.get(row.id) if row.id is not None else None
        item = item or OfferingSession()
        item.starts_at, item.ends_at = row.starts_at, row.ends_at
        item.venue, item.address = row.venue or None, row.address or None
        sessions.append(item)
    offering.sessions = sessions
    offering.starts_at = sessions[0].starts_at if sessions else None
    offering.ends_at = max(item.ends_at for item in sessions) if sessions else None
    return _session_spans(offering) != before

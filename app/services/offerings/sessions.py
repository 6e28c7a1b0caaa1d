"""An offering's dated sessions, kept so that attendance stays with the session it was
marked for."""

from collections.abc import Sequence
from datetime import datetime

from flask_babel import lazy_ngettext
from sqlalchemy import select, union
from sqlalchemy.orm import Session as DbSession

from app.models import (
    Attendance,
    ClassChoice,
    ClassEvent,
    Offering,
    OfferingSession,
)
from app.services.offerings.rules import OfferingInvalid, SessionRow, session_spans


def _keep_sessions(problem) -> None:
    raise OfferingInvalid([("sessions", problem)], status_code=409)


def set_sessions(session: DbSession, offering: Offering, rows: Sequence[SessionRow]) -> bool:
    """Make the offering's sessions exactly ``rows``, keeping stored ones by id (their
    attendance stays with them). A session with attendance marked, or that classes chose, is
    never removed.
    Returns whether anything changed. The rows are assumed checked (see check_data)."""
    stored = {item.id: item for item in offering.sessions}
    kept_ids = {row.id for row in rows if row.id in stored}
    removed = [item for item_id, item in stored.items() if item_id not in kept_ids]
    if removed:
        removed_ids = [item.id for item in removed]
        marked = session.scalars(
            select(Attendance.session_id).where(Attendance.session_id.in_(removed_ids)).distinct()
        ).all()
        if marked:
            _keep_sessions(
                lazy_ngettext(
                    "%(num)d session you removed already has attendance marked; "
                    "keep it, or change its date instead.",
                    "%(num)d sessions you removed already have attendance marked; "
                    "keep them, or change their dates instead.",
                    len(marked),
                )
            )
        # A class's chosen sessions and every session its history names.
        booked = session.scalars(
            union(
                select(ClassChoice.session_id).where(ClassChoice.session_id.in_(removed_ids)),
                select(ClassEvent.session_id).where(ClassEvent.session_id.in_(removed_ids)),
            )
        ).all()
        if booked:
            _keep_sessions(
                lazy_ngettext(
                    "%(num)d session you removed has classes registered for it; keep "
                    "it, or change its date instead.",
                    "%(num)d sessions you removed have classes registered for them; "
                    "keep them, or change their dates instead.",
                    len(booked),
                )
            )
    before = session_spans(offering)
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
    return session_spans(offering) != before


def match_sessions(
    offering: Offering, spans: Sequence[tuple[datetime, datetime]]
) -> list[SessionRow]:
    """Rows for ``spans`` (a spreadsheet's sessions, which carry no ids) that keep the
    stored sessions they stand for: one at the same times first, then, in date order, the
    stored sessions left over pair with the new times left over (a session moved to another
    day is the same session, and keeps its attendance and its own venue)."""
    unclaimed = list(offering.sessions)
    claimed: dict[int, OfferingSession] = {}
    for index, (start, end) in enumerate(spans):
        same = next(
            (item for item in unclaimed if (item.starts_at, item.ends_at) == (start, end)), None
        )
        if same is not None:
            unclaimed.remove(same)
            claimed[index] = same
    moved = iter(sorted(unclaimed, key=lambda item: item.starts_at))
    rows = []
    for index, (start, end) in sorted(enumerate(spans), key=lambda pair: pair[1]):
        stored = claimed.get(index) or next(moved, None)
        if stored is None:
            rows.append(SessionRow(start, end))
        else:
            rows.append(SessionRow(start, end, stored.venue, stored.address, id=stored.id))
    return rows

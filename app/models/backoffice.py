"""What the back office records: attendance per session and the audit log."""

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import db
from app.models.accounts import User
from app.models.types import UTCDateTime, outlives, owned_by, utcnow


class Attendance(db.Model):
    """Whether a participant came to one session; absent rows mean "not marked yet"."""

    enrolment_id: Mapped[int] = owned_by("enrolment", primary_key=True)
    session_id: Mapped[int] = owned_by("session", primary_key=True, index=True)
    present: Mapped[bool]
    marked_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    marked_by_id: Mapped[int | None] = outlives("user_account")


class AuditEntry(db.Model):
    """Who changed what in the back office, before and after, and when."""

    __table_args__ = (sa.Index("ix_audit_entry_entity", "entity_type", "entity_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, index=True)
    actor_id: Mapped[int | None] = outlives("user_account", index=True)
    action: Mapped[str] = mapped_column(sa.String(64), index=True)
    entity_type: Mapped[str] = mapped_column(sa.String(40))
    entity_id: Mapped[int | None]
    summary: Mapped[str] = mapped_column(sa.String(300))
    before: Mapped[dict | None] = mapped_column(sa.JSON)
    after: Mapped[dict | None] = mapped_column(sa.JSON)

    actor: Mapped[User | None] = relationship()

"""Reading the audit log: search, one page newest first, and an entry's before and after.

(Writing it is ``services.audit.record``, called by each back-office service.)
"""

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import Select, select
from sqlalchemy.orm import Session, joinedload

from app.localtime import local_midnight
from app.models import AuditEntry, User
from app.services.errors import NotFound
from app.services.pagination import Page, contains_text, paginate, where_chosen


@dataclass(frozen=True)
class AuditFilters:
    actor_email: str = ""
    action: str = ""
    entity_type: str = ""
    entity_id: int | None = None
    since: date | None = None  # Madrid calendar days, both included
    until: date | None = None
    q: str = ""  # free text in the summary


@dataclass(frozen=True)
class FieldChange:
    name: str
    before: Any
    after: Any

    @property
    def changed(self) -> bool:
        return self.before != self.after


def _filtered(filters: AuditFilters) -> Select:
    stmt = select(AuditEntry).options(joinedload(AuditEntry.actor))
    if filters.actor_email:
        stmt = stmt.join(User, AuditEntry.actor_id == User.id).where(
            contains_text(filters.actor_email, User.email)
        )
    stmt = where_chosen(
        stmt,
        (AuditEntry.action, filters.action),
        (AuditEntry.entity_type, filters.entity_type),
        (AuditEntry.entity_id, filters.entity_id),
    )
    if filters.since is not None:
        stmt = stmt.where(AuditEntry.at >= local_midnight(filters.since))
    if filters.until is not None:
        stmt = stmt.where(AuditEntry.at < local_midnight(filters.until + timedelta(days=1)))
    if filters.q:
        stmt = stmt.where(contains_text(filters.q, AuditEntry.summary))
    return stmt.order_by(AuditEntry.at.desc(), AuditEntry.id.desc())


def search_entries(session: Session, filters: AuditFilters, *, page: int, per_page: int) -> Page:
    """One page of matching entries, newest first; two queries whatever the page size."""
    return paginate(session, _filtered(filters), page=page, per_page=per_page)


def known_values(session: Session) -> tuple[list[str], list[str]]:
    """The actions and the entity types the log holds, for the search form's choices."""
    actions = session.scalars(select(AuditEntry.action).distinct().order_by(AuditEntry.action))
    types = session.scalars(
        select(AuditEntry.entity_type).distinct().order_by(AuditEntry.entity_type)
    )
    return list(actions), list(types)


def get_entry(session: Session, entry_id: int) -> AuditEntry:
    entry = session.scalar(
        select(AuditEntry).where(AuditEntry.id == entry_id).options(joinedload(AuditEntry.actor))
    )
    if entry is None:
        raise NotFound(_l("There is no such entry in the audit log."))
    return entry


def compare(entry: AuditEntry) -> list[FieldChange]:
    """Every field of the entry's before and after, side by side, in the order recorded."""
    before, after = entry.before or {}, entry.after or {}
    names = list(dict.fromkeys([*before, *after]))
    return [FieldChange(name, before.get(name), after.get(name)) for name in names]

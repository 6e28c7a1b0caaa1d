"""Writing the store: a group of a year's values replaced by what the facts say now
(``refresh``, ``rebuild``), freezing a year once reported, and unfreezing it with a reason.

A frozen year is never written again, by the feed or a rebuild: the figures reported stay
what they were, even after people erase their accounts."""

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from app.models import IndicatorValue, IndicatorYear, Role, User
from app.services import audit
from app.services.errors import Conflict, DomainError, Forbidden
from app.services.indicators import definitions as d
from app.services.indicators.compute import GROUPS, Values, compute

FIRST_YEAR = 2000


@dataclass(frozen=True)
class Change:
    code: str
    dimension: str
    key: str
    before: int | None
    after: int | None


class YearFrozen(Conflict):
    def __init__(self, year: int):
        super().__init__(
            _l("%(year)s is frozen: its reported figures cannot change.", year=year), "year"
        )


def check_year(year: int, now: datetime) -> None:
    """A year the store can hold: not before the partnership's software, not in the future."""
    if not FIRST_YEAR <= year <= now.year:
        raise DomainError(
            _l("Choose a year from %(first)s to %(last)s.", first=FIRST_YEAR, last=now.year),
            "year",
        )


def is_frozen(session: Session, year: int) -> bool:
    return (
        session.scalar(
            select(IndicatorYear.frozen_at.is_not(None)).where(IndicatorYear.year == year)
        )
        or False
    )


def stored_values(session: Session, year: int, codes: Iterable[str] | None = None) -> Values:
    query = select(IndicatorValue).where(IndicatorValue.year == year)
    if codes is not None:
        query = query.where(IndicatorValue.code.in_(list(codes)))
    return {(v.code, v.dimension, v.key): v.value for v in session.scalars(query)}


def _codes(groups: Iterable[str]) -> list[str]:
    return [indicator.code for group in groups for indicator in d.in_group(group)]


def write(session: Session, year: int, groups: Iterable[str], values: Values) -> list[Change]:
    """Replace the stored values of ``groups`` in ``year`` by ``values``; the changes.
    A zero is not stored: a figure missing from the store is zero."""
    codes = _codes(groups)
    values = {cell: value for cell, value in values.items() if value}
    before = stored_values(session, year, codes)
    changes = [
        Change(*cell, before.get(cell), values.get(cell))
        for cell in sorted(set(before) | set(values))
        if before.get(cell) != values.get(cell)
    ]
    if changes:
        session.execute(
            delete(IndicatorValue).where(
                IndicatorValue.year == year, IndicatorValue.code.in_(codes)
            )
        )
    if changes and values:
        session.execute(
            IndicatorValue.__table__.insert(),
            [
                {"code": code, "year": year, "dimension": dim, "key": key, "value": value}
                for (code, dim, key), value in values.items()
            ],
        )
    return changes


def refresh(session: Session, year: int | None, *groups: str) -> None:
    """Count ``groups`` of ``year`` again from the facts (the feed of staff actions: a class
    confirmed, attendance marked, an application decided). A frozen year is left alone."""
    if year is None or is_frozen(session, year):
        return
    write(session, year, groups, compute(session, year, groups))


def rebuild(
    session: Session, year: int, *, now: datetime, progress: Callable[[str], None] | None = None
) -> list[Change]:
    """Every stored indicator of ``year`` counted again from the facts; what changed.
    Idempotent: a second run changes nothing. Refuses a frozen year."""
    check_year(year, now)
    if is_frozen(session, year):
        raise YearFrozen(year)
    changes = []
    for group in GROUPS:
        changes += write(session, year, [group], compute(session, year, [group]))
        if progress is not None:
            progress(group)
    return changes


def _record_year(session: Session, row: IndicatorYear, actor_id: int, action, summary, *changes):
    """An audit entry for a year of the store (its id is the year)."""
    audit.record(
        session,
        actor_id=actor_id,
        action=action,
        entity_type="indicator_year",
        entity_id=row.year,
        summary=summary,
        before=changes[0] if changes else None,
        after=changes[1] if changes else None,
    )


def freeze(session: Session, year: int, *, actor: User, now: datetime) -> IndicatorYear:
    """The year's figures as reported: rebuilt one last time, then never written again."""
    if is_frozen(session, year):
        raise YearFrozen(year)
    rebuild(session, year, now=now)
    row = session.get(IndicatorYear, year) or IndicatorYear(year=year)
    row.frozen_at, row.frozen_by_id = now, actor.id
    session.add(row)
    session.flush()
    _record_year(session, row, actor.id, "indicators.freeze", f"Indicators of {year} frozen")
    return row


def unfreeze(session: Session, year: int, *, actor: User, reason: str) -> None:
    """Only an admin, and only with a reason, which the audit log keeps."""
    if actor.role != Role.ADMIN:
        raise Forbidden(_l("Only an administrator can unfreeze a year."))
    reason = " ".join((reason or "").split())
    if not reason:
        raise DomainError(_l("Say why the year is unfrozen: the reason is logged."), "reason")
    row = session.get(IndicatorYear, year)
    if row is None or row.frozen_at is None:
        raise Conflict(_l("%(year)s is not frozen.", year=year), "year")
    before = {"frozen_at": row.frozen_at}
    row.frozen_at, row.frozen_by_id = None, None
    session.flush()
    summary = f"Indicators of {year} unfrozen: {reason}"
    after = {"frozen_at": None, "reason": reason}
    _record_year(session, row, actor.id, "indicators.unfreeze", summary, before, after)

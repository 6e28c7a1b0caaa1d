"""Writing the store: a group of a year's values replaced by what the facts say now
(``refresh``, ``rebuild``), the feed's deltas folded in (``compact``), freezing a year once
reported, and unfreezing it with a reason.

A figure is its stored value plus the deltas the feed appended since. The feed holds a year's
lock shared (feeds never wait for each other); a rebuild or a freeze holds it alone, so it
counts every committed fact and removes exactly the deltas it counted.

A frozen year is never written again, by the feed or a rebuild: the figures reported stay
what they were, even after people erase their accounts."""

from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import delete, func, select, union_all
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from app.models import IndicatorDelta, IndicatorValue, IndicatorYear, Role, User
from app.services import audit
from app.services.errors import Conflict, DomainError, Forbidden
from app.services.indicators import definitions as d
from app.services.indicators.compute import GROUPS, Values, compute

FIRST_YEAR = 2000
# The first key of the store's PostgreSQL advisory locks (the second is the year).
LOCK_CLASS = 0x4D4F54
DIALECT_INSERT = {"postgresql": postgresql.insert, "sqlite": sqlite.insert}
# An audit entry for a year of the store: its id is the year.
_record_year = audit.recorder("indicator_year", key="year")


def dialect_insert(session: Session, model):
    """INSERT with ``on_conflict_...`` for the session's database."""
    return DIALECT_INSERT[session.get_bind().dialect.name](model)


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


def lock_year(session: Session, year: int, *, alone: bool = False, groups=()) -> None:
    """Take the year's lock until the transaction ends: shared by the feed, ``alone`` by a
    rebuild or a freeze; and each of ``groups`` alone (two re-counts of one group must not
    both replace it). On SQLite every writer is already alone once it has written, and a
    rebuild writes first (its year's row) to be so before it counts."""
    if session.get_bind().dialect.name == "postgresql":
        lock = func.pg_advisory_xact_lock if alone else func.pg_advisory_xact_lock_shared
        session.execute(select(lock(LOCK_CLASS, year)))
        for group in sorted(groups):
            number = LOCK_CLASS + 1 + list(GROUPS).index(group)
            session.execute(select(func.pg_advisory_xact_lock(number, year)))
    elif alone:
        table = IndicatorYear.__table__
        statement = dialect_insert(session, IndicatorYear).values(year=year)
        session.execute(
            statement.on_conflict_do_update(
                index_elements=["year"], set_={"frozen_at": table.c.frozen_at}
            )
        )


def is_frozen(session: Session, year: int) -> bool:
    return (
        session.scalar(
            select(IndicatorYear.frozen_at.is_not(None)).where(IndicatorYear.year == year)
        )
        or False
    )


def _cells(model, year: int, codes: list[str] | None):
    query = select(model.code, model.dimension, model.key, model.value).where(model.year == year)
    return query if codes is None else query.where(model.code.in_(codes))


def stored_values(session: Session, year: int, codes: Iterable[str] | None = None) -> Values:
    """The year's figures: stored values plus the feed's deltas (a zero is no figure)."""
    codes = None if codes is None else list(codes)
    cells = union_all(
        _cells(IndicatorValue, year, codes), _cells(IndicatorDelta, year, codes)
    ).subquery()
    total = func.sum(cells.c.value)
    rows = session.execute(
        select(cells.c.code, cells.c.dimension, cells.c.key, total)
        .group_by(cells.c.code, cells.c.dimension, cells.c.key)
        .having(total != 0)
    )
    return {(code, dimension, key): int(value) for code, dimension, key, value in rows}


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
        for model in (IndicatorValue, IndicatorDelta):
            session.execute(delete(model).where(model.year == year, model.code.in_(codes)))
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
    if year is None:
        return
    lock_year(session, year, groups=groups)
    if not is_frozen(session, year):
        write(session, year, groups, compute(session, year, groups))


def rebuild(
    session: Session, year: int, *, now: datetime, progress: Callable[[str], None] | None = None
) -> list[Change]:
    """Every stored indicator of ``year`` counted again from the facts; what changed.
    Idempotent: a second run changes nothing. Refuses a frozen year."""
    check_year(year, now)
    lock_year(session, year, alone=True)
    if is_frozen(session, year):
        raise YearFrozen(year)
    changes = []
    for group in GROUPS:
        changes += write(session, year, [group], compute(session, year, [group]))
        if progress is not None:
            progress(group)
    return changes


def years_with_changes(session: Session) -> list[int]:
    """The years with deltas not yet folded."""
    return list(
        session.scalars(select(IndicatorDelta.year).distinct().order_by(IndicatorDelta.year))
    )


def compact(session: Session, year: int) -> int:
    """Fold the year's deltas into its stored values; how many were folded. The figures do
    not change, and a feed writing meanwhile keeps its deltas for the next time."""
    lock_year(session, year)
    folded = session.execute(
        delete(IndicatorDelta)
        .where(IndicatorDelta.year == year)
        .returning(
            IndicatorDelta.code, IndicatorDelta.dimension, IndicatorDelta.key, IndicatorDelta.value
        )
    ).all()
    sums: Counter = Counter()
    for code, dimension, key, value in folded:
        sums[(code, dimension, key)] += value
    table = IndicatorValue.__table__
    for (code, dimension, key), value in sorted(sums.items()):
        statement = dialect_insert(session, IndicatorValue).values(
            code=code, year=year, dimension=dimension, key=key, value=value
        )
        session.execute(
            statement.on_conflict_do_update(
                index_elements=["code", "year", "dimension", "key"],
                set_={"value": table.c.value + statement.excluded.value},
            )
        )
    session.execute(delete(IndicatorValue).where(IndicatorValue.year == year, table.c.value == 0))
    return len(folded)


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

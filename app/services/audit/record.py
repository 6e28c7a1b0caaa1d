"""The audit log: who changed what in the back office, with the fields before and after.

Services call ``record`` in the same transaction as the change they describe, so an entry
exists exactly when the change was committed. ``snapshot`` turns a row into the JSON-able
dict stored in ``before``/``after``; ``changed`` keeps only the fields that differ.
"""

import enum
from collections.abc import Callable, Iterable, Mapping
from datetime import date, datetime
from decimal import Decimal

from sqlalchemy.orm import Session

from app.models import AuditEntry

SUMMARY_LENGTH = 300


def _jsonable(value):
    # Before the str check: our enums are str subclasses, and the slug is what we store.
    if isinstance(value, enum.Enum):
        return value.value
    if value is None or isinstance(value, bool | int | float | str):
        return value
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, Mapping):
        return {str(key): _jsonable(item) for key, item in value.items()}
    if isinstance(value, Iterable):
        return [_jsonable(item) for item in value]
    return str(value)


def snapshot(obj, fields: Iterable[str]) -> dict:
    """The chosen attributes of a row (or any object) as a JSON-able dict."""
    return {name: _jsonable(getattr(obj, name)) for name in fields}


def changed(before: dict, after: dict) -> tuple[dict, dict]:
    """Only the keys whose value differs, from each side."""
    keys = [key for key in after if before.get(key) != after.get(key)]
    keys += [key for key in before if key not in after]
    return (
        {key: before.get(key) for key in keys},
        {key: after.get(key) for key in keys},
    )


def record(
    session: Session,
    actor_id: int | None,
    action: str,
    entity_type: str,
    entity_id: int | None,
    summary: str,
    before: dict | None = None,
    after: dict | None = None,
) -> AuditEntry:
    """Add an audit entry to the current transaction (the caller commits with its change).
    Callers name each value; ``recorder`` passes them in order."""
    entry = AuditEntry(
        actor_id=actor_id,
        action=action,
        entity_type=entity_type,
        entity_id=entity_id,
        summary=str(summary)[:SUMMARY_LENGTH],
        before=_jsonable(before) if before is not None else None,
        after=_jsonable(after) if after is not None else None,
    )
    session.add(entry)
    session.flush()
    return entry


def recorder(entity_type: str, key: str = "id") -> Callable[..., AuditEntry]:
    """``record`` for one kind of row, which it names by its id (or the attribute ``key``):
    ``recorder("offering")(session, offering, actor_id, action, summary, before, after)``."""

    def record_row(
        session: Session,
        row,
        actor_id: int | None,
        action: str,
        summary: str,
        before: dict | None = None,
        after: dict | None = None,
    ) -> AuditEntry:
        entity_id = getattr(row, key)
        return record(session, actor_id, action, entity_type, entity_id, summary, before, after)

    return record_row

"""The audit log: services record who changed what in the same transaction as the change;
the back office searches and reads it."""

from app.services.audit.log import (
    AuditFilters,
    FieldChange,
    compare,
    get_entry,
    known_values,
    search_entries,
)
from app.services.audit.record import (
    SUMMARY_LENGTH,
    changed,
    record,
    recorder,
    snapshot,
)

__all__ = [
    "SUMMARY_LENGTH",
    "AuditFilters",
    "FieldChange",
    "changed",
    "compare",
    "get_entry",
    "known_values",
    "record",
    "recorder",
    "search_entries",
    "snapshot",
]

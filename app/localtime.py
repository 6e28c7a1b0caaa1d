"""The partnership's clock: every date a person reads is Europe/Madrid, stored ones are UTC."""

from datetime import UTC, date, datetime, time
from zoneinfo import ZoneInfo

MADRID = ZoneInfo("Europe/Madrid")


def local_isoformat(value: datetime | None) -> str | None:
    """ISO 8601 with the Madrid offset (``2025-03-04T18:00:00+01:00``), for open data."""
    return value.astimezone(MADRID).isoformat(timespec="seconds") if value else None


def local_midnight(day: date) -> datetime:
    """The instant (UTC) a Madrid calendar day begins: date filters are days as people read them."""
    return datetime.combine(day, time.min, tzinfo=MADRID).astimezone(UTC)

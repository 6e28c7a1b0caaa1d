"""Search alerts: "email me when a matching offering is published", from a catalogue
search; asked, confirmed and stopped by their owner, told about offerings through the
outbox, counted without a name by the talent observatory."""

from app.services.alerts.criteria import SavedSearch, describe, saved_search
from app.services.alerts.matching import live_alerts, offering_published, tell_alerts
from app.services.alerts.subscriptions import (
    CONFIRM_SALT,
    STOP_SALT,
    AlertStopped,
    AlreadyAlerted,
    NothingToSave,
    alert_by_email,
    alert_for_account,
    alert_of_stop_link,
    confirm,
    confirm_token,
    own_alerts,
    saved,
    stop,
    stop_by_link,
    stop_own,
    stop_token,
)

__all__ = [
    "CONFIRM_SALT",
    "STOP_SALT",
    "AlertStopped",
    "AlreadyAlerted",
    "NothingToSave",
    "SavedSearch",
    "alert_by_email",
    "alert_for_account",
    "alert_of_stop_link",
    "confirm",
    "confirm_token",
    "describe",
    "live_alerts",
    "offering_published",
    "own_alerts",
    "saved",
    "saved_search",
    "stop",
    "stop_by_link",
    "stop_own",
    "stop_token",
    "tell_alerts",
]

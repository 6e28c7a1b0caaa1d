"""Email: the transactional outbox (written with the change that causes it) and its
delivery worker."""

from app.services.mail.delivery import (
    BACKENDS,
    CLAIM_LEASE,
    SERVER_UNAVAILABLE,
    Backend,
    ConsoleBackend,
    DeliveryReport,
    FolderBackend,
    SmtpBackend,
    build_email,
    claim,
    configured_backend,
    deliver_due,
    log,
)
from app.services.mail.outbox import (
    BACKOFF_BASE,
    BACKOFF_MAX,
    MAX_ATTEMPTS,
    due,
    enqueue,
    mark_failed,
    mark_sent,
    render_email,
)

__all__ = [
    "BACKENDS",
    "BACKOFF_BASE",
    "BACKOFF_MAX",
    "CLAIM_LEASE",
    "MAX_ATTEMPTS",
    "SERVER_UNAVAILABLE",
    "Backend",
    "ConsoleBackend",
    "DeliveryReport",
    "FolderBackend",
    "SmtpBackend",
    "build_email",
    "claim",
    "configured_backend",
    "deliver_due",
    "due",
    "enqueue",
    "log",
    "mark_failed",
    "mark_sent",
    "render_email",
]

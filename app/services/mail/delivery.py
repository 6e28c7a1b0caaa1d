"""Delivering the outbox: `flask --app wsgi outbox deliver`.

Each due message is first *claimed* by a conditional UPDATE that pushes its next attempt a
lease into the future; only the worker whose UPDATE changed the row sends it, so two workers
running at once never send the same message. The claim, and then the outcome (sent, or
failed with backoff), are each committed at once: a crash mid-batch leaves every message
either sent and marked, or pending. The one unavoidable gap is a crash after the mail server
accepted a message and before the commit: that message is sent again once its lease runs
out (at least once, never lost), with the same Message-ID so mail clients can tell.

Unlike the other services this one commits, because committing per message is the point.
"""

import json
import logging
import smtplib
import socket
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from email import policy
from pathlib import Path
from typing import Protocol
from urllib.parse import urlsplit

import click
from flask import Flask, current_app
from flask_mail import Message
from sqlalchemy import update
from sqlalchemy.orm import Session

from app.extensions import mail
from app.models import OutboxMessage, OutboxStatus, utcnow
from app.services.mail import outbox

log = logging.getLogger(__name__)


# Longer than any SMTP exchange can take: a claimed message is not offered to another worker
# until then, and comes back by itself if this worker dies while sending it.
CLAIM_LEASE = timedelta(minutes=10)


# Errors that say the mail server cannot be reached or will not talk to us, whatever the
# message: the batch stops there instead of spending an attempt of every message in it.
SERVER_UNAVAILABLE = (
    ConnectionError,
    TimeoutError,
    socket.gaierror,
    smtplib.SMTPConnectError,
    smtplib.SMTPServerDisconnected,
    smtplib.SMTPAuthenticationError,
)


class Backend(Protocol):
    def send(self, email: Message) -> None: ...


class SmtpBackend:
    """The real thing: Flask-Mail over SMTP, configured by MAIL_SERVER, MAIL_PORT, ..."""

    def send(self, email: Message) -> None:
        mail.send(email)


class FolderBackend:
    """Development: each message becomes an .eml file that any mail client opens."""

    def __init__(self, folder: str | Path):
        self.folder = Path(folder)

    def send(self, email: Message) -> None:
        self.folder.mkdir(parents=True, exist_ok=True)
        name = email.msgId.strip("<>").split("@")[0]
        (self.folder / f"{name}.eml").write_bytes(email.as_bytes())


class ConsoleBackend:
    """Development: the plain-text part on standard output."""

    def send(self, email: Message) -> None:
        click.echo(
            f"To: {', '.join(email.recipients)}\nSubject: {email.subject}\n\n{email.body}\n"
            + "-" * 72
        )


BACKENDS: dict[str, Callable[[Flask], Backend]] = {
    "smtp": lambda app: SmtpBackend(),
    "folder": lambda app: FolderBackend(app.config["MAIL_FOLDER"]),
    "console": lambda app: ConsoleBackend(),
}


def configured_backend(app: Flask) -> Backend:
    """The backend named by MAIL_BACKEND."""
    name = app.config["MAIL_BACKEND"]
    if name not in BACKENDS:
        raise ValueError(f"MAIL_BACKEND must be one of {', '.join(BACKENDS)}, not {name!r}")
    return BACKENDS[name](app)


# RFC 5322's hard limit: folding at 78 would write a long List-Unsubscribe link (one word)
# as RFC 2047 encoded words, which mail programs do not read as a link.
UNFOLDED = policy.SMTP.clone(max_line_length=998)


class _Email(Message):
    def _message(self):
        email = super()._message()
        email.policy = UNFOLDED
        return email


def build_email(message: OutboxMessage) -> Message:
    """The outbox row as a multipart (plain text + HTML) email from MAIL_DEFAULT_SENDER."""
    email = _Email(
        subject=message.subject,
        recipients=[message.to_address],
        body=message.body_text,
        html=message.body_html,
        # RFC 3834: tells auto-responders (out-of-office replies) not to answer.
        extra_headers={
            "Auto-Submitted": "auto-generated",
            **(json.loads(message.headers) if message.headers else {}),
        },
    )
    # Stable per message, so a copy sent again after a crash is recognisably the same one.
    host = urlsplit(current_app.config["SITE_URL"]).hostname or "localhost"
    email.msgId = f"<outbox-{message.id}-{message.created_at:%Y%m%d%H%M%S}@{host}>"
    return email


@dataclass
class DeliveryReport:
    sent: int = 0
    retrying: int = 0  # failed this time, still pending with a later next attempt
    failed: int = 0  # gave up after outbox.MAX_ATTEMPTS
    skipped: int = 0  # claimed by another worker first
    left: int = 0  # not tried because the mail server is unavailable
    server_unavailable: bool = False


def claim(session: Session, message_id: int, now: datetime) -> bool:
    """Take a due message for this worker; False if another worker took it first."""
    result = session.execute(
        update(OutboxMessage)
        .where(
            OutboxMessage.id == message_id,
            OutboxMessage.status == OutboxStatus.PENDING,
            OutboxMessage.next_attempt_at <= now,
        )
        .values(next_attempt_at=now + CLAIM_LEASE)
        .execution_options(synchronize_session=False)
    )
    session.commit()
    return result.rowcount == 1


def deliver_due(
    session: Session,
    backend: Backend,
    *,
    limit: int = 100,
    clock: Callable[[], datetime] = utcnow,
) -> DeliveryReport:
    """Send up to ``limit`` due messages, oldest first, committing after each."""
    report = DeliveryReport()
    ids = [message.id for message in outbox.due(session, clock(), limit)]
    # End the reading transaction before claiming (SQLite would refuse to upgrade it).
    session.commit()
    for position, message_id in enumerate(ids):
        if not claim(session, message_id, clock()):
            report.skipped += 1
            continue
        message = session.get(OutboxMessage, message_id)
        try:
            backend.send(build_email(message))
        # One message the server refuses, or a bug in one message, must not stop the others:
        # the error is kept on the row and the message tried again later.
        except Exception as error:
            log.warning("outbox message %s not sent: %s", message_id, error)
            outbox.mark_failed(message, clock(), f"{type(error).__name__}: {error}")
            if message.status == OutboxStatus.FAILED:
                report.failed += 1
            else:
                report.retrying += 1
            session.commit()
            if isinstance(error, SERVER_UNAVAILABLE):
                report.server_unavailable = True
                report.left = len(ids) - position - 1
                break
            continue
        outbox.mark_sent(message, clock())
        session.commit()
        report.sent += 1
    return report

"""The transactional outbox: an email is a row written with the change that causes it,
and a worker (`flask --app wsgi outbox deliver`) sends it later, retrying with backoff."""

import json
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

from flask import current_app, render_template, url_for
from flask_babel import force_locale
from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from app.models import OutboxMessage, OutboxStatus, User

# Waits of 1, 2, 4 ... minutes, then hourly: a mail server down for a whole day loses nothing.
MAX_ATTEMPTS = 30
BACKOFF_BASE = timedelta(minutes=1)
BACKOFF_MAX = timedelta(hours=1)


def render_email(template: str, lang: str, **context) -> tuple[str, str, str]:
    """Subject, plain text and HTML of ``templates/email/<template>.*`` in ``lang``.

    Rendered inside a request context on SITE_URL so that url_for(..., _external=True)
    gives public links from the CLI and the worker as well as from a request."""
    site_url = current_app.config["SITE_URL"]
    with current_app.test_request_context("/", base_url=site_url), force_locale(lang):
        context = {**context, "lang": lang}
        subject = render_template(f"email/{template}.subject.txt", **context).strip()
        text = render_template(f"email/{template}.txt", **context)
        html = render_template(f"email/{template}.html", **context)
    return subject, text, html


_INSERT_MESSAGE = insert(OutboxMessage.__table__)


def external_url(endpoint: str, **values) -> str:
    """A public link (on SITE_URL) to ``endpoint``, from a request, the CLI or the worker."""
    site_url = current_app.config["SITE_URL"]
    with current_app.test_request_context("/", base_url=site_url):
        return url_for(endpoint, _external=True, **values)


@dataclass(frozen=True)
class Draft:
    """An email rendered ahead of its transaction's critical part, with some values left as
    marks (see ``draft``) that ``enqueue`` fills in."""

    to: str
    template: str
    subject: str
    text: str
    html: str
    # Extra headers of the email (List-Unsubscribe ...), or None.
    headers: dict | None = None

    def enqueue(self, session: Session, **values) -> None:
        """One plain INSERT, at once: often the last statement before a lock is released."""
        parts = [self.subject, self.text, self.html]
        for name, value in values.items():
            parts = [part.replace(_mark(name), str(value)) for part in parts]
        subject, text, html = parts
        session.connection().execute(
            _INSERT_MESSAGE,
            {
                "to_address": self.to,
                "subject": subject,
                "body_text": text,
                "body_html": html,
                "template": self.template,
                "headers": json.dumps(self.headers) if self.headers else None,
            },
        )


def _mark(name: str) -> str:
    return f"@@{name}@@"  # survives HTML escaping and reads as nothing a template writes


def draft(
    *,
    to: str,
    lang: str,
    template: str,
    later: Iterable[str] = (),
    headers: dict | None = None,
    **context,
) -> Draft:
    """Render an email now, the values named in ``later`` (plain numbers or words) left to
    fill in when they are known, e.g. a waiting-list position counted under a lock."""
    marks = {name: _mark(name) for name in later}
    subject, text, html = render_email(template, lang, **context, **marks)
    return Draft(to=to, template=template, subject=subject, text=text, html=html, headers=headers)


def enqueue(
    session: Session, *, to: str, lang: str, template: str, headers: dict | None = None, **context
) -> None:
    """Write the email now (same transaction as the caller's change); deliver later."""
    draft(to=to, lang=lang, template=template, headers=headers, **context).enqueue(session)


def draft_to_user(user: User, template: str, to: str | None = None, **context) -> Draft:
    """An email to a person, in their language, with them in its context as ``user``
    (``to`` another address of theirs, e.g. the one they are changing to)."""
    return draft(
        to=to or user.email, lang=user.preferred_language, template=template, user=user, **context
    )


def send_to_user(
    session: Session, user: User, template: str, to: str | None = None, **context
) -> None:
    draft_to_user(user, template, to, **context).enqueue(session)


def due(session: Session, now: datetime, limit: int = 100) -> list[OutboxMessage]:
    return list(
        session.scalars(
            select(OutboxMessage)
            .where(
                OutboxMessage.status == OutboxStatus.PENDING,
                OutboxMessage.next_attempt_at <= now,
            )
            .order_by(OutboxMessage.id)
            .limit(limit)
        )
    )


def mark_sent(message: OutboxMessage, now: datetime) -> None:
    message.status = OutboxStatus.SENT
    message.sent_at = now
    message.attempts += 1
    message.last_error = None


def mark_failed(message: OutboxMessage, now: datetime, error: str) -> None:
    """Try again later, waiting twice as long each time up to an hour; give up after
    MAX_ATTEMPTS (the row stays, with its last error)."""
    message.attempts += 1
    message.last_error = error[:2000]
    if message.attempts >= MAX_ATTEMPTS:
        message.status = OutboxStatus.FAILED
    else:
        wait = BACKOFF_BASE * 2 ** min(message.attempts - 1, 10)
        message.next_attempt_at = now + min(wait, BACKOFF_MAX)

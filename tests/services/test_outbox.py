"""Delivering the outbox: sending, retrying with backoff, one commit per message, and two
workers at once."""

import email
import smtplib
import threading
import time
from datetime import UTC, datetime, timedelta
from email import policy

import pytest
from sqlalchemy import select

from app.extensions import db, mail
from app.models import OutboxMessage, OutboxStatus, utcnow
from app.services.mail import delivery, outbox


class RecordingBackend:
    """Keeps what it was asked to send; thread-safe, optionally slow or failing."""

    def __init__(self, fail_for=(), delay=0.0):
        self.sent = []
        self.fail_for = set(fail_for)
        self.delay = delay
        self._lock = threading.Lock()

    def send(self, message):
        time.sleep(self.delay)
        if set(message.recipients) & self.fail_for:
            raise smtplib.SMTPRecipientsRefused({message.recipients[0]: (550, b"No such user")})
        with self._lock:
            self.sent.append(message)


class CrashAfter(RecordingBackend):
    """Sends ``count`` messages, then the worker dies (e.g. killed) inside the next send."""

    def __init__(self, count):
        super().__init__()
        self.count = count

    def send(self, message):
        if len(self.sent) == self.count:
            raise KeyboardInterrupt
        super().send(message)


def add_messages(session, count, now=None, **fields):
    messages = [
        OutboxMessage(
            to_address=f"person{number}@example.org",
            subject=f"Subject {number}: año",
            body_text=f"Text {number}: ¡hola!",
            body_html=f"<p>HTML {number}</p>",
            template="test",
            next_attempt_at=now or utcnow(),
            **fields,
        )
        for number in range(count)
    ]
    session.add_all(messages)
    session.commit()
    return messages


def stored(session, message):
    """The row as committed (not as this session may still hold it)."""
    session.rollback()
    return session.get(OutboxMessage, message.id)


def fixed(moment):
    return lambda: moment


def test_due_messages_are_sent_as_text_and_html_and_marked_sent(app, session):
    now = utcnow()
    [message] = add_messages(session, 1, now)

    with mail.record_messages() as sent:
        report = delivery.deliver_due(session, delivery.SmtpBackend(), clock=fixed(now))

    assert (report.sent, report.retrying, report.failed) == (1, 0, 0)
    [email_sent] = sent
    assert email_sent.recipients == ["person0@example.org"]
    assert email_sent.subject == "Subject 0: año"
    assert email_sent.sender == app.config["MAIL_DEFAULT_SENDER"]
    parsed = email.message_from_bytes(email_sent.as_bytes(), policy=policy.default)
    assert parsed["Auto-Submitted"] == "auto-generated"
    assert parsed["Message-ID"].startswith(f"<outbox-{message.id}-")
    assert parsed.get_body(("plain",)).get_content().strip() == "Text 0: ¡hola!"
    assert parsed.get_body(("html",)).get_content().strip() == "<p>HTML 0</p>"
    row = stored(session, message)
    assert (row.status, row.sent_at, row.attempts) == (OutboxStatus.SENT, now, 1)


def test_the_folder_backend_writes_one_readable_eml_file_per_message(session, tmp_path):
    add_messages(session, 2)

    report = delivery.deliver_due(session, delivery.FolderBackend(tmp_path / "mail"))

    files = sorted((tmp_path / "mail").glob("*.eml"))
    assert report.sent == 2 and len(files) == 2
    parsed = email.message_from_bytes(files[0].read_bytes(), policy=policy.default)
    assert parsed["To"] in ("person0@example.org", "person1@example.org")
    assert parsed["Subject"].startswith("Subject ")
    assert "¡hola!" in parsed.get_body(("plain",)).get_content()


def test_the_console_backend_prints_the_text(session, capsys):
    add_messages(session, 1)

    delivery.deliver_due(session, delivery.ConsoleBackend())

    out = capsys.readouterr().out
    assert "To: person0@example.org" in out and "Text 0: ¡hola!" in out


def test_the_backend_is_chosen_by_configuration(app, monkeypatch, tmp_path):
    monkeypatch.setitem(app.config, "MAIL_FOLDER", str(tmp_path))
    for name, kind in [
        ("smtp", delivery.SmtpBackend),
        ("folder", delivery.FolderBackend),
        ("console", delivery.ConsoleBackend),
    ]:
        monkeypatch.setitem(app.config, "MAIL_BACKEND", name)
        assert isinstance(delivery.configured_backend(app), kind)
    monkeypatch.setitem(app.config, "MAIL_BACKEND", "pigeon")
    with pytest.raises(ValueError, match="pigeon"):
        delivery.configured_backend(app)


def test_messages_not_yet_due_or_already_done_are_left_alone(session):
    now = utcnow()
    add_messages(session, 1, now + timedelta(minutes=5))
    add_messages(session, 1, now, status=OutboxStatus.SENT)
    add_messages(session, 1, now, status=OutboxStatus.FAILED)
    backend = RecordingBackend()

    report = delivery.deliver_due(session, backend, clock=fixed(now))

    assert report == delivery.DeliveryReport()
    assert backend.sent == []


def test_a_mail_server_that_is_down_loses_nothing_and_the_mail_goes_out_later(session, monkeypatch):
    now = utcnow()
    messages = add_messages(session, 3, now)

    def server_down(message):
        raise ConnectionRefusedError(111, "Connection refused")

    monkeypatch.setattr(mail, "send", server_down)
    report = delivery.deliver_due(session, delivery.SmtpBackend(), clock=fixed(now))

    # The first message spent an attempt; the batch stopped there instead of burning the rest.
    assert (report.sent, report.retrying, report.left, report.server_unavailable) == (
        0,
        1,
        2,
        True,
    )
    first = stored(session, messages[0])
    assert first.status == OutboxStatus.PENDING
    assert first.attempts == 1
    assert first.next_attempt_at == now + outbox.BACKOFF_BASE
    assert "ConnectionRefusedError" in first.last_error
    assert [stored(session, message).attempts for message in messages[1:]] == [0, 0]

    monkeypatch.undo()
    with mail.record_messages() as sent:
        later = delivery.deliver_due(
            session, delivery.SmtpBackend(), clock=fixed(now + outbox.BACKOFF_BASE)
        )

    assert later.sent == 3
    assert sorted(message.recipients[0] for message in sent) == [
        "person0@example.org",
        "person1@example.org",
        "person2@example.org",
    ]
    assert [stored(session, message).status for message in messages] == [OutboxStatus.SENT] * 3
    assert stored(session, messages[0]).attempts == 2


def test_a_refused_message_waits_longer_each_time_without_stopping_the_others(session):
    now = utcnow()
    messages = add_messages(session, 3, now)
    backend = RecordingBackend(fail_for={"person1@example.org"})

    report = delivery.deliver_due(session, backend, clock=fixed(now))

    assert (report.sent, report.retrying, report.server_unavailable) == (2, 1, False)
    refused = stored(session, messages[1])
    assert (refused.status, refused.attempts) == (OutboxStatus.PENDING, 1)
    assert "SMTPRecipientsRefused" in refused.last_error

    second_try = now + outbox.BACKOFF_BASE
    delivery.deliver_due(session, backend, clock=fixed(second_try))
    refused = stored(session, messages[1])
    assert refused.attempts == 2
    assert refused.next_attempt_at == second_try + 2 * outbox.BACKOFF_BASE


def test_a_message_is_given_up_after_the_last_attempt(session):
    now = utcnow()
    [message] = add_messages(session, 1, now, attempts=outbox.MAX_ATTEMPTS - 1)

    report = delivery.deliver_due(
        session, RecordingBackend(fail_for={"person0@example.org"}), clock=fixed(now)
    )

    assert (report.failed, report.retrying) == (1, 0)
    assert stored(session, message).status == OutboxStatus.FAILED


def test_each_message_is_committed_as_it_goes_so_a_crash_never_sends_one_twice(session):
    now = utcnow()
    messages = add_messages(session, 3, now)
    backend = CrashAfter(1)

    with pytest.raises(KeyboardInterrupt):
        delivery.deliver_due(session, backend, clock=fixed(now))

    first, second, third = (stored(session, message) for message in messages)
    assert first.status == OutboxStatus.SENT
    # The one being sent at the crash stays claimed for the lease, then comes back by itself.
    assert (second.status, second.attempts) == (OutboxStatus.PENDING, 0)
    assert second.next_attempt_at == now + delivery.CLAIM_LEASE
    assert (third.status, third.next_attempt_at) == (OutboxStatus.PENDING, now)

    restarted = RecordingBackend()
    delivery.deliver_due(session, restarted, clock=fixed(now + timedelta(minutes=1)))
    assert [message.recipients[0] for message in restarted.sent] == ["person2@example.org"]

    delivery.deliver_due(session, restarted, clock=fixed(now + delivery.CLAIM_LEASE))
    assert [message.recipients[0] for message in restarted.sent] == [
        "person2@example.org",
        "person1@example.org",
    ]
    assert all(stored(session, message).status == OutboxStatus.SENT for message in messages)


def test_a_message_is_claimed_by_one_worker_only(session):
    now = utcnow()
    [message] = add_messages(session, 1, now)

    assert delivery.claim(session, message.id, now) is True
    assert delivery.claim(session, message.id, now) is False
    assert delivery.claim(session, message.id, now + delivery.CLAIM_LEASE) is True


def test_two_workers_at_once_never_send_the_same_message(app, session):
    messages = add_messages(session, 20)
    backend = RecordingBackend(delay=0.005)
    start = threading.Barrier(2)
    reports, errors = [], []

    def worker():
        try:
            with app.app_context():
                start.wait()
                reports.append(delivery.deliver_due(db.session, backend))
                db.session.remove()
        except Exception as error:  # the assertion below shows it
            errors.append(error)

    threads = [threading.Thread(target=worker) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert errors == []
    recipients = [message.recipients[0] for message in backend.sent]
    assert len(recipients) == 20 and len(set(recipients)) == 20
    assert sum(report.sent for report in reports) == 20
    session.expire_all()
    rows = session.scalars(select(OutboxMessage).order_by(OutboxMessage.id)).all()
    assert [row.status for row in rows] == [OutboxStatus.SENT] * len(messages)
    assert all(row.attempts == 1 for row in rows)


def test_the_wait_between_attempts_stops_growing_at_an_hour():
    message = OutboxMessage(attempts=12)
    now = datetime(2030, 1, 1, tzinfo=UTC)
    outbox.mark_failed(message, now, "connection refused")
    assert message.next_attempt_at == now + outbox.BACKOFF_MAX
    assert message.status != OutboxStatus.FAILED

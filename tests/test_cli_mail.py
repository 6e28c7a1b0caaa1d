"""`flask outbox deliver` and `flask reminders send`: exit codes, output, effects."""

import email
import re
from datetime import timedelta

import pytest
from sqlalchemy import select

from app.extensions import mail
from app.models import OutboxMessage, OutboxStatus, utcnow
from app.services import enrolment, schools
from tests.factories import (
    class_details,
    make_class_offering,
    make_offering,
    make_school,
    make_teacher,
    make_user,
)


@pytest.fixture
def mail_folder(app, monkeypatch, tmp_path):
    folder = tmp_path / "mail"
    monkeypatch.setitem(app.config, "MAIL_BACKEND", "folder")
    monkeypatch.setitem(app.config, "MAIL_FOLDER", str(folder))
    return folder


def queue(session, count):
    session.add_all(
        OutboxMessage(
            to_address=f"person{number}@example.org",
            subject=f"Subject {number}",
            body_text="Text",
            body_html="<p>HTML</p>",
            template="test",
            next_attempt_at=utcnow() - timedelta(seconds=1),
        )
        for number in range(count)
    )
    session.commit()


def statuses(session):
    session.expire_all()
    return list(session.scalars(select(OutboxMessage.status).order_by(OutboxMessage.id)))


def test_outbox_deliver_sends_what_is_due_and_says_so(runner, session, mail_folder):
    queue(session, 3)

    result = runner.invoke(args=["outbox", "deliver", "--limit", "2", "--lang", "en"])

    assert result.exit_code == 0, result.output
    assert "Sent: 2, to retry later: 0, given up: 0." in result.output
    assert len(list(mail_folder.glob("*.eml"))) == 2
    assert statuses(session) == [OutboxStatus.SENT, OutboxStatus.SENT, OutboxStatus.PENDING]

    again = runner.invoke(args=["outbox", "deliver"])
    assert again.exit_code == 0, again.output
    assert statuses(session) == [OutboxStatus.SENT] * 3


def test_outbox_deliver_with_the_server_down_exits_1_and_keeps_the_mail(
    app, runner, session, monkeypatch
):
    queue(session, 2)
    monkeypatch.setitem(app.config, "MAIL_BACKEND", "smtp")

    def server_down(message):
        raise ConnectionRefusedError(111, "Connection refused")

    monkeypatch.setattr(mail, "send", server_down)

    result = runner.invoke(args=["outbox", "deliver", "--lang", "en"])

    assert result.exit_code == 1
    assert "Sent: 0, to retry later: 1, given up: 0." in result.output
    assert "The mail server is unavailable; 1 more message waits for the next run." in (
        result.output
    )
    assert statuses(session) == [OutboxStatus.PENDING, OutboxStatus.PENDING]


def test_outbox_deliver_refuses_an_unknown_backend(app, runner, monkeypatch):
    monkeypatch.setitem(app.config, "MAIL_BACKEND", "pigeon")

    result = runner.invoke(args=["outbox", "deliver"])

    assert result.exit_code == 1
    assert "MAIL_BACKEND must be one of smtp, folder, console" in result.output


def test_outbox_deliver_rejects_a_limit_below_one(runner):
    result = runner.invoke(args=["outbox", "deliver", "--limit", "0"])

    assert result.exit_code == 2
    assert "--limit" in result.output


def test_reminders_send_queues_each_reminder_once(runner, session):
    offering = make_offering(session, starts_in=timedelta(hours=30))
    far = make_offering(session, starts_in=timedelta(days=5))
    for target in (offering, far):
        enrolment.enrol(session, offering_id=target.id, user_id=make_user(session).id, now=utcnow())
    session.commit()

    narrow = runner.invoke(args=["reminders", "send", "--hours", "24", "--lang", "en"])
    first = runner.invoke(args=["reminders", "send", "--lang", "en"])
    second = runner.invoke(args=["reminders", "send", "--lang", "en"])

    assert [narrow.exit_code, first.exit_code, second.exit_code] == [0, 0, 0]
    assert narrow.output.splitlines()[0] == "0 reminders queued."
    assert first.output.splitlines()[0] == "1 reminder queued."
    assert second.output.splitlines()[0] == "0 reminders queued."
    reminders = session.scalars(
        select(OutboxMessage).where(OutboxMessage.template == "enrolment_reminder")
    ).all()
    assert len(reminders) == 1


def test_reminders_send_asks_each_class_to_confirm_its_headcount_once(runner, session):
    offering = make_class_offering(session, starts_in=timedelta(hours=30))
    schools.register_class(
        session,
        offering_id=offering.id,
        teacher_id=make_teacher(session, make_school(session)).id,
        session_ids=[offering.sessions[0].id],
        details=class_details(),
        now=utcnow(),
    )
    session.commit()

    first = runner.invoke(args=["reminders", "send", "--lang", "en"])
    second = runner.invoke(args=["reminders", "send", "--lang", "en"])

    assert first.output.splitlines()[1] == "1 class asked to confirm its headcount."
    assert second.output.splitlines()[1] == "0 classes asked to confirm their headcount."
    sent = session.scalars(
        select(OutboxMessage).where(OutboxMessage.template == "class_headcount_reminder")
    ).all()
    assert len(sent) == 1


def test_outbox_deliver_tells_alerts_about_what_was_published_once(runner, session, mail_folder):
    from app.models import OfferingStatus
    from app.services import alerts, offerings
    from app.services.catalogue import Filters

    user = make_user(session, email="ana@example.org")
    alerts.alert_for_account(
        session,
        user_id=user.id,
        search=alerts.saved_search(session, Filters(q="ajedrez")),
        lang="es",
        now=utcnow(),
    )
    chess = make_offering(session, status=OfferingStatus.DRAFT, title_es="Ajedrez y lógica")
    offerings.publish(session, chess, actor_id=None)
    session.commit()

    first = runner.invoke(args=["outbox", "deliver", "--lang", "en"])
    assert first.exit_code == 0, first.output
    assert "Sent: 1," in first.output
    [eml] = mail_folder.glob("*.eml")
    sent = email.message_from_bytes(eml.read_bytes())
    assert sent["To"] == "ana@example.org"
    assert sent["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert re.fullmatch(
        r"<http://\S+/es/alerts/stop/\S+>", "".join(sent["List-Unsubscribe"].split())
    )

    again = runner.invoke(args=["outbox", "deliver", "--lang", "en"])
    assert "Sent: 0," in again.output
    assert len(list(mail_folder.glob("*.eml"))) == 1

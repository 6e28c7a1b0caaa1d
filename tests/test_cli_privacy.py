"""`flask --app wsgi privacy purge`: counts per purpose, dry run, idempotence, the figures."""

from datetime import timedelta

from sqlalchemy import func, select

from app.extensions import db
from app.models import (
    Attendance,
    AuditEntry,
    ClassRegistration,
    Enrolment,
    EnrolmentStatus,
    Gender,
    Mode,
    OutboxMessage,
    OutboxStatus,
    ParticipantProfile,
    SearchAlert,
    User,
    utcnow,
)
from app.services.accounts import retention
from tests.factories import make_class_registration, make_offering, make_user, set_sessions

YEAR = timedelta(days=365)


def old_data(app):
    """One row past its period for each purpose, one just inside, and places to count."""
    with app.app_context():
        session, now = db.session, utcnow()
        course = make_offering(session, capacity=5)
        long_ago = now - 4 * YEAR
        set_sessions(course, [(long_ago, long_ago + timedelta(hours=2))])
        course.seats_taken = 2
        make_user(session, confirmed=False, created_at=now - timedelta(days=8))
        make_user(session, confirmed=False, created_at=now - timedelta(days=6))
        gone = make_user(
            session, created_at=long_ago, last_login_at=long_ago, password_changed_at=long_ago
        )
        gone.email_confirmed_at = long_ago
        active = make_user(session, last_login_at=now)
        session.add(ParticipantProfile(user=active, gender=Gender.WOMAN, updated_at=long_ago))
        session.flush()
        for person, status in [
            (gone, EnrolmentStatus.CONFIRMED),
            (active, EnrolmentStatus.CONFIRMED),
        ]:
            place = Enrolment(
                offering=course,
                user=person,
                status=status,
                created_at=long_ago,
                updated_at=long_ago,
                completed_at=long_ago,
            )
            session.add(place)
            session.flush()
            session.add(
                Attendance(enrolment_id=place.id, session_id=course.sessions[0].id, present=True)
            )
        session.add(
            Enrolment(
                offering=course,
                user=active,
                status=EnrolmentStatus.CANCELLED,
                created_at=long_ago,
                updated_at=long_ago,
            )
        )
        for days in (91, 89):
            sent = now - timedelta(days=days)
            session.add(
                OutboxMessage(
                    to_address="someone@example.org",
                    subject="s",
                    body_text="b",
                    template="x",
                    status=OutboxStatus.SENT,
                    sent_at=sent,
                    created_at=sent,
                    next_attempt_at=sent,
                )
            )
        classes = make_offering(session, mode=Mode.CLASS)
        ends = [now - timedelta(days=days) for days in (31, 29)]
        set_sessions(classes, [(end - timedelta(hours=2), end) for end in ends])
        session.flush()
        for meeting in classes.sessions:
            make_class_registration(session, classes, meeting, accessibility="Rampa de acceso")
        for years in (6, 4):
            session.add(
                AuditEntry(
                    at=now - years * YEAR,
                    actor_id=active.id,
                    action="enrolment.cancel",
                    entity_type="enrolment",
                    entity_id=1,
                    summary="Ana's place cancelled by staff",
                )
            )
        for days, words in ((366, "drones"), (364, "ajedrez")):
            session.add(
                SearchAlert(
                    user_id=active.id,
                    lang="es",
                    search_text=words,
                    query=words,
                    criteria=words,
                    created_at=now - timedelta(days=days),
                    confirmed_at=now - timedelta(days=days),
                )
            )
        session.commit()


def snapshot(app):
    """Every row the purge may touch, as plain values."""
    with app.app_context():
        session = db.session
        return {
            "users": session.execute(
                select(User.id, User.name, User.email, User.erased_at).order_by(User.id)
            ).all(),
            "profiles": session.scalars(select(ParticipantProfile.user_id)).all(),
            "emails": session.scalars(select(OutboxMessage.id).order_by(OutboxMessage.id)).all(),
            "audit": session.execute(
                select(AuditEntry.id, AuditEntry.actor_id, AuditEntry.summary).order_by(
                    AuditEntry.id
                )
            ).all(),
            "phones": session.scalars(
                select(ClassRegistration.phone).order_by(ClassRegistration.id)
            ).all(),
            "needs": session.scalars(
                select(ClassRegistration.accessibility).order_by(ClassRegistration.id)
            ).all(),
            "alerts": session.scalars(select(SearchAlert.query).order_by(SearchAlert.id)).all(),
            "figures": retention.participation_counts(session),
            "places": session.execute(
                select(Enrolment.offering_id, Enrolment.status, func.count()).group_by(
                    Enrolment.offering_id, Enrolment.status
                )
            ).all(),
        }


def purge(runner, *args):
    return runner.invoke(args=["privacy", "purge", *args])


def test_a_dry_run_counts_per_purpose_and_changes_nothing(app, runner):
    old_data(app)
    before = snapshot(app)

    result = purge(runner, "--dry-run", "--lang", "en")

    assert result.exit_code == 0, result.output
    assert result.output.splitlines() == [
        "Sign-ups never confirmed: 1 account would be deleted.",
        "Accounts no longer used: 1 account would be erased.",
        "Inclusion profiles past their year: 1 profile would be deleted.",
        "Emails sent or given up: 1 email would be deleted.",
        "Audit log: 1 entry would be redacted.",
        "Contact phones of past classes: 1 phone would be emptied.",
        "Accessibility needs of past classes: 1 class would be cleared.",
        "Search alerts ended or never confirmed: 1 alert would be deleted.",
        "Dry run: nothing was changed.",
    ]
    assert snapshot(app) == before


def test_purging_removes_what_is_past_its_period_once_and_keeps_the_figures(app, runner):
    old_data(app)
    before = snapshot(app)

    result = purge(runner)

    assert result.exit_code == 0, result.output
    assert result.output.splitlines() == [
        "Registros nunca confirmados: 1 cuenta borrada.",
        "Cuentas que ya no se usan: 1 cuenta cerrada.",
        "Perfiles de inclusión fuera de plazo: 1 perfil borrado.",
        "Correos enviados o abandonados: 1 correo borrado.",
        "Registro de auditoría: 1 entrada anonimizada.",
        "Teléfonos de contacto de grupos pasados: 1 teléfono borrado.",
        "Necesidades de accesibilidad de grupos pasados: 1 grupo borrado.",
        "Alertas de búsqueda vencidas o nunca confirmadas: 1 alerta borrada.",
    ]
    after = snapshot(app)
    assert len(after["users"]) == len(before["users"]) - 1
    assert sum(1 for user in after["users"] if user.erased_at is not None) == 1
    assert after["profiles"] == [] and len(after["emails"]) == 1
    assert after["phones"] == ["", "600 123 456"]
    assert after["needs"] == [None, "Rampa de acceso"]
    assert after["alerts"] == ["ajedrez"]
    assert [entry.summary for entry in after["audit"]] == [
        retention.REDACTED,
        "Ana's place cancelled by staff",
    ]
    assert (after["figures"], sorted(after["places"])) == (
        before["figures"],
        sorted(before["places"]),
    )

    again = purge(runner, "--lang", "en")
    assert again.exit_code == 0, again.output
    assert again.output.splitlines() == [
        "Sign-ups never confirmed: 0 accounts deleted.",
        "Accounts no longer used: 0 accounts erased.",
        "Inclusion profiles past their year: 0 profiles deleted.",
        "Emails sent or given up: 0 emails deleted.",
        "Audit log: 0 entries redacted.",
        "Contact phones of past classes: 0 phones emptied.",
        "Accessibility needs of past classes: 0 classes cleared.",
        "Search alerts ended or never confirmed: 0 alerts deleted.",
    ]
    assert snapshot(app) == after


def test_periods_come_from_the_configuration(app, runner, monkeypatch):
    old_data(app)
    monkeypatch.setitem(app.config, "RETENTION_OUTBOX_DAYS", 30)
    monkeypatch.setitem(app.config, "RETENTION_AUDIT_DAYS", 10 * 365)

    result = purge(runner, "--dry-run", "--lang", "en")

    assert "Emails sent or given up: 2 emails would be deleted." in result.output
    assert "Audit log: 0 entries would be redacted." in result.output


def test_a_period_too_short_stops_before_anything_is_touched(app, runner, monkeypatch):
    old_data(app)
    before = snapshot(app)
    monkeypatch.setitem(app.config, "RETENTION_UNCONFIRMED_DAYS", 1)

    result = purge(runner)

    assert result.exit_code == 1
    assert "RETENTION_UNCONFIRMED_DAYS" in result.output
    assert snapshot(app) == before


def test_a_purpose_that_would_change_the_figures_is_rolled_back_and_exits_1(
    app, runner, monkeypatch
):
    old_data(app)

    def careless(session, now, period):
        session.execute(
            Enrolment.__table__.update()
            .where(Enrolment.status == EnrolmentStatus.CANCELLED)
            .values(status=EnrolmentStatus.OFFERING_CANCELLED.value)
        )
        return 1

    monkeypatch.setitem(retention.PURPOSES, "profiles", careless)
    before = snapshot(app)

    result = purge(runner, "--lang", "en")

    assert result.exit_code == 1
    assert "Stopped: removing profiles would have changed the counts per offering" in result.output
    after = snapshot(app)
    # The purposes before it were committed; its own change was not.
    assert after["places"] == before["places"] and after["figures"] == before["figures"]
    assert len(after["users"]) == len(before["users"]) - 1
    assert after["emails"] == before["emails"]

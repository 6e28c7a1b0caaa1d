"""`flask backup` and `flask restore`: a backup taken while the site runs holds every
enrolment, and restoring it brings them all back, on SQLite and on PostgreSQL."""

from datetime import UTC, datetime

from sqlalchemy import func, select

from app.extensions import db
from app.models import Enrolment, EnrolmentStatus
from app.services import enrolment
from tests.factories import make_offering, make_user

NOW = datetime.now(UTC)


def places(app) -> list[tuple[int, int, EnrolmentStatus]]:
    with app.app_context():
        return db.session.execute(
            select(Enrolment.offering_id, Enrolment.user_id, Enrolment.status).order_by(
                Enrolment.id
            )
        ).all()


def test_a_restored_backup_has_every_enrolment(app, runner, tmp_path):
    with app.app_context():
        offering = make_offering(db.session, capacity=3)
        for _ in range(5):
            enrolment.enrol(
                db.session, offering_id=offering.id, user_id=make_user(db.session).id, now=NOW
            )
        db.session.commit()
    taken = places(app)
    assert [status for *_, status in taken].count(EnrolmentStatus.WAITING) == 2

    target = tmp_path / "mot.backup"
    result = runner.invoke(args=["backup", str(target), "--lang", "en"])
    assert result.exit_code == 0, result.output
    assert f"Backup written to {target}." in result.output

    with app.app_context():
        db.session.execute(Enrolment.__table__.delete())
        db.session.commit()
    assert places(app) == []

    result = runner.invoke(args=["restore", str(target), "--yes", "--lang", "en"])
    assert result.exit_code == 0, result.output
    assert places(app) == taken
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Enrolment)) == 5


def test_restore_asks_before_replacing_everything(app, runner, tmp_path):
    target = tmp_path / "mot.backup"
    assert runner.invoke(args=["backup", str(target)]).exit_code == 0
    result = runner.invoke(args=["restore", str(target)], input="n\n")
    assert result.exit_code == 1
    assert "Aborted" in result.output


def test_a_backup_to_a_folder_that_does_not_exist_fails_clearly(app, runner, tmp_path):
    result = runner.invoke(args=["backup", str(tmp_path / "missing" / "mot.backup")])
    assert result.exit_code == 1
    assert result.output.strip()

"""`flask applications expire`, run from cron: lapses offers past their date, once."""

from datetime import timedelta

from app.models import ApplicationStatus, CallReviewer, Decision, Role, utcnow
from app.services import applications
from tests.factories import make_application, make_call, make_user


def test_expire_lapses_unconfirmed_offers_and_offers_the_reserve_once(app, runner, session):
    call = make_call(session, capacity=1, starts_in=timedelta(days=60))
    staff = make_user(session, role=Role.COORDINATOR)
    session.add(CallReviewer(offering_id=call.id, user_id=staff.id))
    offered, reserve = make_application(session, call), make_application(session, call)
    applications.set_decision(session, offered, Decision.ACCEPT, actor_id=staff.id)
    applications.set_decision(session, reserve, Decision.RESERVE, actor_id=staff.id)
    applications.send_decisions(session, call, actor_id=staff.id, now=utcnow() - timedelta(days=8))
    session.commit()

    first = runner.invoke(args=["applications", "expire", "--lang", "en"])
    again = runner.invoke(args=["applications", "expire", "--lang", "en"])

    assert first.exit_code == 0, first.output
    assert "1 offered place lapsed; 1 place offered to the reserve list." in first.output
    assert "0 offered places lapsed; 0 places offered to the reserve list." in again.output
    session.expire_all()
    assert offered.status == ApplicationStatus.LAPSED
    assert reserve.status == ApplicationStatus.ACCEPTED

"""Calls under contention: real threads, each its own connection and transaction, on SQLite
here and PostgreSQL under MOT_TEST_DB=postgres. The cohort is never exceeded."""

from datetime import timedelta

import sqlalchemy as sa

from app.extensions import db
from app.models import (
    Application,
    ApplicationStatus,
    CallReviewer,
    Decision,
    Offering,
    Role,
    utcnow,
)
from app.services import applications
from tests.factories import make_application, make_call, make_user
from tests.services.test_concurrency import engine, run_together  # noqa: F401

RACERS = 8


def seats(app, offering_id):
    with app.app_context():
        return db.session.get(Offering, offering_id).seats_taken


def statuses(app, offering_id):
    with app.app_context():
        return dict(
            db.session.execute(
                sa.select(Application.id, Application.status).where(
                    Application.offering_id == offering_id
                )
            ).all()
        )


def test_acceptances_racing_on_the_last_place_accept_exactly_one(app, engine):  # noqa: F811
    with app.app_context():
        call = make_call(db.session, capacity=1)
        staff = make_user(db.session, role=Role.COORDINATOR)
        ids = [make_application(db.session, call).id for _ in range(RACERS)]
        db.session.commit()
        call_id, staff_id = call.id, staff.id

    def accept(application_id):
        def job(session):
            application = session.get(Application, application_id)
            applications.set_decision(session, application, Decision.ACCEPT, actor_id=staff_id)
            return application_id

        return job

    outcomes = run_together(app, engine, [accept(i) for i in ids])

    accepted = [o for o in outcomes if isinstance(o, int)]
    refused = [o for o in outcomes if isinstance(o, applications.CohortFull)]
    assert len(accepted) == 1
    assert len(refused) == RACERS - 1
    assert seats(app, call_id) == 1
    with app.app_context():
        pending = applications.pending(db.session, call_id)
        assert [a.id for a in pending] == accepted


def test_a_withdrawal_racing_the_offer_to_the_reserve_gives_the_place_once(app, engine):  # noqa: F811
    """A confirmed founder withdraws while cron lapses another offer: each freed place goes
    to one reserve, in order, and the cohort stays at its size."""
    with app.app_context():
        session = db.session
        call = make_call(session, capacity=2)
        staff = make_user(session, role=Role.COORDINATOR)
        session.add(CallReviewer(offering_id=call.id, user_id=staff.id))
        keeper, leaver = make_application(session, call), make_application(session, call)
        reserves = [make_application(session, call) for _ in range(3)]
        applications.set_decision(session, keeper, Decision.ACCEPT, actor_id=staff.id)
        applications.set_decision(session, leaver, Decision.ACCEPT, actor_id=staff.id)
        for rank, reserve in enumerate(reserves, start=1):
            applications.set_decision(
                session, reserve, Decision.RESERVE, rank=rank, actor_id=staff.id
            )
        now = utcnow()
        applications.send_decisions(session, call, actor_id=staff.id, now=now)
        # The leaver has confirmed (so never lapses); the keeper lets the date pass.
        applications.confirm_place(session, leaver, now=now, actor_id=leaver.user_id)
        after_deadline = keeper.confirm_by + timedelta(minutes=1)
        session.commit()
        ids = (call.id, keeper.id, leaver.id, [r.id for r in reserves], leaver.user_id)
    call_id, keeper_id, leaver_id, reserve_ids, leaver_user = ids

    # Both at the same moment, past the keeper's date: a place offered by either has its own
    # date after it, whichever commits first (an earlier clock for the withdrawal let the
    # cron lapse the offer the withdrawal had just made, when the withdrawal won the race).
    def withdraw(session):
        application = applications.get_own_application(session, leaver_id, leaver_user)
        return applications.withdraw(session, application, now=after_deadline, actor_id=leaver_user)

    def expire(session):
        return applications.expire_unconfirmed(session, now=after_deadline)

    outcomes = run_together(app, engine, [withdraw, expire])

    assert not [o for o in outcomes if isinstance(o, Exception)], outcomes
    final = statuses(app, call_id)
    assert seats(app, call_id) == 2
    holding = [i for i, s in final.items() if s.holds_place]
    assert len(holding) == 2
    assert [final[i] for i in reserve_ids] == [
        ApplicationStatus.ACCEPTED,
        ApplicationStatus.ACCEPTED,
        ApplicationStatus.RESERVE,
    ]
    assert final[keeper_id] == ApplicationStatus.LAPSED
    assert final[leaver_id] == ApplicationStatus.WITHDRAWN


def test_one_application_per_person_and_call_however_many_requests(app, engine):  # noqa: F811
    with app.app_context():
        call = make_call(db.session)
        founder = make_user(db.session)
        db.session.commit()
        call_id, user_id = call.id, founder.id

    def apply(session):
        from app.models import User

        return make_application(
            session, session.get(Offering, call_id), session.get(User, user_id)
        ).id

    outcomes = run_together(app, engine, [apply for _ in range(RACERS)])

    assert len([o for o in outcomes if isinstance(o, int)]) == 1
    assert all(
        isinstance(o, applications.AlreadyApplied) for o in outcomes if not isinstance(o, int)
    )
    assert len(statuses(app, call_id)) == 1

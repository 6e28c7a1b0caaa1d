"""Reviewing and selecting a cohort: scores, conflicts, decisions, the reserve list."""

from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa

from app.models import (
    ApplicationStatus,
    CallReviewer,
    Decision,
    Enrolment,
    EnrolmentStatus,
    OfferingStatus,
    OutboxMessage,
    ReviewStatus,
    Role,
)
from app.services import applications, enrolment
from app.services.applications.calls import FROZEN, OPENED, CriterionAnswers
from app.services.errors import Conflict, DomainError, Forbidden, NotFound
from tests.factories import make_application, make_call, make_organisation, make_user


def now():
    return datetime.now(UTC)


@pytest.fixture
def call(session):
    provider = make_organisation(session, name="Incubadora")
    return make_call(session, provider=provider, capacity=1)


def reviewer_of(session, call, **fields):
    user = make_user(session, role=Role.ORGANISATION_STAFF, organisation=call.provider, **fields)
    session.add(CallReviewer(offering_id=call.id, user_id=user.id))
    session.flush()
    return user


def full_scores(call, session, values):
    return {c.id: v for c, v in zip(applications.criteria(session, call.id), values, strict=True)}


def test_a_review_scores_every_criterion_and_the_mean_is_weighted(session, call):
    application = make_application(session, call)
    first, second = reviewer_of(session, call), reviewer_of(session, call)
    # Criteria: weight 3 on a scale of 5, weight 1 on a scale of 10.
    applications.score(
        session,
        application,
        first,
        scores=full_scores(call, session, [5, 0]),
        comment="",
        now=now(),
    )
    applications.score(
        session,
        application,
        second,
        scores=full_scores(call, session, [0, 10]),
        comment="Ok",
        now=now(),
    )
    assert application.status == ApplicationStatus.UNDER_REVIEW
    [row] = applications.call_applications(session, call.id, viewer_id=first.id)
    assert row.standing.reviews == 2
    assert row.standing.mean == pytest.approx((75 + 25) / 2)
    assert row.standing.spread == pytest.approx(50)


def test_a_score_outside_the_scale_is_refused_at_its_field(session, call):
    application = make_application(session, call)
    reviewer = reviewer_of(session, call)
    first, second = applications.criteria(session, call.id)
    with pytest.raises(DomainError) as refusal:
        applications.score(
            session,
            application,
            reviewer,
            scores={first.id: 6, second.id: None},
            comment="",
            now=now(),
        )
    assert dict(refusal.value.problems).keys() == {f"score_{first.id}", f"score_{second.id}"}
    assert applications.review_of(session, application.id, reviewer.id) is None


def test_a_declared_conflict_stops_scoring_and_hides_the_scores(session, call):
    application = make_application(session, call)
    scorer, conflicted = reviewer_of(session, call), reviewer_of(session, call)
    applications.score(
        session,
        application,
        scorer,
        scores=full_scores(call, session, [4, 8]),
        comment="",
        now=now(),
    )
    applications.declare_conflict(session, application, conflicted, comment="Socio", now=now())
    with pytest.raises(Forbidden):
        applications.score(
            session,
            application,
            conflicted,
            scores=full_scores(call, session, [1, 1]),
            comment="",
            now=now(),
        )
    [row] = applications.call_applications(session, call.id, viewer_id=conflicted.id)
    assert row.standing is None
    assert row.own_review.status == ReviewStatus.CONFLICT


def test_others_scores_are_seen_only_after_scoring(session, call):
    application = make_application(session, call)
    reviewer = reviewer_of(session, call)
    assert not applications.sees_scores(
        applications.review_of(session, application.id, reviewer.id)
    )
    applications.abstain(session, application, reviewer, comment="", now=now())
    assert not applications.sees_scores(
        applications.review_of(session, application.id, reviewer.id)
    )
    applications.score(
        session,
        application,
        reviewer,
        scores=full_scores(call, session, [3, 3]),
        comment="",
        now=now(),
    )
    assert applications.sees_scores(applications.review_of(session, application.id, reviewer.id))


def test_only_reviewers_of_the_call_reach_its_applications(session, call):
    application = make_application(session, call)
    other_org = make_user(
        session, role=Role.ORGANISATION_STAFF, organisation=make_organisation(session)
    )
    with pytest.raises(NotFound):
        applications.get_application_to_review(session, other_org, application.id)
    with pytest.raises(DomainError) as refusal:
        applications.add_reviewer(
            session, call, email=other_org.email, actor_id=other_org.id, now=now()
        )
    assert refusal.value.field == "email"
    reviewer = reviewer_of(session, call)
    assert applications.get_application_to_review(session, reviewer, application.id) is application


def test_criteria_are_frozen_once_a_review_is_scored(session, call):
    application = make_application(session, call)
    reviewer = reviewer_of(session, call)
    change = CriterionAnswers("Equipo", "Team", None, None, weight=2, scale_max=5)
    before_opening = call.enrolment_opens - timedelta(hours=1)
    applications.save_criterion(session, call, change, actor_id=reviewer.id, now=before_opening)
    applications.score(
        session,
        application,
        reviewer,
        scores=full_scores(call, session, [1, 2, 3]),
        comment="",
        now=now(),
    )
    # Frozen by the score, whatever the clock says.
    assert applications.criteria_lock(session, call, before_opening) == FROZEN
    with pytest.raises(Conflict):
        applications.save_criterion(session, call, change, actor_id=reviewer.id, now=before_opening)
    with pytest.raises(Conflict):
        applications.delete_criterion(
            session,
            call,
            applications.criteria(session, call.id)[0],
            actor_id=reviewer.id,
            now=before_opening,
        )


def test_criteria_are_defined_before_the_call_opens(session):
    coming = make_call(session, opens_in=timedelta(days=3))
    staff = make_user(session, role=Role.COORDINATOR)
    change = CriterionAnswers("Equipo", "Team", None, None, weight=2, scale_max=5)

    added = applications.save_criterion(session, coming, change, actor_id=staff.id, now=now())
    opened = coming.enrolment_opens
    assert applications.criteria_lock(session, coming, opened - timedelta(seconds=1)) is None
    assert applications.criteria_lock(session, coming, opened) == OPENED

    count = len(applications.criteria(session, coming.id))
    for attempt in (
        lambda: applications.save_criterion(session, coming, change, actor_id=staff.id, now=opened),
        lambda: applications.save_criterion(
            session, coming, change, actor_id=staff.id, now=opened, criterion=added
        ),
        lambda: applications.delete_criterion(
            session, coming, added, actor_id=staff.id, now=opened
        ),
    ):
        with pytest.raises(Conflict) as refused:
            attempt()
        assert refused.value.message == OPENED
    assert len(applications.criteria(session, coming.id)) == count


def test_a_draft_call_takes_criteria_whatever_its_dates_and_an_undated_one_opens_when_published(
    session,
):
    draft = make_call(session, status=OfferingStatus.DRAFT)
    undated = make_call(session, opens_in=timedelta(days=-1))
    undated.enrolment_opens = None

    assert applications.criteria_lock(session, draft, now()) is None
    assert applications.criteria_lock(session, undated, now()) == OPENED


def test_accepting_past_the_cohort_size_is_refused(session, call):
    staff = reviewer_of(session, call)
    first, second = make_application(session, call), make_application(session, call)
    applications.set_decision(session, first, Decision.ACCEPT, actor_id=staff.id)
    with pytest.raises(applications.CohortFull) as refusal:
        applications.set_decision(session, second, Decision.ACCEPT, actor_id=staff.id)
    assert refusal.value.field == "decision"
    assert call.seats_taken == 1
    # Changing one's mind frees the place for another.
    applications.set_decision(session, first, Decision.RESERVE, actor_id=staff.id)
    applications.set_decision(session, second, Decision.ACCEPT, actor_id=staff.id)
    session.refresh(call)
    assert call.seats_taken == 1


def test_not_selected_needs_a_message(session, call):
    staff = reviewer_of(session, call)
    application = make_application(session, call)
    with pytest.raises(DomainError) as refusal:
        applications.set_decision(session, application, Decision.NOT_SELECTED, actor_id=staff.id)
    assert refusal.value.field == "message"


def decide_all(session, call, staff):
    english = make_user(session, language="en")
    accepted = make_application(session, call, english)
    reserve_two = make_application(session, call)
    reserve_one = make_application(session, call)
    refused = make_application(session, call)
    applications.set_decision(session, accepted, Decision.ACCEPT, actor_id=staff.id)
    applications.set_decision(session, reserve_two, Decision.RESERVE, rank=2, actor_id=staff.id)
    applications.set_decision(session, reserve_one, Decision.RESERVE, rank=1, actor_id=staff.id)
    applications.set_decision(
        session, refused, Decision.NOT_SELECTED, message="Proyecto aún inmaduro", actor_id=staff.id
    )
    return accepted, reserve_one, reserve_two, refused


def test_decisions_wait_until_sent_then_each_applicant_is_emailed_in_their_language(session, call):
    staff = reviewer_of(session, call)
    accepted, reserve_one, reserve_two, refused = decide_all(session, call, staff)
    assert accepted.status == ApplicationStatus.SUBMITTED
    assert session.scalar(sa.select(sa.func.count()).select_from(OutboxMessage)) == 0

    sent = applications.send_decisions(session, call, actor_id=staff.id, now=now())

    assert sent.total == 4
    assert accepted.status == ApplicationStatus.ACCEPTED
    assert accepted.confirm_by is not None
    assert applications.reserve_position(session, reserve_one) == 1
    assert applications.reserve_position(session, reserve_two) == 2
    assert refused.decision_message == "Proyecto aún inmaduro"
    mails = {m.to_address: m for m in session.scalars(sa.select(OutboxMessage))}
    assert len(mails) == 4
    offer = mails[accepted.user.email]
    assert "confirm" in offer.body_text.lower()
    assert f"{accepted.confirm_by.astimezone().year}" in offer.body_text
    assert "Proyecto aún inmaduro" in mails[refused.user.email].body_text
    assert "reserva" in mails[reserve_one.user.email].subject.lower()
    assert applications.pending(session, call.id) == []


def test_confirming_makes_the_applicant_a_participant(session, call):
    staff = reviewer_of(session, call)
    accepted, *_ = decide_all(session, call, staff)
    applications.send_decisions(session, call, actor_id=staff.id, now=now())
    applications.confirm_place(session, accepted, now=now(), actor_id=accepted.user_id)
    assert accepted.status == ApplicationStatus.CONFIRMED
    assert accepted.enrolment.status == EnrolmentStatus.CONFIRMED
    assert [p.id for p in enrolment.confirmed_participants(session, call.id)] == [
        accepted.enrolment_id
    ]
    session.refresh(call)
    assert call.seats_taken == 1  # the acceptance's seat, not a second one


def test_a_withdrawal_offers_the_place_to_the_first_on_the_reserve_list(session, call):
    staff = reviewer_of(session, call)
    accepted, reserve_one, reserve_two, _ = decide_all(session, call, staff)
    applications.send_decisions(session, call, actor_id=staff.id, now=now())
    applications.confirm_place(session, accepted, now=now(), actor_id=accepted.user_id)

    offered = applications.withdraw(session, accepted, now=now(), actor_id=accepted.user_id)

    assert offered == [reserve_one]
    assert reserve_one.status == ApplicationStatus.ACCEPTED
    assert applications.reserve_position(session, reserve_two) == 1
    assert session.get(Enrolment, accepted.enrolment_id).status == EnrolmentStatus.CANCELLED
    session.refresh(call)
    assert call.seats_taken == 1
    last = session.scalars(sa.select(OutboxMessage).order_by(OutboxMessage.id.desc())).first()
    assert last.to_address == reserve_one.user.email


def test_an_offer_not_confirmed_in_time_lapses_and_passes_on_once(session, call):
    staff = reviewer_of(session, call)
    accepted, reserve_one, _, _ = decide_all(session, call, staff)
    applications.send_decisions(session, call, actor_id=staff.id, now=now())
    later = accepted.confirm_by + timedelta(minutes=1)

    assert applications.expire_unconfirmed(session, now=later) == (1, 1)
    assert applications.expire_unconfirmed(session, now=later) == (0, 0)

    assert accepted.status == ApplicationStatus.LAPSED
    assert reserve_one.status == ApplicationStatus.ACCEPTED
    with pytest.raises(DomainError):
        applications.confirm_place(session, accepted, now=later, actor_id=None)


def test_a_pending_acceptance_withdrawn_gives_its_seat_back(session, call):
    staff = reviewer_of(session, call)
    application = make_application(session, call)
    applications.set_decision(session, application, Decision.ACCEPT, actor_id=staff.id)
    applications.withdraw(session, application, now=now(), actor_id=application.user_id)
    session.refresh(call)
    assert call.seats_taken == 0
    assert application.pending_decision is None


def test_cancelling_an_applicants_place_withdraws_the_application_and_offers_the_reserve(
    session, call
):
    staff = reviewer_of(session, call)
    accepted, reserve_one, _, _ = decide_all(session, call, staff)
    applications.send_decisions(session, call, actor_id=staff.id, now=now())
    applications.confirm_place(session, accepted, now=now(), actor_id=accepted.user_id)

    enrolment.cancel_place(session, accepted.enrolment, actor_id=staff.id, now=now())

    assert accepted.status == ApplicationStatus.WITHDRAWN
    assert reserve_one.status == ApplicationStatus.ACCEPTED
    session.refresh(call)
    assert call.seats_taken == 1


def test_closing_the_account_withdraws_its_applications_and_deletes_the_pitch_deck(session, call):
    from app.services import storage
    from app.services.accounts import privacy
    from tests.factories import DEFAULT_PASSWORD
    from tests.services.test_applications import PDF

    application = make_application(session, call, pitch_deck=PDF)
    session.commit()
    key = application.pitch_deck_key
    privacy.erase_user(session, application.user_id, password=DEFAULT_PASSWORD, now=now())
    session.commit()
    assert application.status == ApplicationStatus.WITHDRAWN
    assert application.submitted_at is not None  # still counted as an application
    assert application.description is None and application.pitch_deck_key is None
    assert not storage.storage().exists(key)


def test_the_rows_count_applications_and_entrepreneurs_by_year_programme_and_municipality(
    session, call
):
    """What the indicator store will read: submitted applications and confirmed places per
    year of submission, programme and the applicant's municipality then, still there once
    the applicant's account is erased."""
    from app.models import Application, Municipality, Offering, Programme
    from app.services.accounts import privacy
    from tests.factories import DEFAULT_PASSWORD

    staff = reviewer_of(session, call)
    accepted, *_ = decide_all(session, call, staff)
    applications.send_decisions(session, call, actor_id=staff.id, now=now())
    applications.confirm_place(session, accepted, now=now(), actor_id=accepted.user_id)
    session.commit()
    # The programme has started: erasing the account keeps the participation as it is.
    call.starts_at = now() - timedelta(days=1)
    privacy.erase_user(session, accepted.user_id, password=DEFAULT_PASSWORD, now=now())
    session.commit()

    year = sa.extract("year", Application.submitted_at)
    counts = session.execute(
        sa.select(
            year,
            Programme.slug,
            Municipality.slug,
            sa.func.count(),
            sa.func.count(Application.confirmed_at),
        )
        .join(Offering, Application.offering_id == Offering.id)
        .join(Programme, Offering.programme_id == Programme.id)
        .join(Municipality, Application.municipality_id == Municipality.id)
        .where(Application.submitted_at.is_not(None))
        .group_by(year, Programme.slug, Municipality.slug)
    ).all()
    assert [tuple(row) for row in counts] == [(now().year, "acceleration", "las-rozas", 4, 1)]
    assert accepted.user.erased_at is not None
    assert accepted.status == ApplicationStatus.CONFIRMED


def test_clearing_a_decision_that_was_never_made_changes_nothing(session, call):
    staff = reviewer_of(session, call)
    application = make_application(session, call)
    applications.set_decision(session, application, None, actor_id=staff.id)
    assert application.pending_decision is None
    assert application.status == ApplicationStatus.SUBMITTED

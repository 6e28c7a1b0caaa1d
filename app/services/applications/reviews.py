"""Reviewers score each application per criterion, abstain, or declare a conflict of
interest. A reviewer sees the others' scores only once they have scored it themselves, and
never after declaring a conflict. An application's figure is the mean of its reviews'
weighted scores (each criterion as a share of its scale, weighted), in points of 100."""

from dataclasses import dataclass
from datetime import datetime
from statistics import fmean

from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.models import (
    Application,
    ApplicationCriterion,
    ApplicationStatus,
    CallReviewer,
    Review,
    ReviewScore,
    ReviewStatus,
    User,
)
from app.services import audit
from app.services.applications.calls import criteria
from app.services.applications.states import transition
from app.services.errors import Conflict, DomainError, Forbidden, NotFound

_record_application = audit.recorder("application")

REVIEWABLE = (
    ApplicationStatus.SUBMITTED,
    ApplicationStatus.UNDER_REVIEW,
    ApplicationStatus.SHORTLISTED,
)
NOT_YOURS = _l("We could not find that among the applications you review.")
CONFLICTED = _l(
    "You have declared a conflict of interest with this application: you cannot score it "
    "or see its scores."
)


def score_field(criterion: ApplicationCriterion) -> str:
    """The form field of a criterion's score: problems are put at it."""
    return f"score_{criterion.id}"


def get_application_to_review(session: Session, user: User, application_id: int) -> Application:
    """An application of a call this person reviews (never a draft); any other is not
    found, whoever asks, so another organisation's calls stay invisible."""
    application = session.scalar(
        select(Application)
        .join(CallReviewer, CallReviewer.offering_id == Application.offering_id)
        .where(
            Application.id == application_id,
            CallReviewer.user_id == user.id,
            Application.status != ApplicationStatus.DRAFT,
        )
    )
    if application is None:
        raise NotFound(NOT_YOURS)
    return application


def review_of(session: Session, application_id: int, reviewer_id: int) -> Review | None:
    return session.scalar(
        select(Review).where(
            Review.application_id == application_id, Review.reviewer_id == reviewer_id
        )
    )


def sees_scores(own: Review | None) -> bool:
    """Others' scores are shown to a reviewer who has scored this application."""
    return own is not None and own.status == ReviewStatus.SCORED


def _own_review(
    session: Session, application: Application, reviewer: User, now: datetime
) -> Review:
    if application.status not in REVIEWABLE:
        raise Conflict(_l("This application is no longer open to review."))
    if application.user_id == reviewer.id:
        raise Forbidden(_l("You cannot review your own application."))
    review = review_of(session, application.id, reviewer.id)
    if review is not None and review.status == ReviewStatus.CONFLICT:
        raise Forbidden(CONFLICTED)
    if review is None:
        review = Review(application=application, reviewer_id=reviewer.id, created_at=now)
        session.add(review)
    return review


def _under_review(session: Session, application: Application, now: datetime, actor_id: int):
    if application.status == ApplicationStatus.SUBMITTED:
        transition(session, application, ApplicationStatus.UNDER_REVIEW, now, actor_id, "reviewed")


def score(
    session: Session,
    application: Application,
    reviewer: User,
    *,
    scores: dict[int, int | None],
    comment: str,
    now: datetime,
) -> Review:
    """Score every criterion of the call (0 to its scale), with a comment."""
    problems = []
    given = {}
    for criterion in criteria(session, application.offering_id):
        value = scores.get(criterion.id)
        if value is None:
            problems.append((score_field(criterion), _l("Give a score for this criterion.")))
        elif not 0 <= value <= criterion.scale_max:
            problems.append(
                (
                    score_field(criterion),
                    _l("Give a score from 0 to %(max)s.", max=criterion.scale_max),
                )
            )
        else:
            given[criterion.id] = value
    if not given and not problems:
        raise Conflict(_l("This call has no criteria to score yet."))
    if problems:
        raise DomainError(problems=problems)
    review = _own_review(session, application, reviewer, now)
    review.status = ReviewStatus.SCORED
    review.comment = comment.strip() or None
    review.updated_at = now
    review.scores = [ReviewScore(criterion_id=cid, score=value) for cid, value in given.items()]
    session.flush()
    _under_review(session, application, now, reviewer.id)
    _record(session, application, reviewer, "review.score", {"scores": given})
    return review


def _verdict_without_scores(session, application, reviewer, status, comment, now) -> Review:
    review = _own_review(session, application, reviewer, now)
    review.status = status
    review.comment = comment.strip() or None
    review.updated_at = now
    review.scores = []
    session.flush()
    _record(session, application, reviewer, f"review.{status.value}", {})
    return review


def abstain(
    session: Session, application: Application, reviewer: User, *, comment: str, now: datetime
) -> Review:
    return _verdict_without_scores(
        session, application, reviewer, ReviewStatus.ABSTAINED, comment, now
    )


def declare_conflict(
    session: Session, application: Application, reviewer: User, *, comment: str, now: datetime
) -> Review:
    """For good: from now on the reviewer neither scores nor sees this application's scores."""
    return _verdict_without_scores(
        session, application, reviewer, ReviewStatus.CONFLICT, comment, now
    )


def _record(session, application, reviewer, action, after):
    _record_application(
        session,
        application,
        reviewer.id,
        action,
        f"{reviewer.name} on application {application.id}: {action.partition('.')[2]}",
        after={"reviewer": reviewer.id, **after},
    )


def weighted_score(review: Review, by_id: dict[int, ApplicationCriterion]) -> float | None:
    """A scored review as points of 100: each criterion's share of its scale, weighted."""
    parts = [(by_id[s.criterion_id], s.score) for s in review.scores if s.criterion_id in by_id]
    total_weight = sum(criterion.weight for criterion, _ in parts)
    if review.status != ReviewStatus.SCORED or not total_weight:
        return None
    points = sum(criterion.weight * value / criterion.scale_max for criterion, value in parts)
    return 100 * points / total_weight


@dataclass(frozen=True)
class Standing:
    """An application's figures across its reviews."""

    mean: float | None
    spread: float | None  # highest minus lowest weighted score
    reviews: int  # scored reviews
    abstentions: int
    conflicts: int


def standing(review_rows: list[Review], by_id: dict[int, ApplicationCriterion]) -> Standing:
    totals = [t for t in (weighted_score(r, by_id) for r in review_rows) if t is not None]
    return Standing(
        mean=fmean(totals) if totals else None,
        spread=(max(totals) - min(totals)) if totals else None,
        reviews=len(totals),
        abstentions=sum(1 for r in review_rows if r.status == ReviewStatus.ABSTAINED),
        conflicts=sum(1 for r in review_rows if r.status == ReviewStatus.CONFLICT),
    )

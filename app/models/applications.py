"""Calls for applications: criteria, reviewers, entrepreneurs' applications and reviews.

A call is an offering in application mode: its window is the enrolment window, its cohort
size the capacity, and an accepted application holds one of its seats (the offering's
``seats_taken``, under the same conditional UPDATE as enrolments)."""

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import db
from app.models.accounts import User
from app.models.catalogue import Municipality, Offering
from app.models.enrolment import Enrolment
from app.models.enums import ApplicationStatus, Decision, ProjectStage, ReviewStatus
from app.models.types import StatusEvent, UTCDateTime, enum_column, outlives, owned_by, owns, utcnow

MAX_SCALE = 10
MAX_WEIGHT = 100


class ApplicationCriterion(db.Model):
    """A published selection criterion of a call: scored from 0 to ``scale_max``."""

    __table_args__ = (
        sa.CheckConstraint(f"weight BETWEEN 1 AND {MAX_WEIGHT}", name="weight_in_range"),
        sa.CheckConstraint(f"scale_max BETWEEN 1 AND {MAX_SCALE}", name="scale_in_range"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    offering_id: Mapped[int] = owned_by("offering", index=True)
    name_es: Mapped[str] = mapped_column(sa.String(120))
    name_en: Mapped[str | None] = mapped_column(sa.String(120))
    description_es: Mapped[str | None] = mapped_column(sa.String(600))
    description_en: Mapped[str | None] = mapped_column(sa.String(600))
    weight: Mapped[int]
    scale_max: Mapped[int]
    position: Mapped[int] = mapped_column(default=0)

    offering: Mapped[Offering] = relationship()


class CallReviewer(db.Model):
    """Who reviews a call's applications."""

    offering_id: Mapped[int] = owned_by("offering", primary_key=True)
    user_id: Mapped[int] = owned_by("user_account", primary_key=True, index=True)
    added_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    user: Mapped[User] = relationship()
    offering: Mapped[Offering] = relationship()


class Application(db.Model):
    """An entrepreneur's project for a call. One per person and call (the unique index),
    however many requests arrive at once.

    The facts the indicator store counts stay on the row when the account is erased:
    the call (programme, year), ``submitted_at``, ``accepted_at``, ``confirmed_at`` and the
    applicant's municipality of residence when they submitted."""

    __table_args__ = (
        sa.UniqueConstraint("offering_id", "user_id", name="uq_application_person_call"),
        sa.Index("ix_application_offering_status", "offering_id", "status"),
        sa.CheckConstraint("team_size IS NULL OR team_size >= 1", name="team_size_positive"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    offering_id: Mapped[int] = mapped_column(sa.ForeignKey("offering.id"))
    user_id: Mapped[int | None] = outlives("user_account", index=True)
    status: Mapped[ApplicationStatus] = mapped_column(enum_column(ApplicationStatus))

    project_name: Mapped[str] = mapped_column(sa.String(200))
    description: Mapped[str | None] = mapped_column(sa.Text)
    stage: Mapped[ProjectStage | None] = mapped_column(enum_column(ProjectStage))
    sector: Mapped[str | None] = mapped_column(sa.String(120))
    team_size: Mapped[int | None]
    website: Mapped[str | None] = mapped_column(sa.String(300))
    expectations: Mapped[str | None] = mapped_column(sa.Text)
    # The stored file's random key (never the name it was sent with) and its size in bytes.
    pitch_deck_key: Mapped[str | None] = mapped_column(sa.String(200))
    pitch_deck_size: Mapped[int | None]

    municipality_id: Mapped[int | None] = mapped_column(sa.ForeignKey("municipality.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)
    submitted_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    accepted_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    confirm_by: Mapped[datetime | None] = mapped_column(UTCDateTime())
    confirmed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    # Staff's decision, kept until they send every decision of the call in one step. A
    # pending acceptance already holds its seat: the cohort size is never exceeded.
    pending_decision: Mapped[Decision | None] = mapped_column(enum_column(Decision))
    pending_message: Mapped[str | None] = mapped_column(sa.Text)
    decision_message: Mapped[str | None] = mapped_column(sa.Text)
    # Order on the reserve list (pending or sent): lower goes first, then the older id.
    reserve_rank: Mapped[int | None]
    # The participant's place, made when the accepted applicant confirms.
    enrolment_id: Mapped[int | None] = outlives("enrolment")

    offering: Mapped[Offering] = relationship()
    user: Mapped[User | None] = relationship()
    municipality: Mapped[Municipality | None] = relationship()
    enrolment: Mapped[Enrolment | None] = relationship()
    events: Mapped[list["ApplicationEvent"]] = owns(
        back_populates="application", order_by="ApplicationEvent.id"
    )
    reviews: Mapped[list["Review"]] = owns(back_populates="application", order_by="Review.id")

    def __repr__(self) -> str:
        return f"<Application {self.id} {self.status.value}>"

    @property
    def holds_seat(self) -> bool:
        return self.status.holds_place or self.pending_decision == Decision.ACCEPT


class ApplicationEvent(StatusEvent, db.Model):
    """Status history: every change of an application, when, and by whom."""

    application_id: Mapped[int] = owned_by("application", index=True)
    status: Mapped[ApplicationStatus] = mapped_column(enum_column(ApplicationStatus))
    reason: Mapped[str | None] = mapped_column(sa.String(64))

    application: Mapped[Application] = relationship(back_populates="events")


class Review(db.Model):
    """One reviewer's verdict on one application: scores, an abstention or a conflict."""

    __table_args__ = (
        sa.UniqueConstraint("application_id", "reviewer_id", name="uq_review_reviewer"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    application_id: Mapped[int] = owned_by("application", index=True)
    reviewer_id: Mapped[int | None] = outlives("user_account", index=True)
    status: Mapped[ReviewStatus] = mapped_column(enum_column(ReviewStatus))
    comment: Mapped[str | None] = mapped_column(sa.Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)

    application: Mapped[Application] = relationship(back_populates="reviews")
    reviewer: Mapped[User | None] = relationship()
    scores: Mapped[list["ReviewScore"]] = owns(back_populates="review")


class ReviewScore(db.Model):
    __table_args__ = (sa.CheckConstraint("score >= 0", name="score_not_negative"),)

    review_id: Mapped[int] = owned_by("review", primary_key=True)
    criterion_id: Mapped[int] = owned_by("application_criterion", primary_key=True, index=True)
    score: Mapped[int]

    review: Mapped[Review] = relationship(back_populates="scores")
    criterion: Mapped[ApplicationCriterion] = relationship()

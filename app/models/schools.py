"""Schools and their classes: teachers joining a school, proposed schools, class-mode rules
of an offering, pupils per session, and class registrations with their history.

Pupils are counted, never named: a registration holds numbers, the group's name and what the
group needs, and the teacher who registered it (kept as a count when the teacher leaves)."""

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import db
from app.models.accounts import User
from app.models.catalogue import LIST_SEPARATOR, Offering, OfferingSession, Organisation
from app.models.enums import ClassStatus, MembershipStatus, Stage
from app.models.types import (
    StatusEvent,
    UTCDateTime,
    enum_column,
    outlives,
    owned_by,
    owns,
    partial_index,
    utcnow,
)

LIVE_MEMBERSHIP = "status IN ('pending', 'approved')"


class SchoolProposal(db.Model):
    """A school a teacher added to the map because it was not there: it exists at once (the
    teacher's request waits on it) and partnership staff review it."""

    organisation_id: Mapped[int] = owned_by("organisation", primary_key=True)
    proposed_by_id: Mapped[int | None] = outlives("user_account")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    reviewed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    reviewed_by_id: Mapped[int | None] = outlives("user_account")

    organisation: Mapped[Organisation] = relationship()

    @property
    def is_pending(self) -> bool:
        return self.reviewed_at is None


class SchoolMembership(db.Model):
    """A teacher's place in a school: asked for (pending) and approved by the school's staff
    or partnership staff, or approved at once by accepting an invitation. One live
    membership per person; the coordinator of a school may invite colleagues."""

    __table_args__ = (
        partial_index("uq_school_membership_live", "user_id", where=LIVE_MEMBERSHIP, unique=True),
        sa.Index("ix_school_membership_school", "organisation_id", "status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = owned_by("user_account")
    organisation_id: Mapped[int] = owned_by("organisation")
    status: Mapped[MembershipStatus] = mapped_column(enum_column(MembershipStatus))
    coordinator: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    decided_by_id: Mapped[int | None] = outlives("user_account")

    user: Mapped[User] = relationship(foreign_keys=[user_id])
    organisation: Mapped[Organisation] = relationship()


class ClassRules(db.Model):
    """How an offering in class mode takes classes; an offering without a row takes every
    stage, any number of classes per school and one accompanying teacher at least."""

    __table_args__ = (
        sa.CheckConstraint(
            "max_classes_per_school IS NULL OR max_classes_per_school > 0", name="cap_positive"
        ),
        sa.CheckConstraint(
            "pupils_per_teacher IS NULL OR pupils_per_teacher > 0", name="ratio_positive"
        ),
    )

    offering_id: Mapped[int] = owned_by("offering", primary_key=True)
    stages: Mapped[str | None] = mapped_column(sa.String(120))  # "primaria|eso"
    max_classes_per_school: Mapped[int | None]
    # At least one accompanying teacher for every this many pupils (or part of it).
    pupils_per_teacher: Mapped[int | None]

    @property
    def stage_list(self) -> list[Stage]:
        chosen = {value for value in (self.stages or "").split(LIST_SEPARATOR) if value}
        return [stage for stage in Stage if stage.value in chosen] or list(Stage)


class ClassSession(db.Model):
    """The pupils one session of a class-mode offering takes, and how many it holds: the
    counter that the conditional UPDATE of every registration keeps within capacity."""

    __table_args__ = (
        sa.CheckConstraint("capacity >= 0", name="capacity_not_negative"),
        sa.CheckConstraint("pupils_taken >= 0 AND pupils_taken <= capacity", name="pupils_within"),
    )

    session_id: Mapped[int] = owned_by("session", primary_key=True)
    capacity: Mapped[int]
    pupils_taken: Mapped[int] = mapped_column(default=0)

    meeting: Mapped[OfferingSession] = relationship()

    @property
    def pupils_left(self) -> int:
        return max(self.capacity - self.pupils_taken, 0)


class ClassRegistration(db.Model):
    """A school's class in one session of a class-mode offering: confirmed whole, or waiting
    for its chosen or alternative sessions (ranked in ``choices``)."""

    __table_args__ = (
        sa.CheckConstraint("pupils > 0", name="pupils_positive"),
        sa.CheckConstraint("teachers > 0", name="teachers_positive"),
        sa.CheckConstraint(
            "pupils_present IS NULL OR pupils_present >= 0", name="present_not_negative"
        ),
        # One live registration per class name (in any case) of a school and session.
        ClassStatus.one_live_place(
            "uq_class_registration_live", "session_id", "school_id", "group_key"
        ),
        sa.Index("ix_class_registration_offering_status", "offering_id", "status", "id"),
        sa.Index("ix_class_registration_school", "school_id", "offering_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    offering_id: Mapped[int] = mapped_column(sa.ForeignKey("offering.id"))
    session_id: Mapped[int] = mapped_column(sa.ForeignKey("session.id"))
    school_id: Mapped[int] = mapped_column(sa.ForeignKey("organisation.id"))
    teacher_id: Mapped[int | None] = outlives("user_account", index=True)
    status: Mapped[ClassStatus] = mapped_column(enum_column(ClassStatus))
    group_name: Mapped[str] = mapped_column(sa.String(80))
    group_key: Mapped[str] = mapped_column(sa.String(80))
    stage: Mapped[Stage] = mapped_column(enum_column(Stage))
    grade: Mapped[str] = mapped_column(sa.String(40))
    pupils: Mapped[int]
    teachers: Mapped[int]
    accessibility: Mapped[str | None] = mapped_column(sa.String(1000))
    phone: Mapped[str] = mapped_column(sa.String(40))
    pupils_present: Mapped[int | None]
    decline_reason: Mapped[str | None] = mapped_column(sa.String(1000))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)
    reminded_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    headcount_confirmed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    offering: Mapped[Offering] = relationship()
    meeting: Mapped[OfferingSession] = relationship()
    school: Mapped[Organisation] = relationship()
    teacher: Mapped[User | None] = relationship()
    choices: Mapped[list["ClassChoice"]] = owns(order_by="ClassChoice.rank")
    events: Mapped[list["ClassEvent"]] = owns(order_by="ClassEvent.id")

    def __repr__(self) -> str:
        return f"<ClassRegistration {self.id} {self.status.value}>"

    @property
    def choice_ids(self) -> list[int]:
        return [choice.session_id for choice in self.choices]


class ClassChoice(db.Model):
    """The sessions a class will take, in the school's order: rank 0 is the one chosen."""

    registration_id: Mapped[int] = owned_by("class_registration", primary_key=True)
    rank: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(sa.ForeignKey("session.id"), index=True)


class ClassEvent(StatusEvent, db.Model):
    """Status history of a registration: every change, its pupils and session, and who."""

    registration_id: Mapped[int] = owned_by("class_registration", index=True)
    status: Mapped[ClassStatus] = mapped_column(enum_column(ClassStatus))
    session_id: Mapped[int] = mapped_column(sa.ForeignKey("session.id"))
    pupils: Mapped[int]
    reason: Mapped[str] = mapped_column(sa.String(64))

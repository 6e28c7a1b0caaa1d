"""Places in offerings and their history."""

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import db
from app.models.accounts import User
from app.models.catalogue import Offering
from app.models.enums import EnrolmentStatus
from app.models.types import StatusEvent, UTCDateTime, enum_column, outlives, owned_by, owns, utcnow


def _first_status_is(status: EnrolmentStatus):
    """A column default: whether the place starts with ``status``."""
    return lambda context: context.get_current_parameters()["status"] == status


class Enrolment(db.Model):
    """A person's place (confirmed or waiting) in an offering.

    The partial unique index is what stops one person holding two live places in an
    offering, however many requests arrive at once."""

    __table_args__ = (
        EnrolmentStatus.one_live_place("uq_enrolment_live_place", "offering_id", "user_id"),
        sa.Index("ix_enrolment_offering_status", "offering_id", "status", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    offering_id: Mapped[int] = mapped_column(sa.ForeignKey("offering.id"))
    user_id: Mapped[int | None] = outlives("user_account", index=True)
    status: Mapped[EnrolmentStatus] = mapped_column(enum_column(EnrolmentStatus))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)
    reminded_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    completed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # Whether the place was ever confirmed / ever on the waiting list (its events say so too;
    # these let a year's figures be counted without reading every event back).
    ever_confirmed: Mapped[bool] = mapped_column(
        default=_first_status_is(EnrolmentStatus.CONFIRMED), server_default=sa.false()
    )
    ever_waited: Mapped[bool] = mapped_column(
        default=_first_status_is(EnrolmentStatus.WAITING), server_default=sa.false()
    )

    offering: Mapped[Offering] = relationship()
    user: Mapped[User | None] = relationship()
    events: Mapped[list["EnrolmentEvent"]] = owns(
        back_populates="enrolment", order_by="EnrolmentEvent.id"
    )

    def __repr__(self) -> str:
        return f"<Enrolment {self.id} {self.status.value}>"


class EnrolmentEvent(StatusEvent, db.Model):
    """Status history: every change of an enrolment, when, and by whom."""

    enrolment_id: Mapped[int] = owned_by("enrolment", index=True)
    status: Mapped[EnrolmentStatus] = mapped_column(enum_column(EnrolmentStatus))
    reason: Mapped[str | None] = mapped_column(sa.String(64))

    enrolment: Mapped[Enrolment] = relationship(back_populates="events")

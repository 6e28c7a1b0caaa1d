"""People: accounts, and the optional profile behind the partnership's inclusion figures."""

import secrets
from datetime import datetime

import sqlalchemy as sa
from flask_login import UserMixin
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import db
from app.models.catalogue import Municipality, Organisation
from app.models.enums import AgeBand, EducationLevel, EmploymentStatus, Gender, Role
from app.models.types import UTCDateTime, enum_column, owned_by, owns, utcnow

STAFF_ROLES = (Role.ORGANISATION_STAFF, Role.SCHOOL_STAFF, Role.COORDINATOR, Role.ADMIN)


def new_session_token() -> str:
    return secrets.token_urlsafe(32)


class User(UserMixin, db.Model):
    """One account per person. Erased accounts keep their row, emptied of personal data,
    so that past participations still count."""

    __tablename__ = "user_account"

    id: Mapped[int] = mapped_column(primary_key=True)
    # Stored lower-cased by the service; unique so one address is one person.
    email: Mapped[str | None] = mapped_column(sa.String(254), unique=True)
    name: Mapped[str] = mapped_column(sa.String(120))
    password_hash: Mapped[str | None] = mapped_column(sa.String(255))
    preferred_language: Mapped[str] = mapped_column(sa.String(2), default="es")
    municipality_id: Mapped[int | None] = mapped_column(sa.ForeignKey("municipality.id"))
    role: Mapped[Role] = mapped_column(enum_column(Role), default=Role.RESIDENT)
    organisation_id: Mapped[int | None] = mapped_column(sa.ForeignKey("organisation.id"))
    email_confirmed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # The cookie carries this token, not the id: rotating it ends every other session.
    session_token: Mapped[str] = mapped_column(
        sa.String(64), unique=True, default=new_session_token
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    last_login_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    password_changed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    erased_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    municipality: Mapped[Municipality | None] = relationship()
    organisation: Mapped[Organisation | None] = relationship()
    profile: Mapped["ParticipantProfile | None"] = owns(back_populates="user", uselist=False)

    def __repr__(self) -> str:
        return f"<User {self.id}>"

    def get_id(self) -> str:
        return self.session_token

    @property
    def is_active(self) -> bool:
        return self.erased_at is None and self.email_confirmed_at is not None

    @property
    def is_staff(self) -> bool:
        return self.role in STAFF_ROLES


class ParticipantProfile(db.Model):
    """Optional answers for the inclusion figures; each is asked with its purpose.
    Disability is health data (GDPR art. 9): stored only with its own explicit consent."""

    __table_args__ = (
        sa.CheckConstraint(
            "disability IS NULL OR disability_consent_at IS NOT NULL",
            name="disability_needs_consent",
        ),
    )

    user_id: Mapped[int] = owned_by("user_account", primary_key=True)
    birth_year: Mapped[int | None]
    age_band: Mapped[AgeBand | None] = mapped_column(enum_column(AgeBand))
    gender: Mapped[Gender | None] = mapped_column(enum_column(Gender))
    employment_status: Mapped[EmploymentStatus | None] = mapped_column(
        enum_column(EmploymentStatus)
    )
    education_level: Mapped[EducationLevel | None] = mapped_column(enum_column(EducationLevel))
    disability: Mapped[bool | None]
    disability_consent_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)

    user: Mapped[User] = relationship(back_populates="profile")

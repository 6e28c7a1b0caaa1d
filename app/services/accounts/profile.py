"""The optional inclusion profile: what a person chooses to tell for the partnership's figures.

Every answer is set here one by one (never copied wholesale from a form). Disability is
health data (GDPR art. 9.2.a): it is kept only while its own explicit consent stands, and
withdrawing the consent deletes the answer."""

from dataclasses import dataclass
from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Session

from app.models import AgeBand, EducationLevel, EmploymentStatus, Gender, ParticipantProfile, User
from app.services.errors import DomainError, NotFound

EARLIEST_BIRTH_YEAR = 1900


@dataclass(frozen=True)
class ProfileAnswers:
    """None means "no answer"; the enums carry their own "prefer not to say" option."""

    birth_year: int | None = None
    age_band: AgeBand | None = None
    gender: Gender | None = None
    employment_status: EmploymentStatus | None = None
    education_level: EducationLevel | None = None
    disability_consent: bool = False
    disability: bool | None = None


def get_profile(session: Session, user_id: int) -> ParticipantProfile | None:
    return session.get(ParticipantProfile, user_id)


def save_profile(
    session: Session, user_id: int, answers: ProfileAnswers, now: datetime
) -> ParticipantProfile:
    user = session.get(User, user_id)
    if user is None or user.erased_at is not None:
        raise NotFound(_l("This account does not exist."))
    if answers.birth_year is not None and not (
        EARLIEST_BIRTH_YEAR <= answers.birth_year <= now.year
    ):
        raise DomainError(
            _l(
                "Enter a year between %(first)s and %(last)s.",
                first=EARLIEST_BIRTH_YEAR,
                last=now.year,
            ),
            "birth_year",
        )
    profile = user.profile or ParticipantProfile(user=user)
    profile.birth_year = answers.birth_year
    # The year gives the band at any date; storing a band beside it could only contradict it.
    profile.age_band = None if answers.birth_year is not None else answers.age_band
    profile.gender = answers.gender
    profile.employment_status = answers.employment_status
    profile.education_level = answers.education_level
    if answers.disability_consent and answers.disability is not None:
        profile.disability_consent_at = profile.disability_consent_at or now
        profile.disability = answers.disability
    else:
        profile.disability = None
        profile.disability_consent_at = None
    profile.updated_at = now
    session.add(profile)
    session.flush()
    return profile

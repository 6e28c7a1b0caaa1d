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


def _live_user(session: Session, user_id: int) -> User:
    user = session.get(User, user_id)
    if user is None or user.erased_at is not None:
        raise NotFound(_l("This account does not exist."))
    return user


def _check_birth_year(birth_year: int | None, now: datetime) -> None:
    if birth_year is not None and not (EARLIEST_BIRTH_YEAR <= birth_year <= now.year):
        raise DomainError(
            _l(
                "Enter a year between %(first)s and %(last)s.",
                first=EARLIEST_BIRTH_YEAR,
                last=now.year,
            ),
            "birth_year",
        )


def _set_birth_year(profile: ParticipantProfile, birth_year: int | None, age_band) -> None:
    profile.birth_year = birth_year
    # The year gives the band at any date; storing a band beside it could only contradict it.
    profile.age_band = None if birth_year is not None else age_band


def save_profile(
    session: Session, user_id: int, answers: ProfileAnswers, now: datetime
) -> ParticipantProfile:
    user = _live_user(session, user_id)
    _check_birth_year(answers.birth_year, now)
    profile = user.profile or ParticipantProfile(user=user)
    _set_birth_year(profile, answers.birth_year, answers.age_band)
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


def save_birth_year(session: Session, user_id: int, birth_year: int, now: datetime):
    """Only the year of birth (asked by an offering with age limits), kept where the
    profile keeps it; the person's other answers stay as they are."""
    user = _live_user(session, user_id)
    _check_birth_year(birth_year, now)
    profile = user.profile or ParticipantProfile(user=user)
    _set_birth_year(profile, birth_year, None)
    profile.updated_at = now
    session.add(profile)
    session.flush()
    return profile

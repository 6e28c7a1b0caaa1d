"""Offerings with age limits: when the enrol step should ask for the year of birth alone.

The eligibility rules stay in ``places``; this only asks them whether a year that fits the
limits is all that stands between the person and a place."""

from dataclasses import dataclass
from datetime import datetime

from app.models import Offering, User
from app.services.enrolment.places import age_in_year, check_eligibility
from app.services.errors import DomainError


@dataclass(frozen=True)
class _WithBirthYear:
    """The person as ``check_eligibility`` sees them, with a year of birth they have not
    given yet."""

    municipality: object
    profile: object


@dataclass(frozen=True)
class _Profile:
    birth_year: int


def age_year(offering: Offering, now: datetime) -> int:
    """The year in which an offering's age limits are counted: the year it starts."""
    return (offering.starts_at or now).year


def asks_birth_year(offering: Offering, user: User, now: datetime) -> bool:
    """True when the person could take a place once they say their year of birth: the
    offering has age limits, the year is unknown, and nothing else would refuse them."""
    if offering.min_age is None and offering.max_age is None:
        return False
    year = age_year(offering, now)
    if age_in_year(user, year) is not None:
        return False
    fitting_age = offering.min_age if offering.min_age is not None else offering.max_age
    stand_in = _WithBirthYear(user.municipality, _Profile(year - fitting_age))
    try:
        check_eligibility(offering, stand_in, now)
    except DomainError:
        return False
    return True

"""Every category and status of the models, each with its translated label, defined once.

The members are data, in vocabularies.toml (each stored value beside its label); the rules
that go with a vocabulary are the methods of its base class here."""

import tomllib
from pathlib import Path

from flask_babel import lazy_gettext as _l

from app.models.types import LabelledEnum, PlaceStatus

_VOCABULARIES = tomllib.loads(Path(__file__).with_name("vocabularies.toml").read_text("utf-8"))


def _vocabulary(name: str, base: type[LabelledEnum] = LabelledEnum) -> type[LabelledEnum]:
    """The enum of the table ``name`` of vocabularies.toml, its labels translated lazily."""
    members = [
        (member, (value, _l(label))) for member, (value, label) in _VOCABULARIES[name].items()
    ]
    return base(name, members, module=__name__, qualname=name)


# The vocabularies that are data alone, in the order of vocabularies.toml.
Mode = _vocabulary("Mode")
Format = _vocabulary("Format")
Audience = _vocabulary("Audience")
InstructionLanguage = _vocabulary("InstructionLanguage")
Level = _vocabulary("Level")
OfferingStatus = _vocabulary("OfferingStatus")
Availability = _vocabulary("Availability")
OrganisationKind = _vocabulary("OrganisationKind")
Role = _vocabulary("Role")
OutboxStatus = _vocabulary("OutboxStatus")
AgeBand = _vocabulary("AgeBand")
Gender = _vocabulary("Gender")
EmploymentStatus = _vocabulary("EmploymentStatus")
EducationLevel = _vocabulary("EducationLevel")
Decision = _vocabulary("Decision")
ProjectStage = _vocabulary("ProjectStage")
ReviewStatus = _vocabulary("ReviewStatus")
Stage = _vocabulary("Stage")
MembershipStatus = _vocabulary("MembershipStatus")


class _KindRules(LabelledEnum):
    @property
    def is_one_off(self) -> bool:
        """Activities published as schema.org Events rather than Courses."""
        return self in ONE_OFF_KINDS


Kind = _vocabulary("Kind", _KindRules)
ONE_OFF_KINDS = frozenset(
    {Kind.TALK, Kind.SCIENCE_WEEK_ACTIVITY, Kind.STEAM_CONGRESS, Kind.WORKSHOP}
)


class _ApplicationStatusRules(LabelledEnum):
    @property
    def holds_place(self) -> bool:
        return self in (ApplicationStatus.ACCEPTED, ApplicationStatus.CONFIRMED)

    @property
    def is_closed(self) -> bool:
        return self in CLOSED_APPLICATION_STATUSES


ApplicationStatus = _vocabulary("ApplicationStatus", _ApplicationStatusRules)
CLOSED_APPLICATION_STATUSES = (
    ApplicationStatus.NOT_SELECTED,
    ApplicationStatus.WITHDRAWN,
    ApplicationStatus.LAPSED,
)

# A person's place in an offering and a school class's in a session.
EnrolmentStatus = _vocabulary("EnrolmentStatus", PlaceStatus)
LIVE_ENROLMENT_STATUSES = EnrolmentStatus.live()
ClassStatus = _vocabulary("ClassStatus", PlaceStatus)
LIVE_CLASS_STATUSES = ClassStatus.live()

"""All models, imported here so that Alembic sees every table."""

from app.models.accounts import STAFF_ROLES, ParticipantProfile, User
from app.models.backoffice import Attendance, AuditEntry
from app.models.catalogue import (
    Municipality,
    Offering,
    OfferingAudience,
    OfferingLanguage,
    OfferingSession,
    Organisation,
    Programme,
    SearchTerm,
)
from app.models.enrolment import Enrolment, EnrolmentEvent
from app.models.enums import (
    LIVE_ENROLMENT_STATUSES,
    AgeBand,
    Audience,
    Availability,
    EducationLevel,
    EmploymentStatus,
    EnrolmentStatus,
    Format,
    Gender,
    InstructionLanguage,
    Kind,
    Level,
    Mode,
    OfferingStatus,
    OrganisationKind,
    OutboxStatus,
    Role,
)
from app.models.outbox import OutboxMessage
from app.models.types import utcnow

__all__ = [
    "LIVE_ENROLMENT_STATUSES",
    "STAFF_ROLES",
    "AgeBand",
    "Attendance",
    "Audience",
    "AuditEntry",
    "Availability",
    "EducationLevel",
    "EmploymentStatus",
    "Enrolment",
    "EnrolmentEvent",
    "EnrolmentStatus",
    "Format",
    "Gender",
    "InstructionLanguage",
    "Kind",
    "Level",
    "Mode",
    "Municipality",
    "Offering",
    "OfferingAudience",
    "OfferingLanguage",
    "OfferingSession",
    "OfferingStatus",
    "Organisation",
    "OrganisationKind",
    "OutboxMessage",
    "OutboxStatus",
    "ParticipantProfile",
    "Programme",
    "Role",
    "SearchTerm",
    "User",
    "utcnow",
]

"""All models, imported here so that Alembic sees every table."""

from app.models.catalogue import (
    Municipality,
    Offering,
    OfferingAudience,
    OfferingLanguage,
    Organisation,
    Programme,
    SearchTerm,
    Session,
)
from app.models.enums import (
    Audience,
    Availability,
    Format,
    InstructionLanguage,
    Kind,
    Level,
    Mode,
    OfferingStatus,
    OrganisationKind,
)
from app.models.types import utcnow

__all__ = [
    "Audience",
    "Availability",
    "Format",
    "InstructionLanguage",
    "Kind",
    "Level",
    "Mode",
    "Municipality",
    "Offering",
    "OfferingAudience",
    "OfferingLanguage",
    "OfferingStatus",
    "Organisation",
    "OrganisationKind",
    "Programme",
    "SearchTerm",
    "Session",
    "utcnow",
]

"""The ecosystem map: organisations and partnership membership."""

from app.services.organisations.directory import (
    DirectoryFilters,
    Entry,
    directory,
    ecosystem_counts,
    sectors,
)
from app.services.organisations.ecosystem import (
    DETAILS,
    ENTITY,
    MEMBERSHIP,
    WEBSITE_SCHEMES,
    Details,
    OrganisationFilters,
    create_organisation,
    get_organisation,
    list_organisations,
    municipalities,
    set_membership,
    update_organisation,
)

__all__ = [
    "DETAILS",
    "ENTITY",
    "MEMBERSHIP",
    "WEBSITE_SCHEMES",
    "Details",
    "DirectoryFilters",
    "Entry",
    "OrganisationFilters",
    "create_organisation",
    "directory",
    "ecosystem_counts",
    "get_organisation",
    "list_organisations",
    "municipalities",
    "sectors",
    "set_membership",
    "update_organisation",
]

"""The ecosystem map: organisations and partnership membership."""

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
    "OrganisationFilters",
    "create_organisation",
    "get_organisation",
    "list_organisations",
    "municipalities",
    "set_membership",
    "update_organisation",
]

"""The ecosystem map: organisations of the local ecosystem and partnership membership.

Every change is recorded in the audit log in the same transaction. Fields are set one by
one from plain values (no mass assignment), and membership has its own function because
it is what the partnership reports as "members" and asks for a fresh login.
"""

from dataclasses import dataclass
from datetime import date
from typing import TypedDict, Unpack
from urllib.parse import urlsplit

from email_validator import EmailNotValidError, validate_email
from flask_babel import lazy_gettext as _l
from sqlalchemy import Select, func, or_, select
from sqlalchemy.orm import Session, joinedload

from app.models import Municipality, Organisation, OrganisationKind
from app.services import audit
from app.services.catalogue import freshness
from app.services.errors import Conflict, DomainError, NotFound
from app.services.pagination import Page, contains_text, paginate, where_chosen

ENTITY = "organisation"
DETAILS = ("name", "kind", "sector", "municipality", "website", "contact_email")
MEMBERSHIP = ("is_member", "member_since", "member_until")
WEBSITE_SCHEMES = ("http", "https")


@dataclass(frozen=True)
class OrganisationFilters:
    q: str = ""
    kind: OrganisationKind | None = None
    municipality_id: int | None = None
    member: bool | None = None  # None: members and non-members alike


def municipalities(session: Session) -> list[Municipality]:
    return list(session.scalars(select(Municipality).order_by(Municipality.sort_order)))


def _filtered(filters: OrganisationFilters) -> Select:
    stmt = select(Organisation).options(joinedload(Organisation.municipality))
    if filters.q:
        stmt = stmt.where(contains_text(filters.q, Organisation.name, Organisation.sector))
    stmt = where_chosen(
        stmt,
        (Organisation.kind, filters.kind),
        (Organisation.municipality_id, filters.municipality_id),
        (Organisation.is_member, filters.member),
    )
    return stmt.order_by(func.lower(Organisation.name), Organisation.id)


def list_organisations(
    session: Session, filters: OrganisationFilters, *, page: int, per_page: int
) -> Page:
    """One page of the map, by name; two queries whatever the page size."""
    return paginate(session, _filtered(filters), page=page, per_page=per_page)


def get_organisation(session: Session, organisation_id: int) -> Organisation:
    organisation = session.get(Organisation, organisation_id)
    if organisation is None:
        raise NotFound(_l("There is no such organisation."))
    return organisation


def _snapshot(organisation: Organisation, fields: tuple[str, ...]) -> dict:
    values = audit.snapshot(organisation, [name for name in fields if name != "municipality"])
    if "municipality" in fields:
        place = organisation.municipality
        values["municipality"] = place.slug if place is not None else None
    return values


def _clean_name(session: Session, name: str, organisation_id: int | None) -> str:
    name = " ".join(name.split())
    if not name:
        raise DomainError(_l("Give the organisation's name."), "name")
    # The importer matches providers by name regardless of case: keep names distinct that
    # way (SQLite lowers ASCII only, so the exact name is compared too).
    clash = session.scalar(
        select(Organisation.id).where(
            or_(Organisation.name == name, func.lower(Organisation.name) == name.lower()),
            Organisation.id != organisation_id,
        )
    )
    if clash is not None:
        raise Conflict(_l("Another organisation already has this name."), "name")
    return name


def _clean_website(website: str | None) -> str | None:
    website = (website or "").strip()
    if not website:
        return None
    parts = urlsplit(website)
    if (
        parts.scheme.lower() not in WEBSITE_SCHEMES
        or not parts.hostname
        or any(char.isspace() for char in website)
    ):
        raise DomainError(
            _l(
                "Enter a web address that starts with https:// or http://, e.g. https://example.org"
            ),
            "website",
        )
    return website


def _clean_email(email: str | None) -> str | None:
    email = (email or "").strip()
    if not email:
        return None
    try:
        return validate_email(email, check_deliverability=False).normalized
    except EmailNotValidError as error:
        raise DomainError(_l("Enter a valid email address."), "contact_email") from error


def _municipality(session: Session, municipality_id: int | None) -> Municipality | None:
    if municipality_id is None:
        return None
    place = session.get(Municipality, municipality_id)
    if place is None:
        raise DomainError(_l("Choose a municipality from the list."), "municipality")
    return place


class Details(TypedDict):
    """What the back office edits about an organisation, besides membership."""

    name: str
    kind: OrganisationKind
    sector: str | None
    municipality_id: int | None
    website: str | None
    contact_email: str | None


def _set_details(session: Session, organisation: Organisation, details: Details) -> None:
    """Check every value first, then set them: a refused change leaves the row untouched."""
    name = _clean_name(session, details["name"], organisation.id)
    municipality = _municipality(session, details["municipality_id"])
    website = _clean_website(details["website"])
    contact_email = _clean_email(details["contact_email"])
    organisation.name = name
    organisation.kind = details["kind"]
    organisation.sector = " ".join((details["sector"] or "").split()) or None
    organisation.municipality = municipality
    organisation.website = website
    organisation.contact_email = contact_email


_recorder = audit.recorder(ENTITY)


def _record(session: Session, organisation: Organisation, actor_id: int, action: str, *changes):
    session.flush()
    freshness.bump_version(session)  # catalogue pages name providers
    _recorder(session, organisation, actor_id, action, organisation.name, *changes)


def create_organisation(
    session: Session, *, actor_id: int, **details: Unpack[Details]
) -> Organisation:
    """A new agent on the map (not a member: membership is set on its own)."""
    organisation = Organisation(is_member=False)
    _set_details(session, organisation, details)
    session.add(organisation)
    _record(session, organisation, actor_id, "create", None, _snapshot(organisation, DETAILS))
    return organisation


def update_organisation(
    session: Session, organisation_id: int, *, actor_id: int, **details: Unpack[Details]
) -> Organisation:
    organisation = get_organisation(session, organisation_id)
    before = _snapshot(organisation, DETAILS)
    _set_details(session, organisation, details)
    after = _snapshot(organisation, DETAILS)
    if after != before:
        _record(session, organisation, actor_id, "update", *audit.changed(before, after))
    return organisation


def set_membership(
    session: Session,
    organisation_id: int,
    *,
    actor_id: int,
    is_member: bool,
    member_since: date | None,
    member_until: date | None,
) -> Organisation:
    """Membership of the partnership: a member has a start date; an end date, if any,
    comes after it (a former member keeps both)."""
    organisation = get_organisation(session, organisation_id)
    if is_member and member_since is None:
        raise DomainError(
            _l("Give the date the organisation joined the partnership."), "member_since"
        )
    if member_until is not None and member_since is None:
        raise DomainError(_l("Give the date the membership started, too."), "member_since")
    if member_since is not None and member_until is not None and member_until <= member_since:
        raise DomainError(
            _l(
                "The membership must end after it starts (%(since)s).",
                since=member_since.isoformat(),
            ),
            "member_until",
        )
    before = _snapshot(organisation, MEMBERSHIP)
    organisation.is_member = is_member
    organisation.member_since = member_since
    organisation.member_until = member_until
    after = _snapshot(organisation, MEMBERSHIP)
    if after != before:
        _record(session, organisation, actor_id, "membership", before, after)
    return organisation

"""The public ecosystem directory: partnership members and mapped agents, each with its
published offerings, and the map counted by kind and municipality.

Schools a teacher proposed stay out until partnership staff have reviewed them."""

from collections import defaultdict
from dataclasses import dataclass

from sqlalchemy import Select, exists, func, select
from sqlalchemy.orm import Session, joinedload

from app.models import Municipality, Offering, OfferingStatus, Organisation, SchoolProposal
from app.models.enums import OrganisationKind
from app.services.pagination import where_chosen


@dataclass(frozen=True)
class DirectoryFilters:
    kind: OrganisationKind | None = None
    sector: str | None = None
    municipality: str | None = None  # slug
    member: bool | None = None


@dataclass(frozen=True)
class Entry:
    organisation: Organisation
    offerings: list[Offering]


def _listed() -> Select:
    pending = exists().where(
        SchoolProposal.organisation_id == Organisation.id, SchoolProposal.reviewed_at.is_(None)
    )
    return select(Organisation).where(~pending)


def directory(session: Session, filters: DirectoryFilters) -> list[Entry]:
    """The listed organisations matching ``filters``, by name, with their published
    offerings (two queries)."""
    stmt = where_chosen(
        _listed().options(joinedload(Organisation.municipality)),
        (Organisation.kind, filters.kind),
        (Organisation.sector, filters.sector),
        (Organisation.is_member, filters.member),
    )
    if filters.municipality:
        stmt = stmt.join(Municipality, Organisation.municipality_id == Municipality.id).where(
            Municipality.slug == filters.municipality
        )
    organisations = list(session.scalars(stmt.order_by(func.lower(Organisation.name))))
    offered = defaultdict(list)
    ids = [organisation.id for organisation in organisations]
    for offering in session.scalars(
        select(Offering)
        .where(Offering.provider_id.in_(ids), Offering.status == OfferingStatus.PUBLISHED)
        .order_by(Offering.starts_at.asc().nulls_last(), Offering.id)
    ):
        offered[offering.provider_id].append(offering)
    return [Entry(organisation, offered[organisation.id]) for organisation in organisations]


def sectors(session: Session) -> list[str]:
    return list(
        session.scalars(
            _listed()
            .with_only_columns(Organisation.sector)
            .where(Organisation.sector.is_not(None))
            .distinct()
            .order_by(Organisation.sector)
        )
    )


def ecosystem_counts(session: Session) -> dict[str, dict[str, int]]:
    """municipality slug (or "") -> organisation kind -> how many are listed."""
    listed = _listed().subquery()
    rows = session.execute(
        select(Municipality.slug, listed.c.kind, func.count())
        .select_from(listed)
        .outerjoin(Municipality, listed.c.municipality_id == Municipality.id)
        .group_by(Municipality.slug, listed.c.kind)
    )
    counts: dict[str, dict[str, int]] = defaultdict(dict)
    for municipality, kind, count in rows:
        counts[municipality or ""][kind.value if hasattr(kind, "value") else kind] = count
    return dict(counts)

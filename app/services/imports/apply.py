"""Importing the offerings spreadsheet: every row is checked before anything is written
(all or nothing), then each row goes through the same offering service as the back
office. Importing again updates offerings by ``external_id``."""

from dataclasses import dataclass, field, replace
from datetime import datetime

from flask_babel import lazy_gettext as _l
from flask_babel import lazy_ngettext
from openpyxl.utils import get_column_letter
from sqlalchemy import select
from sqlalchemy.orm import Session as DbSession
from sqlalchemy.orm import selectinload

from app.models import (
    Municipality,
    Offering,
    OfferingStatus,
    Organisation,
    OrganisationKind,
    Programme,
)
from app.models.catalogue import split_list
from app.models.types import utcnow
from app.services import audit, offerings
from app.services.errors import DomainError
from app.services.imports.columns import (
    COLUMN_NAMES,
    COLUMNS_BY_NAME,
    SCALAR_SOURCES,
)
from app.services.imports.reading import (
    RowError,
    SpreadsheetError,
    cell_text,
    read_table,
    shown_value,
)
from app.services.imports.rows import ParsedRow, RowReader, check_header, read_row
from app.services.offerings import OfferingData, SessionRow
from app.services.reference import ensure_reference_data


@dataclass(frozen=True)
class Outcome:
    """What importing one row does (or would do, on a dry run)."""

    row: int
    external_id: str
    action: str  # "created", "updated" or "unchanged"
    changed: tuple[str, ...] = ()  # column names, for an update
    # What the offering is called and the status it would have (read with localized()).
    title_es: str | None = None
    title_en: str | None = None
    status: OfferingStatus | None = None


@dataclass
class ImportResult:
    dry_run: bool
    errors: list[RowError] = field(default_factory=list)
    outcomes: list[Outcome] = field(default_factory=list)
    new_providers: list[str] = field(default_factory=list)
    offerings: list[Offering] = field(default_factory=list)  # every row's offering, once written

    @property
    def ok(self) -> bool:
        return not self.errors

    def _count(self, action: str) -> int:
        return sum(1 for outcome in self.outcomes if outcome.action == action)

    @property
    def created(self) -> int:
        return self._count("created")

    @property
    def updated(self) -> int:
        return self._count("updated")

    @property
    def unchanged(self) -> int:
        return self._count("unchanged")

    @property
    def counts(self) -> dict[str, int]:
        """created, updated, unchanged: the numbers every summary of an import gives."""
        return {"created": self.created, "updated": self.updated, "unchanged": self.unchanged}


def import_offerings(
    session: DbSession,
    content: bytes,
    *,
    dry_run: bool = False,
    only_provider: Organisation | None = None,
    actor_id: int | None = None,
    source: str | None = None,
    now: datetime | None = None,
) -> ImportResult:
    """Validate the whole file, then (unless ``dry_run`` or any error) create or update
    its offerings through the offering service, as the back office would: sessions keep
    their attendance, a higher capacity promotes the waiting list, each changed offering
    has its audit entry (naming ``source``) and its participants are told of new dates.
    Flushes, never commits: the caller commits, or rolls back when ``result.errors`` (a
    rule of the service can still refuse a row that looked right).

    ``only_provider`` limits the file to that organisation's offerings (staff of one
    organisation): a row naming another provider, or updating another's offering, is an error.
    """
    result = ImportResult(dry_run=dry_run)
    try:
        table = read_table(content)
    except SpreadsheetError as error:
        result.errors.append(RowError(error.message))
        return result
    if not table.rows:
        result.errors.append(RowError(_l("The spreadsheet has no offerings below its header row.")))
    positions = check_header(table.header, result.errors)
    if result.errors:
        return result

    ensure_reference_data(session)
    programmes = {
        p.slug: p for p in session.scalars(select(Programme).order_by(Programme.sort_order))
    }
    allowed_places = COLUMNS_BY_NAME["municipality"].allowed
    municipalities = {
        m.slug: m
        for m in session.scalars(select(Municipality).order_by(Municipality.sort_order))
        if m.slug in allowed_places
    }

    named = {index for index, cell in enumerate(table.header) if cell_text(cell)}
    parsed: list[ParsedRow] = []
    for number, cells in table.rows:
        reader = RowReader(number, cells, positions, result.errors, programmes, municipalities)
        for index, cell in enumerate(cells):
            if index not in named and cell_text(cell):
                reader.error(
                    get_column_letter(index + 1),
                    _l("this cell has a value, but its column has no name in the header row"),
                )
        parsed.append(read_row(reader))

    first_row: dict[str, int] = {}
    for row in parsed:
        if row.external_id in first_row:
            result.errors.append(
                RowError(
                    _l(
                        "the reference “%(found)s” is also used in row %(row)s; "
                        "each offering needs its own external_id",
                        found=shown_value(row.external_id),
                        row=first_row[row.external_id],
                    ),
                    row.row,
                    "external_id",
                )
            )
        elif row.external_id:
            first_row[row.external_id] = row.row

    existing = _existing_offerings(session, list(first_row))
    for row in parsed:
        offering = existing.get(row.external_id)
        if only_provider is not None:
            _check_provider(row, offering, only_provider, result.errors)
        capacity = row.values.get("capacity")
        if offering is not None and capacity is not None and capacity < offering.seats_taken:
            result.errors.append(
                RowError(
                    lazy_ngettext(
                        "capacity cannot be %(capacity)s: %(num)d place is already taken",
                        "capacity cannot be %(capacity)s: %(num)d places are already taken",
                        offering.seats_taken,
                        capacity=capacity,
                    ),
                    row.row,
                    "capacity",
                )
            )
    if result.errors:
        order = {name: position for position, name in enumerate(COLUMN_NAMES)}
        result.errors.sort(key=lambda error: (error.row, order.get(error.column, len(order))))
        return result

    now = now or utcnow()
    providers = {org.name.casefold(): org for org in session.scalars(select(Organisation))}
    for row in parsed:
        key = row.provider.casefold()
        if key not in providers:
            organisation = Organisation(
                name=row.provider,
                kind=OrganisationKind.TRAINING_PROVIDER,
                # Where it runs is the best guess at where it is; staff correct it later.
                municipality=None if row.municipality.slug == "online" else row.municipality,
            )
            providers[key] = organisation
            result.new_providers.append(row.provider)
        offering = existing.get(row.external_id)
        changed = _changes(offering, row, providers[key])
        action = "created" if offering is None else "updated" if changed else "unchanged"
        result.outcomes.append(_outcome(row, offering, action, changed))
        if dry_run or (offering is not None and not changed):
            continue
        try:
            offering = _apply_row(
                session, offering, row, providers[key], actor_id=actor_id, source=source, now=now
            )
        except DomainError as error:
            result.errors.extend(
                RowError(message, row.row, _column_of(name)) for name, message in error.problems
            )
        else:
            result.offerings.append(offering)
    return result


def _outcome(row: ParsedRow, offering: Offering | None, action: str, changed) -> Outcome:
    """What a row does, with the title it gives the offering (or keeps) and its status."""

    def title(lang: str) -> str | None:
        name = f"title_{lang}"
        if name in row.values:
            return row.values[name]
        return getattr(offering, name, None)

    return Outcome(
        row.row,
        row.external_id,
        action,
        changed if action == "updated" else (),
        title_es=title("es"),
        title_en=title("en"),
        status=_desired_status(offering, row),
    )


def import_source(filename: str) -> str:
    """How an import names itself in the audit entries of the offerings it changes."""
    return f"import {filename}"


def import_from_back_office(
    session: DbSession,
    content: bytes,
    *,
    actor_id: int,
    filename: str,
    dry_run: bool,
    only_provider: Organisation | None = None,
) -> ImportResult:
    """The same import, from the browser: an applied import is one audit entry with its
    counts and the references it created and changed."""
    result = import_offerings(
        session,
        content,
        dry_run=dry_run,
        only_provider=only_provider,
        actor_id=actor_id,
        source=import_source(filename),
    )
    if result.ok and not dry_run:
        audit.record(
            session,
            actor_id=actor_id,
            action="import",
            entity_type="import",
            entity_id=None,
            summary=filename,
            after={
                "file": filename,
                **result.counts,
                "created_offerings": [
                    o.external_id for o in result.outcomes if o.action == "created"
                ],
                "updated_offerings": {
                    o.external_id: list(o.changed) for o in result.outcomes if o.action == "updated"
                },
                "new_providers": result.new_providers,
            },
        )
    return result


def _check_provider(
    row: ParsedRow, offering: Offering | None, provider: Organisation, errors: list[RowError]
) -> None:
    if row.provider is not None and row.provider.casefold() != provider.name.casefold():
        errors.append(
            RowError(
                _l(
                    "you may import only offerings of %(organisation)s; found “%(found)s”",
                    organisation=provider.name,
                    found=shown_value(row.provider),
                ),
                row.row,
                "provider",
            )
        )
    if offering is not None and offering.provider_id != provider.id:
        errors.append(
            RowError(
                _l("this reference is already used by another organisation's offering"),
                row.row,
                "external_id",
            )
        )


def _existing_offerings(session: DbSession, external_ids: list[str]) -> dict[str, Offering]:
    if not external_ids:
        return {}
    query = (
        select(Offering)
        .where(Offering.external_id.in_(external_ids))
        .options(
            selectinload(Offering.sessions),
            selectinload(Offering.audience_rows),
            selectinload(Offering.language_rows),
            selectinload(Offering.provider),
        )
    )
    return {offering.external_id: offering for offering in session.scalars(query)}


def _desired_status(offering: Offering | None, row: ParsedRow) -> OfferingStatus:
    if row.status is not None:
        return row.status
    if offering is not None and offering.status in (
        OfferingStatus.CANCELLED,
        OfferingStatus.ARCHIVED,
    ):
        return offering.status
    return OfferingStatus.PUBLISHED


def _changes(offering: Offering | None, row: ParsedRow, provider: Organisation) -> tuple[str, ...]:
    """Column names whose value differs from the stored offering (all, for a new one)."""
    if offering is None:
        return ()
    wanted = {**row.values, "status": _desired_status(offering, row)}
    changed = [
        SCALAR_SOURCES[name] for name, value in wanted.items() if getattr(offering, name) != value
    ]
    if offering.provider is not provider:
        changed.append("provider")
    if set(offering.audiences) != row.audiences:
        changed.append("audience")
    if set(offering.languages) != row.languages:
        changed.append("language")
    if [(s.starts_at, s.ends_at) for s in offering.sessions] != sorted(row.sessions):
        changed.append("sessions")
    order = {name: position for position, name in enumerate(COLUMN_NAMES)}
    return tuple(sorted(set(changed), key=order.__getitem__))


# Offering fields whose column has another name, to place a service's refusal.
FIELD_COLUMNS = {
    "programme_id": "programme",
    "municipality_id": "municipality",
    "provider_id": "provider",
    "price_cents": "price_eur",
    "audiences": "audience",
    "languages": "language",
    "first_day": "sessions",
}


def _column_of(field: str | None) -> str | None:
    if field is None:
        return None
    if field.startswith("sessions"):
        return "sessions"
    column = FIELD_COLUMNS.get(field, field)
    return column if column in COLUMN_NAMES else None


def _data_fields(row: ParsedRow, provider_id: int) -> dict:
    """The row's values as OfferingData fields (only the columns the file has)."""
    fields = dict(row.values)
    if "skills" in fields:
        fields["skills"] = tuple(split_list(fields["skills"]))
    return {
        **fields,
        "provider_id": provider_id,
        "audiences": row.audiences,
        "languages": row.languages,
    }


def _apply_row(
    session: DbSession,
    offering: Offering | None,
    row: ParsedRow,
    provider: Organisation,
    *,
    actor_id: int | None,
    source: str | None,
    now: datetime,
) -> Offering:
    """One row through the offering service; raises its DomainError."""
    if provider.id is None:
        session.add(provider)
        session.flush()
    fields = _data_fields(row, provider.id)
    status = _desired_status(offering, row)
    if offering is None:
        data = OfferingData(external_id=row.external_id, **fields)
        sessions = [SessionRow(start, end) for start, end in row.sessions]
        offering = offerings.create_offering(
            session, data, sessions, actor_id=actor_id, source=source
        ).offering
    else:
        if status == OfferingStatus.DRAFT and offering.status == OfferingStatus.PUBLISHED:
            try:
                offerings.unpublish(session, offering, actor_id=actor_id, source=source)
            except DomainError as error:  # people hold places: the status cell is the cause
                raise DomainError(error.message, "status") from error
        data = replace(OfferingData.of(offering), **fields)
        sessions = offerings.match_sessions(offering, row.sessions)
        offerings.update_offering(
            session, offering, data, sessions, actor_id=actor_id, now=now, source=source
        )
    if status == OfferingStatus.PUBLISHED and offering.status == OfferingStatus.DRAFT:
        offerings.publish(session, offering, actor_id=actor_id, source=source)
    elif status != offering.status:
        raise DomainError(
            _l(
                "a %(status)s offering cannot become %(wanted)s by import; change it in "
                "the back office",
                status=offering.status.label,
                wanted=status.label,
            ),
            "status",
        )
    return offering

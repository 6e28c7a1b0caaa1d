"""Running the offer from the back office: create, edit, duplicate, publish, unpublish,
cancel and archive offerings, and keep their sessions.

Every function takes plain values and the acting person's id, checks the rules, writes an
audit entry in the same transaction and flushes; the route commits. A refused change raises
before anything is written, or the caller rolls back: nothing is ever half-saved.
Field names in errors are those of the offering form (``capacity``, ``sessions-2-end_time``).
"""

import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from flask_babel import LazyString, lazy_ngettext
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import ColumnElement, Select, exists, func, or_, select, update
from sqlalchemy.orm import Session as DbSession
from sqlalchemy.orm import joinedload
from sqlalchemy.orm.attributes import set_committed_value

from app.localtime import MADRID
from app.models import (
    LIVE_ENROLMENT_STATUSES,
    Attendance,
    Audience,
    Enrolment,
    Format,
    InstructionLanguage,
    Kind,
    Level,
    Mode,
    Offering,
    OfferingAudience,
    OfferingLanguage,
    OfferingStatus,
    Session,
)
from app.services import audit, enrolment, notifications, search
from app.services.errors import Conflict, DomainError
from app.services.notifications import OfferingChange
from app.services.pagination import Page, paginate

ENTITY = "offering"
EXTERNAL_ID_PREFIX = "MOT-"
PLACEHOLDER_PREFIX = "new-"
SKILL_SEPARATOR = "|"
REQUIRED_SPANISH = ("title", "summary", "description")
TEXT_FIELDS = ("title", "summary", "description", "prerequisites")

# The columns an audit entry compares; sessions, audiences and languages are added as lists.
AUDITED_COLUMNS = (
    "external_id",
    "status",
    *(f"{name}_{lang}" for name in TEXT_FIELDS for lang in ("es", "en")),
    "programme_id",
    "kind",
    "mode",
    "level",
    "format",
    "skills",
    "provider_id",
    "municipality_id",
    "venue",
    "address",
    "capacity",
    "price_cents",
    "min_age",
    "max_age",
    "residents_only",
    "enrolment_opens",
    "enrolment_closes",
    "cancellation_hours",
)
AUDITED = (*AUDITED_COLUMNS, "audiences", "languages", "session_spans")


@dataclass(frozen=True)
class OfferingData:
    """Everything staff set on an offering, as plain values (times aware, in UTC)."""

    title_es: str
    summary_es: str
    description_es: str
    programme_id: int
    kind: Kind
    mode: Mode
    format: Format
    provider_id: int
    municipality_id: int
    capacity: int
    title_en: str | None = None
    summary_en: str | None = None
    description_en: str | None = None
    prerequisites_es: str | None = None
    prerequisites_en: str | None = None
    level: Level | None = None
    audiences: frozenset[Audience] = frozenset()
    languages: frozenset[InstructionLanguage] = frozenset()
    skills: tuple[str, ...] = ()
    venue: str | None = None
    address: str | None = None
    price_cents: int = 0
    min_age: int | None = None
    max_age: int | None = None
    residents_only: bool = False
    enrolment_opens: datetime | None = None
    enrolment_closes: datetime | None = None
    cancellation_hours: int = 24
    external_id: str | None = None  # None: keep the stored one, or generate one for a new row


@dataclass(frozen=True)
class SessionRow:
    """One session as staff want it. ``id`` names a stored session (kept, so its attendance
    stays); ``key`` is the caller's name for the row, used in error field names."""

    starts_at: datetime
    ends_at: datetime
    venue: str | None = None
    address: str | None = None
    id: int | None = None
    key: str = "sessions"


@dataclass
class Saved:
    offering: Offering
    warnings: list = field(default_factory=list)  # lazy strings: saved, but worth a look


class OfferingInvalid(DomainError):
    """One or more fields refused at once, each message at its own field."""

    def __init__(self, problems: Sequence[tuple[str | None, object]], status_code: int = 422):
        super().__init__(problems[0][1], problems[0][0])
        self.problems = list(problems)
        self.status_code = status_code

    def apply_to(self, form) -> None:
        for name, message in self.problems:
            DomainError(message, name).apply_to(form)


def _capacity_below_places(taken: int) -> OfferingInvalid:
    return OfferingInvalid(
        [
            (
                "capacity",
                lazy_ngettext(
                    "%(num)d place is already given: the capacity cannot be lower.",
                    "%(num)d places are already given: the capacity cannot be lower.",
                    taken,
                ),
            )
        ],
        status_code=409,
    )


ENGLISH_FIELD_NAMES = {
    "title": _l("title"),
    "summary": _l("summary"),
    "description": _l("description"),
    "prerequisites": _l("prerequisites"),
}


# Reading


def list_offerings(
    session: DbSession,
    scope: ColumnElement[bool],
    *,
    text: str | None = None,
    status: OfferingStatus | None = None,
    programme_id: int | None = None,
    kind: Kind | None = None,
    page: int = 1,
    per_page: int = 25,
) -> Page:
    """One page of the offerings within ``scope`` (access.offering_scope), newest first."""
    stmt: Select = select(Offering).where(scope)
    if text:
        stmt = stmt.where(
            or_(
                Offering.title_es.icontains(text, autoescape=True),
                Offering.title_en.icontains(text, autoescape=True),
                Offering.external_id.icontains(text, autoescape=True),
            )
        )
    if status is not None:
        stmt = stmt.where(Offering.status == status)
    if programme_id is not None:
        stmt = stmt.where(Offering.programme_id == programme_id)
    if kind is not None:
        stmt = stmt.where(Offering.kind == kind)
    stmt = stmt.options(joinedload(Offering.programme), joinedload(Offering.provider)).order_by(
        Offering.starts_at.desc().nulls_first(), Offering.id.desc()
    )
    return paginate(session, stmt, page=page, per_page=per_page)


def live_count(session: DbSession, offering_id: int) -> int:
    """People holding a place or waiting for one."""
    return (
        session.scalar(
            select(func.count())
            .select_from(Enrolment)
            .where(
                Enrolment.offering_id == offering_id,
                Enrolment.status.in_(LIVE_ENROLMENT_STATUSES),
            )
        )
        or 0
    )


def missing_english(offering: Offering) -> list:
    """The names (translated) of English text fields left empty where the Spanish one is
    filled: English readers see the Spanish text there."""
    return [
        ENGLISH_FIELD_NAMES[name]
        for name in TEXT_FIELDS
        if getattr(offering, f"{name}_es") and not getattr(offering, f"{name}_en")
    ]


# Checking


def _session_spans(offering: Offering) -> list[list]:
    return [
        [item.starts_at.isoformat(), item.ends_at.isoformat(), item.venue, item.address]
        for item in offering.sessions
    ]


def _snapshot(offering: Offering) -> dict:
    data = audit.snapshot(offering, AUDITED_COLUMNS)
    data["audiences"] = sorted(item.value for item in offering.audiences)
    data["languages"] = sorted(item.value for item in offering.languages)
    data["session_spans"] = _session_spans(offering)
    return data


def _check_data(data: OfferingData, rows: Sequence[SessionRow]) -> list:
    """Refuse what can never be right; return warnings for what is merely unusual."""
    problems: list[tuple[str, object]] = []
    warnings = []
    if data.min_age is not None and data.max_age is not None and data.min_age > data.max_age:
        problems.append(("max_age", _l("The maximum age is lower than the minimum age.")))
    for row in rows:
        if row.ends_at <= row.starts_at:
            problems.append((f"{row.key}-end_time", _l("The session ends before it starts.")))
    first_start = min((row.starts_at for row in rows), default=None)
    last_end = max((row.ends_at for row in rows), default=None)
    opens, closes = data.enrolment_opens, data.enrolment_closes
    if opens and closes and closes <= opens:
        problems.append(("enrolment_closes", _l("Enrolment closes before it opens.")))
    elif opens and not closes and first_start and opens >= first_start:
        problems.append(
            (
                "enrolment_opens",
                _l(
                    "Enrolment would open after the first session has started. Open it "
                    "earlier, or say when it closes."
                ),
            )
        )
    if closes and last_end and closes > last_end:
        problems.append(
            ("enrolment_closes", _l("Enrolment closes after the last session has ended."))
        )
    elif closes and first_start and closes > first_start:
        warnings.append(_l("Enrolment stays open after the first session: people may join late."))
    if problems:
        raise OfferingInvalid(problems)
    return warnings


def _check_publishable(offering: Offering | OfferingData, *, has_sessions: bool) -> None:
    """What the catalogue page needs; ``offering`` is a stored row or the values to save."""
    problems: list[tuple[str | None, object]] = []
    messages = {
        "title": _l("Write the Spanish title before publishing."),
        "summary": _l("Write the Spanish summary before publishing."),
        "description": _l("Write the Spanish description before publishing."),
    }
    for name in REQUIRED_SPANISH:
        if not (getattr(offering, f"{name}_es") or "").strip():
            problems.append((f"{name}_es", messages[name]))
    if not has_sessions:
        problems.append(("sessions", _l("Add at least one session before publishing.")))
    if not offering.audiences:
        problems.append(("audiences", _l("Choose who the offering is for before publishing.")))
    if not offering.languages:
        problems.append(("languages", _l("Choose the language of instruction before publishing.")))
    if offering.format != Format.ONLINE and not (offering.venue and offering.address):
        problems.append(
            ("venue", _l("Give the venue and address of an in-person or hybrid offering."))
        )
    if problems:
        raise OfferingInvalid(problems)


# Writing


def _apply(offering: Offering, data: OfferingData) -> None:
    """Set every field explicitly: no mass assignment onto a row with status and provider."""
    for name in TEXT_FIELDS:
        for lang in ("es", "en"):
            value = (getattr(data, f"{name}_{lang}") or "").strip() or None
            if lang == "es" and name in REQUIRED_SPANISH:
                value = value or ""  # NOT NULL columns: a draft may still be empty
            setattr(offering, f"{name}_{lang}", value)
    offering.programme_id = data.programme_id
    offering.kind = data.kind
    offering.mode = data.mode
    offering.level = data.level
    offering.format = data.format
    offering.skills = SKILL_SEPARATOR.join(data.skills) or None
    offering.provider_id = data.provider_id
    offering.municipality_id = data.municipality_id
    offering.venue = data.venue or None
    offering.address = data.address or None
    offering.price_cents = data.price_cents
    offering.min_age = data.min_age
    offering.max_age = data.max_age
    offering.residents_only = data.residents_only
    offering.enrolment_opens = data.enrolment_opens
    offering.enrolment_closes = data.enrolment_closes
    offering.cancellation_hours = data.cancellation_hours
    _sync(offering.audience_rows, data.audiences, "audience", OfferingAudience)
    _sync(offering.language_rows, data.languages, "language", OfferingLanguage)


def _sync(rows: list, wanted: Iterable, attribute: str, model) -> None:
    wanted = set(wanted)
    for existing in [item for item in rows if getattr(item, attribute) not in wanted]:
        rows.remove(existing)
    present = {getattr(item, attribute) for item in rows}
    for value in sorted(wanted - present):
        rows.append(model(**{attribute: value}))


def _external_id_taken(session: DbSession, external_id: str, offering_id: int | None) -> bool:
    conditions = [Offering.external_id == external_id]
    if offering_id is not None:
        conditions.append(Offering.id != offering_id)
    return bool(session.scalar(select(exists().where(*conditions))))


def _set_external_id(session: DbSession, offering: Offering, wanted: str) -> None:
    if _external_id_taken(session, wanted, offering.id):
        raise OfferingInvalid(
            [("external_id", _l("Another offering already has this reference."))],
            status_code=409,
        )
    offering.external_id = wanted


def _new_offering(session: DbSession, external_id: str | None, capacity: int) -> Offering:
    """A draft named ``external_id``, or later "MOT-<id>" (see _number); the caller fills it
    in, then adds it to the session."""
    offering = Offering(
        status=OfferingStatus.DRAFT,
        external_id=f"{PLACEHOLDER_PREFIX}{uuid.uuid4().hex}",
        seats_taken=0,
        capacity=capacity,
    )
    if external_id:
        _set_external_id(session, offering, external_id)
    return offering


def _number(session: DbSession, offering: Offering) -> None:
    """Name a new row by its id, which exists once flushed under a unique placeholder."""
    if not offering.external_id.startswith(PLACEHOLDER_PREFIX):
        return
    session.flush()
    candidate, suffix = f"{EXTERNAL_ID_PREFIX}{offering.id}", 1
    while _external_id_taken(session, candidate, offering.id):  # an imported "MOT-7"
        suffix += 1
        candidate = f"{EXTERNAL_ID_PREFIX}{offering.id}-{suffix}"
    offering.external_id = candidate


def set_sessions(session: DbSession, offering: Offering, rows: Sequence[SessionRow]) -> bool:
    """Make the offering's sessions exactly ``rows``, keeping stored ones by id (their
    attendance stays with them). A session with attendance marked is never removed.
    Returns whether anything changed. The rows are assumed checked (see _check_data)."""
    stored = {item.id: item for item in offering.sessions}
    kept_ids = {row.id for row in rows if row.id in stored}
    removed = [item for item_id, item in stored.items() if item_id not in kept_ids]
    if removed:
        marked = session.scalars(
            select(Attendance.session_id)
            .where(Attendance.session_id.in_([item.id for item in removed]))
            .distinct()
        ).all()
        if marked:
            raise OfferingInvalid(
                [
                    (
                        "sessions",
                        lazy_ngettext(
                            "%(num)d session you removed already has attendance marked; "
                            "keep it, or change its date instead.",
                            "%(num)d sessions you removed already have attendance marked; "
                            "keep them, or change their dates instead.",
                            len(marked),
                        ),
                    )
                ],
                status_code=409,
            )
    before = _session_spans(offering)
    sessions = []
    for row in sorted(rows, key=lambda item: item.starts_at):
        item = stored.get(row.id) if row.id is not None else None
        item = item or Session()
        item.starts_at, item.ends_at = row.starts_at, row.ends_at
        item.venue, item.address = row.venue or None, row.address or None
        sessions.append(item)
    offering.sessions = sessions
    offering.starts_at = sessions[0].starts_at if sessions else None
    offering.ends_at = max(item.ends_at for item in sessions) if sessions else None
    return _session_spans(offering) != before


def _changes_for_participants(before: dict, after: dict) -> list[OfferingChange]:
    def moments(spans):
        return [span[:2] for span in spans]

    def places(spans):
        return [span[2:] for span in spans]

    changes = []
    if moments(before["session_spans"]) != moments(after["session_spans"]):
        changes.append(OfferingChange.DATES)
    if (before["venue"], before["address"], places(before["session_spans"])) != (
        after["venue"],
        after["address"],
        places(after["session_spans"]),
    ):
        changes.append(OfferingChange.VENUE)
    if before["format"] != after["format"]:
        changes.append(OfferingChange.FORMAT)
    return changes


def _set_capacity(session: DbSession, offering: Offering, capacity: int, now: datetime) -> None:
    """Never below the places given, even if someone enrols while staff type: the check and
    the change are one conditional UPDATE. More places go to the waiting list first."""
    if offering.id is None:
        offering.capacity = capacity
        return
    if capacity == offering.capacity:
        return
    result = session.execute(
        update(Offering)
        .where(Offering.id == offering.id, Offering.seats_taken <= capacity)
        .values(capacity=capacity)
        .execution_options(synchronize_session=False)
    )
    if result.rowcount != 1:
        session.refresh(offering, ["seats_taken"])
        raise _capacity_below_places(offering.seats_taken)
    raised = capacity > offering.capacity
    set_committed_value(offering, "capacity", capacity)
    if raised:
        enrolment.promote_waitlist(session, offering_id=offering.id, now=now)


def create_offering(
    session: DbSession,
    data: OfferingData,
    rows: Sequence[SessionRow],
    *,
    actor_id: int | None,
) -> Saved:
    """A new draft offering with its sessions."""
    warnings = _check_data(data, rows)
    offering = _new_offering(session, data.external_id, data.capacity)
    _apply(offering, data)
    session.add(offering)
    set_sessions(session, offering, rows)
    _number(session, offering)
    session.flush()
    search.index_offering(session, offering)
    audit.record(
        session,
        actor_id=actor_id,
        action="offering.create",
        entity_type=ENTITY,
        entity_id=offering.id,
        summary=f"{offering.external_id}: {offering.title_es}",
        after=_snapshot(offering),
    )
    return Saved(offering, warnings)


def update_offering(
    session: DbSession,
    offering: Offering,
    data: OfferingData,
    rows: Sequence[SessionRow],
    *,
    actor_id: int | None,
    now: datetime,
) -> Saved:
    """Change an offering and its sessions; participants hear of new dates or venues."""
    warnings = _check_data(data, rows)
    if offering.status == OfferingStatus.PUBLISHED:
        _check_publishable(data, has_sessions=bool(rows))
    before = _snapshot(offering)
    if data.external_id and data.external_id != offering.external_id:
        _set_external_id(session, offering, data.external_id)
    _set_capacity(session, offering, data.capacity, now)
    _apply(offering, data)
    set_sessions(session, offering, rows)
    session.flush()
    after = _snapshot(offering)
    if before == after:
        return Saved(offering, warnings)
    search.index_offering(session, offering)
    old, new = audit.changed(before, after)
    audit.record(
        session,
        actor_id=actor_id,
        action="offering.update",
        entity_type=ENTITY,
        entity_id=offering.id,
        summary=f"{offering.external_id}: {', '.join(new)}",
        before=old,
        after=new,
    )
    changes = _changes_for_participants(before, after)
    if offering.status == OfferingStatus.PUBLISHED and changes:
        notifications.notify_offering_changed(session, offering, now, changes)
    return Saved(offering, warnings)


def _set_status(
    session: DbSession, offering: Offering, status: OfferingStatus, action: str, actor_id
) -> None:
    before = offering.status
    offering.status = status
    session.flush()
    audit.record(
        session,
        actor_id=actor_id,
        action=action,
        entity_type=ENTITY,
        entity_id=offering.id,
        summary=f"{offering.external_id}: {before.value} -> {status.value}",
        before={"status": before.value},
        after={"status": status.value},
    )


def publish(session: DbSession, offering: Offering, *, actor_id: int | None) -> list:
    """Show a draft in the catalogue. Returns warnings (English text missing)."""
    if offering.status != OfferingStatus.DRAFT:
        raise Conflict(_l("Only a draft can be published."))
    _check_publishable(offering, has_sessions=bool(offering.sessions))
    _set_status(session, offering, OfferingStatus.PUBLISHED, "offering.publish", actor_id)
    missing = missing_english(offering)
    if not missing:
        return []
    # Lazy as a whole, so the field names are in the reader's language too.
    return [
        LazyString(
            lambda: _(
                "Published. The English text is missing (%(fields)s): English readers see the "
                "Spanish text.",
                fields=", ".join(str(name) for name in missing),
            )
        )
    ]


def unpublish(session: DbSession, offering: Offering, *, actor_id: int | None) -> None:
    """Back to draft, only while nobody holds or awaits a place (they would lose sight of it)."""
    if offering.status != OfferingStatus.PUBLISHED:
        raise Conflict(_l("Only a published offering can be unpublished."))
    people = live_count(session, offering.id)
    if people:
        raise Conflict(
            lazy_ngettext(
                "%(num)d person has a place or is waiting: cancel the offering instead.",
                "%(num)d people have a place or are waiting: cancel the offering instead.",
                people,
            )
        )
    _set_status(session, offering, OfferingStatus.DRAFT, "offering.unpublish", actor_id)


def cancel(
    session: DbSession, offering: Offering, *, actor_id: int | None, now: datetime
) -> list[Enrolment]:
    """Cancel a published offering; every participant is told (notifications.cancel_offering).
    Cancelling again (a repeated submit) changes and records nothing."""
    if offering.status == OfferingStatus.CANCELLED:
        return []
    ended = notifications.cancel_offering(session, offering.id, now, actor_id=actor_id)
    audit.record(
        session,
        actor_id=actor_id,
        action="offering.cancel",
        entity_type=ENTITY,
        entity_id=offering.id,
        summary=f"{offering.external_id}: published -> cancelled",
        before={"status": OfferingStatus.PUBLISHED.value},
        after={"status": OfferingStatus.CANCELLED.value, "participants_told": len(ended)},
    )
    return ended


def archive(session: DbSession, offering: Offering, *, actor_id: int | None, now: datetime) -> None:
    """Take an offering out of the catalogue for good (it stays in reports)."""
    if offering.status == OfferingStatus.ARCHIVED:
        raise Conflict(_l("This offering is already archived."))
    ended = offering.ends_at is not None and offering.ends_at <= now
    if offering.status == OfferingStatus.PUBLISHED and not ended:
        people = live_count(session, offering.id)
        if people:
            raise Conflict(
                lazy_ngettext(
                    "%(num)d person has a place or is waiting and the offering has not "
                    "ended: cancel it instead.",
                    "%(num)d people have a place or are waiting and the offering has not "
                    "ended: cancel it instead.",
                    people,
                )
            )
    _set_status(session, offering, OfferingStatus.ARCHIVED, "offering.archive", actor_id)


def _shift(moment: datetime | None, days: int) -> datetime | None:
    """The same Madrid wall-clock time ``days`` later (a week across a DST change stays at
    18:00, not 17:00)."""
    if moment is None:
        return None
    local = moment.astimezone(MADRID)
    shifted = (local.replace(tzinfo=None) + timedelta(days=days)).replace(tzinfo=MADRID)
    return shifted.astimezone(moment.tzinfo)


def duplicate(
    session: DbSession,
    offering: Offering,
    first_day: date,
    *,
    actor_id: int | None,
) -> Offering:
    """A new draft like ``offering``, its sessions (and enrolment window) moved so the first
    session falls on ``first_day``; no participants."""
    if not offering.sessions:
        raise OfferingInvalid(
            [("first_day", _l("This offering has no sessions to move to new dates."))]
        )
    old_first = offering.sessions[0].starts_at.astimezone(MADRID).date()
    days = (first_day - old_first).days
    copy = _new_offering(session, None, offering.capacity)
    for name in AUDITED_COLUMNS:
        if name not in ("external_id", "status", "capacity"):
            setattr(copy, name, getattr(offering, name))
    copy.enrolment_opens = _shift(offering.enrolment_opens, days)
    copy.enrolment_closes = _shift(offering.enrolment_closes, days)
    _sync(copy.audience_rows, offering.audiences, "audience", OfferingAudience)
    _sync(copy.language_rows, offering.languages, "language", OfferingLanguage)
    session.add(copy)
    set_sessions(
        session,
        copy,
        [
            SessionRow(
                _shift(item.starts_at, days), _shift(item.ends_at, days), item.venue, item.address
            )
            for item in offering.sessions
        ],
    )
    _number(session, copy)
    session.flush()
    search.index_offering(session, copy)
    audit.record(
        session,
        actor_id=actor_id,
        action="offering.duplicate",
        entity_type=ENTITY,
        entity_id=copy.id,
        summary=f"{copy.external_id} <- {offering.external_id}",
        before={"source_id": offering.id, "source_external_id": offering.external_id},
        after=_snapshot(copy),
    )
    return copy

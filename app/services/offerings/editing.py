"""Creating, changing and duplicating offerings.

Every function takes plain values and the acting person's id, checks the rules, writes an
audit entry in the same transaction and flushes; the caller commits. A refused change
raises before anything is written, or the caller rolls back: nothing is ever half-saved."""

import uuid
from collections.abc import Iterable, Sequence
from datetime import date, datetime, timedelta

from flask_babel import lazy_gettext as _l
from flask_babel import lazy_ngettext
from sqlalchemy import exists, select, update
from sqlalchemy.orm import Session as DbSession
from sqlalchemy.orm.attributes import set_committed_value

from app.localtime import MADRID
from app.models import (
    Offering,
    OfferingAudience,
    OfferingLanguage,
    OfferingStatus,
)
from app.services import audit, enrolment, indicators
from app.services.catalogue import search
from app.services.offerings import notices, rules
from app.services.offerings.images import copy_image
from app.services.offerings.lifecycle import refuse_while_live
from app.services.offerings.notices import OfferingChange
from app.services.offerings.sessions import set_sessions


def _apply(offering: Offering, data: rules.OfferingData) -> None:
    """Set every field explicitly: no mass assignment onto a row with status and provider."""
    for name in rules.TEXT_FIELDS:
        for lang in ("es", "en"):
            value = (getattr(data, f"{name}_{lang}") or "").strip() or None
            if lang == "es" and name in rules.REQUIRED_SPANISH:
                value = value or ""  # NOT NULL columns: a draft may still be empty
            setattr(offering, f"{name}_{lang}", value)
    offering.programme_id = data.programme_id
    offering.kind = data.kind
    offering.mode = data.mode
    offering.level = data.level
    offering.format = data.format
    offering.skills = rules.SKILL_SEPARATOR.join(data.skills) or None
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
        raise rules.OfferingInvalid(
            [("external_id", _l("Another offering already has this reference."))],
            status_code=409,
        )
    offering.external_id = wanted


def _new_offering(session: DbSession, external_id: str | None, capacity: int) -> Offering:
    """A draft named ``external_id``, or later "MOT-<id>" (see _number); the caller fills it
    in, then adds it to the session."""
    offering = Offering(
        status=OfferingStatus.DRAFT,
        external_id=f"{rules.PLACEHOLDER_PREFIX}{uuid.uuid4().hex}",
        seats_taken=0,
        capacity=capacity,
    )
    if external_id:
        _set_external_id(session, offering, external_id)
    return offering


def _number(session: DbSession, offering: Offering) -> None:
    """Name a new row by its id, which exists once flushed under a unique placeholder."""
    if not offering.external_id.startswith(rules.PLACEHOLDER_PREFIX):
        return
    session.flush()
    candidate, suffix = f"{rules.EXTERNAL_ID_PREFIX}{offering.id}", 1
    while _external_id_taken(session, candidate, offering.id):  # an imported "MOT-7"
        suffix += 1
        candidate = f"{rules.EXTERNAL_ID_PREFIX}{offering.id}-{suffix}"
    offering.external_id = candidate


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
        raise rules.capacity_below_places(offering.seats_taken)
    raised = capacity > offering.capacity
    set_committed_value(offering, "capacity", capacity)
    indicators.mark_offering(session, offering.id)
    if raised:
        enrolment.promote_waitlist(session, offering_id=offering.id, now=now)


def create_offering(
    session: DbSession,
    data: rules.OfferingData,
    rows: Sequence[rules.SessionRow],
    *,
    actor_id: int | None,
    source: str | None = None,
) -> rules.Saved:
    """A new draft offering with its sessions. ``source`` names where the change came from
    (an import's file) in the audit entry."""
    warnings = rules.check_data(data, rows)
    offering = _new_offering(session, data.external_id, data.capacity)
    _apply(offering, data)
    session.add(offering)
    set_sessions(session, offering, rows)
    _number(session, offering)
    session.flush()
    search.index_offering(session, offering)
    rules.record_offering(
        session,
        offering,
        actor_id,
        "offering.create",
        rules.audit_summary(offering, offering.title_es, source),
        after=rules.offering_snapshot(offering),
    )
    return rules.Saved(offering, warnings)


def _refuse_mode_change(session: DbSession, offering: Offering) -> None:
    """People or classes in: another way in would leave their places where no page shows
    or changes them."""
    refuse_while_live(
        session,
        offering.id,
        lambda num: lazy_ngettext(
            "%(num)d person has a place or is waiting, so how people join cannot change.",
            "%(num)d people have a place or are waiting, so how people join cannot change.",
            num,
        ),
        lambda num: lazy_ngettext(
            "%(num)d class is registered or waiting, so how people join cannot change.",
            "%(num)d classes are registered or waiting, so how people join cannot change.",
            num,
        ),
        field="mode",
    )


def update_offering(
    session: DbSession,
    offering: Offering,
    data: rules.OfferingData,
    rows: Sequence[rules.SessionRow],
    *,
    actor_id: int | None,
    now: datetime,
    source: str | None = None,
) -> rules.Saved:
    """Change an offering and its sessions; participants hear of new dates or venues.
    Places freed by a higher capacity go to the waiting list in the same transaction."""
    warnings = rules.check_data(data, rows)
    if offering.status == OfferingStatus.PUBLISHED:
        rules.check_publishable(data, has_sessions=bool(rows))
    if data.mode != offering.mode:
        _refuse_mode_change(session, offering)
    before = rules.offering_snapshot(offering)
    if data.external_id and data.external_id != offering.external_id:
        _set_external_id(session, offering, data.external_id)
    _set_capacity(session, offering, data.capacity, now)
    _apply(offering, data)
    set_sessions(session, offering, rows)
    session.flush()
    after = rules.offering_snapshot(offering)
    if before == after:
        return rules.Saved(offering, warnings)
    search.index_offering(session, offering)
    old, new = audit.changed(before, after)
    summary = rules.audit_summary(offering, ", ".join(new), source)
    rules.record_offering(session, offering, actor_id, "offering.update", summary, old, new)
    changes = _changes_for_participants(before, after)
    if offering.status == OfferingStatus.PUBLISHED and changes:
        notices.notify_offering_changed(session, offering, now, changes)
    return rules.Saved(offering, warnings)


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
    session falls on ``first_day``, with its own copy of the image; no participants."""
    if not offering.sessions:
        raise rules.OfferingInvalid(
            [("first_day", _l("This offering has no sessions to move to new dates."))]
        )
    old_first = offering.sessions[0].starts_at.astimezone(MADRID).date()
    days = (first_day - old_first).days
    copy = _new_offering(session, None, offering.capacity)
    for name in rules.AUDITED_COLUMNS:
        if name not in ("external_id", "status", "capacity"):
            setattr(copy, name, getattr(offering, name))
    copy.enrolment_opens = _shift(offering.enrolment_opens, days)
    copy.enrolment_closes = _shift(offering.enrolment_closes, days)
    _sync(copy.audience_rows, offering.audiences, "audience", OfferingAudience)
    _sync(copy.language_rows, offering.languages, "language", OfferingLanguage)
    copy_image(session, offering, copy)
    session.add(copy)
    set_sessions(
        session,
        copy,
        [
            rules.SessionRow(
                _shift(item.starts_at, days), _shift(item.ends_at, days), item.venue, item.address
            )
            for item in offering.sessions
        ],
    )
    _number(session, copy)
    session.flush()
    search.index_offering(session, copy)
    rules.record_offering(
        session,
        copy,
        actor_id,
        "offering.duplicate",
        f"{copy.external_id} <- {offering.external_id}",
        before={"source_id": offering.id, "source_external_id": offering.external_id},
        after=rules.offering_snapshot(copy),
    )
    return copy

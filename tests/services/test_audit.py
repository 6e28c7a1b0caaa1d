"""The audit helpers: snapshots are JSON-able, entries join the caller's transaction."""

from datetime import UTC, datetime

from sqlalchemy import select

from app.models import AuditEntry, Kind, OfferingStatus
from app.services import audit
from tests.factories import make_offering


def test_snapshot_stores_slugs_and_iso_times(session):
    offering = make_offering(session, status=OfferingStatus.DRAFT)
    offering.enrolment_opens = datetime(2030, 1, 2, 9, 0, tzinfo=UTC)

    data = audit.snapshot(offering, ["kind", "status", "capacity", "enrolment_opens", "languages"])

    assert data == {
        "kind": Kind.BOOTCAMP.value,
        "status": "draft",
        "capacity": 20,
        "enrolment_opens": "2030-01-02T09:00:00+00:00",
        "languages": ["es"],
    }
    assert type(data["kind"]) is str


def test_changed_keeps_only_differences():
    before, after = audit.changed({"a": 1, "b": 2, "c": 3}, {"a": 1, "b": 5, "d": 4})

    assert before == {"b": 2, "d": None, "c": 3}
    assert after == {"b": 5, "d": 4, "c": None}


def test_record_adds_an_entry_without_committing(session):
    entry = audit.record(
        session,
        actor_id=None,
        action="offering.update",
        entity_type="offering",
        entity_id=7,
        summary="x" * 400,
        before={"capacity": 10},
        after={"capacity": 12},
    )

    assert entry.id is not None
    assert len(entry.summary) == audit.SUMMARY_LENGTH
    session.rollback()
    assert session.scalar(select(AuditEntry)) is None

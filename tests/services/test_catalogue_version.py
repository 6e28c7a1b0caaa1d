"""The catalogue version moves with every offer-side change a public page shows, in the
change's own transaction, and never with an enrolment (a rush must not queue on one row)."""

from dataclasses import replace

import pytest

from app.models import OfferingStatus
from app.models.types import utcnow
from app.services import enrolment, offerings
from app.services.catalogue import catalogue_state
from app.services.imports import import_offerings
from app.services.offerings import OfferingData, SessionRow
from tests.factories import make_offering, make_user
from tests.services.test_importer import csv_bytes, row


def version(session) -> int:
    return catalogue_state(session, utcnow()).version


@pytest.fixture
def draft(session):
    offering = make_offering(session, status=OfferingStatus.DRAFT, title_es="Robótica")
    session.flush()
    return offering


def test_publish_edit_sessions_cancel_each_move_the_version(session, draft):
    steps = [
        lambda: offerings.publish(session, draft, actor_id=None),
        lambda: offerings.update_offering(
            session,
            draft,
            replace(OfferingData.of(draft), title_es="Robótica avanzada"),
            [SessionRow(s.starts_at, s.ends_at) for s in draft.sessions],
            actor_id=None,
            now=utcnow(),
        ),
        lambda: offerings.update_offering(
            session,
            draft,
            OfferingData.of(draft),
            [
                SessionRow(s.starts_at.replace(hour=9), s.ends_at.replace(hour=11))
                for s in draft.sessions
            ],
            actor_id=None,
            now=utcnow(),
        ),
        lambda: offerings.cancel(session, draft, actor_id=None, now=utcnow()),
    ]
    for step in steps:
        before = version(session)
        step()
        assert version(session) == before + 1


def test_an_import_moves_the_version(session):
    before = version(session)
    result = import_offerings(session, csv_bytes([row()]))
    assert not result.errors
    assert version(session) > before


def test_a_rolled_back_change_leaves_the_version_as_it_was(app, session, draft):
    session.commit()
    before = version(session)
    offerings.publish(session, draft, actor_id=None)
    session.rollback()
    assert version(session) == before


def test_an_enrolment_does_not_touch_the_version(session):
    offering = make_offering(session, capacity=2)
    session.flush()
    before = catalogue_state(session, utcnow())
    for _ in range(3):
        user = make_user(session)
        enrolment.enrol(session, offering_id=offering.id, user_id=user.id, now=utcnow())
    after = catalogue_state(session, utcnow())
    assert after.version == before.version
    # ...but filling it up changes the set of full offerings, which keys cached results.
    assert after.full == (before.full[0] + 1, before.full[1] + offering.id)

"""The back office's home page, through HTTP, in both languages."""

from datetime import timedelta

import pytest

from app.extensions import db
from app.models import Role, utcnow
from app.services import audit, enrolment
from tests.factories import make_offering, make_organisation, make_user

LANGS = ("es", "en")


@pytest.fixture
def world(app):
    """Staff of one organisation; a full offering of theirs with one person waiting, one
    starting soon with nobody enrolled, and an edited one; an offering of another
    organisation with the same."""
    with app.app_context():
        now = utcnow()
        own = make_organisation(db.session, name="Ayuntamiento de Boadilla")
        other = make_organisation(db.session, name="Otra entidad")
        staff = make_user(db.session, role=Role.ORGANISATION_STAFF, organisation=own)
        coordinator = make_user(db.session, role=Role.COORDINATOR)
        full = make_offering(
            db.session,
            provider=own,
            capacity=1,
            title_es="Robótica llena",
            title_en="Full robotics",
        )
        for _ in range(2):
            enrolment.enrol(
                db.session, offering_id=full.id, user_id=make_user(db.session).id, now=now
            )
        quiet = make_offering(
            db.session,
            provider=own,
            starts_in=timedelta(days=1),
            title_es="Python sin inscritos",
            title_en="Python with nobody",
        )
        theirs = make_offering(
            db.session,
            provider=other,
            starts_in=timedelta(days=1),
            title_es="Curso ajeno",
            title_en="A course of theirs",
        )
        for offering in (quiet, theirs):
            audit.record(
                db.session,
                actor_id=coordinator.id,
                action="offering.update",
                entity_type="offering",
                entity_id=offering.id,
                summary=f"{offering.external_id} edited",
            )
        db.session.commit()
        return {
            "staff": staff.email,
            "coordinator": coordinator.email,
            "full": full.id,
            "quiet": quiet.id,
            "quiet_ref": quiet.external_id,
            "theirs_ref": theirs.external_id,
        }


@pytest.mark.parametrize("lang", LANGS)
def test_staff_see_their_days_sessions_waiting_lists_and_changes_each_a_link(
    client, auth, world, lang
):
    auth.login(world["staff"], lang=lang)
    page = client.get(f"/{lang}/admin/")
    assert page.status_code == 200
    html = page.text
    title = {"es": "Python sin inscritos", "en": "Python with nobody"}[lang]
    # Tomorrow's session, and the offering starting with few enrolments.
    assert html.count(title) >= 2
    assert f'href="/{lang}/admin/offerings/{world["quiet"]}/participants"' in html
    assert f'href="/{lang}/admin/offerings/{world["quiet"]}/edit"' in html
    # The waiting list, linked to its participants.
    assert {"es": "Robótica llena", "en": "Full robotics"}[lang] in html
    assert f'href="/{lang}/admin/offerings/{world["full"]}/participants"' in html
    # The change of their offering, linked to it; nothing of the other organisation.
    assert f"{world['quiet_ref']} edited" in html
    assert world["theirs_ref"] not in html
    assert {"es": "Curso ajeno", "en": "A course of theirs"}[lang] not in html
    assert f"/{lang}/admin/audit/" not in html  # staff do not read the audit log


@pytest.mark.parametrize("lang", LANGS)
def test_coordinators_see_every_organisations_day_with_links_to_the_audit_log(
    client, auth, world, lang
):
    auth.login(world["coordinator"], lang=lang)
    html = client.get(f"/{lang}/admin/").text
    assert {"es": "Curso ajeno", "en": "A course of theirs"}[lang] in html
    assert f"{world['theirs_ref']} edited" in html
    assert f'href="/{lang}/admin/audit/' in html

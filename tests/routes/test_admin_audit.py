"""The audit log in the back office: search, newest first, an entry's before and after."""

from datetime import UTC, datetime
from types import SimpleNamespace

import pytest

from app.extensions import db
from app.models import Role, utcnow
from app.services import audit
from tests.factories import make_organisation, make_user


@pytest.fixture
def coordinator(app, client, auth):
    with app.app_context():
        user = make_user(db.session, email="coordinator@example.org", role=Role.COORDINATOR)
        db.session.commit()
        user = SimpleNamespace(id=user.id, email=user.email)
    auth.login(user.email)
    return user


def record(app, at=None, **fields):
    values = dict(
        actor_id=None,
        action="update",
        entity_type="organisation",
        entity_id=1,
        summary="Academia Oeste",
        before={"sector": "software", "website": None},
        after={"sector": "education", "website": None},
    )
    values.update(fields)
    with app.app_context():
        entry = audit.record(db.session, **values)
        if at is not None:
            entry.at = at
        db.session.commit()
        return entry.id


@pytest.mark.parametrize("lang", ["es", "en"])
def test_the_log_lists_entries_newest_first_in_both_languages(app, client, coordinator, lang):
    record(app, summary="Older", at=datetime(2025, 1, 1, tzinfo=UTC))
    record(app, summary="Newer", at=datetime(2025, 6, 1, tzinfo=UTC))
    response = client.get(f"/{lang}/admin/audit/")
    assert response.status_code == 200
    assert f'<html lang="{lang}"' in response.text
    assert response.text.index("Newer") < response.text.index("Older")


def test_the_log_is_searched_by_actor_action_entity_dates_and_text(app, client, coordinator):
    record(app, summary="By the coordinator", actor_id=coordinator.id, action="create")
    record(app, summary="Old change", at=datetime(2024, 3, 10, 12, tzinfo=UTC))
    record(app, summary="A user", entity_type="user", entity_id=42, action="role")

    def found(query):
        response = client.get(f"/en/admin/audit/?{query}")
        assert response.status_code == 200
        return {
            summary
            for summary in ("By the coordinator", "Old change", "A user")
            if summary in response.text
        }

    assert found("actor=COORDINATOR@example") == {"By the coordinator"}
    assert found("action=role") == {"A user"}
    assert found("entity_type=user&entity_id=42") == {"A user"}
    assert found("since=2024-03-10&until=2024-03-10") == {"Old change"}
    assert found("until=2024-12-31") == {"Old change"}
    assert found("q=old+CHANGE") == {"Old change"}


def test_dates_that_end_before_they_start_are_a_400_at_the_field(app, client, coordinator):
    response = client.get("/en/admin/audit/?since=2025-02-01&until=2025-01-01")
    assert response.status_code == 400
    assert 'id="until-error"' in response.text
    assert "The end date cannot be before the start date." in response.text


def test_a_malformed_search_is_a_400_not_a_500(client, coordinator):
    response = client.get("/en/admin/audit/?entity_id=abc&since=yesterday&action=<script>")
    assert response.status_code == 400
    assert "<script>" not in response.text


def test_the_log_takes_the_same_number_of_queries_however_many_entries(
    app, client, coordinator, count_queries
):
    record(app)
    with count_queries() as few:
        client.get("/es/admin/audit/")
    for number in range(30):
        record(app, actor_id=coordinator.id, summary=f"Change {number}")
    with count_queries() as many:
        client.get("/es/admin/audit/")
    assert len(few) == len(many)


@pytest.mark.parametrize(
    ("lang", "before", "after"), [("es", "Antes", "Después"), ("en", "Before", "After")]
)
def test_an_entry_shows_before_and_after_side_by_side(
    app, client, coordinator, lang, before, after
):
    entry_id = record(app, actor_id=coordinator.id)
    response = client.get(f"/{lang}/admin/audit/{entry_id}")
    assert response.status_code == 200
    text = response.text
    assert f">{before}</th>" in text and f">{after}</th>" in text
    assert text.index("software") < text.index("education")
    assert "coordinator@example.org" in text


def test_an_erased_actor_shows_no_personal_data(app, client, coordinator):
    with app.app_context():
        actor = make_user(db.session, email=None, name="", erased_at=utcnow())
        db.session.commit()
        actor_id = actor.id
    entry_id = record(app, actor_id=actor_id)
    response = client.get(f"/en/admin/audit/{entry_id}")
    assert "Erased account" in response.text


def test_a_missing_entry_is_a_404(client, coordinator):
    assert client.get("/en/admin/audit/999999").status_code == 404


def test_organisation_staff_may_not_read_the_log(app, client, auth):
    with app.app_context():
        staff = make_user(
            db.session, role=Role.ORGANISATION_STAFF, organisation=make_organisation(db.session)
        )
        db.session.commit()
        email = staff.email
    auth.login(email)
    assert client.get("/en/admin/audit/").status_code == 403

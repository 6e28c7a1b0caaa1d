"""Users and roles: who may be given what, erased accounts out of sight, every change audited."""

import pytest
from sqlalchemy import select

from app.models import AuditEntry, Role, utcnow
from app.services import accounts
from app.services.accounts import UserFilters
from app.services.errors import Conflict, DomainError, NotFound
from tests.factories import make_organisation, make_user


@pytest.fixture
def admin(session):
    return make_user(session, email="admin@example.org", role=Role.ADMIN)


def test_a_role_change_is_audited_with_role_and_organisation_before_and_after(session, admin):
    organisation = make_organisation(session, name="Academia Oeste")
    person = make_user(session)
    accounts.change_role(
        session,
        person.id,
        actor_id=admin.id,
        role=Role.ORGANISATION_STAFF,
        organisation_id=organisation.id,
    )
    assert (person.role, person.organisation) == (Role.ORGANISATION_STAFF, organisation)
    entry = session.scalars(select(AuditEntry)).one()
    assert (entry.action, entry.entity_type, entry.entity_id) == ("role", "user", person.id)
    assert entry.before == {"role": "resident", "organisation_id": None, "organisation": None}
    assert entry.after == {
        "role": "organisation-staff",
        "organisation_id": organisation.id,
        "organisation": "Academia Oeste",
    }
    assert person.email not in entry.summary


def test_organisation_staff_need_an_organisation(session, admin):
    person = make_user(session)
    with pytest.raises(DomainError) as error:
        accounts.change_role(
            session,
            person.id,
            actor_id=admin.id,
            role=Role.ORGANISATION_STAFF,
            organisation_id=None,
        )
    assert error.value.field == "organisation"
    assert person.role == Role.RESIDENT


def test_an_unknown_organisation_is_refused_at_its_field(session, admin):
    person = make_user(session)
    with pytest.raises(DomainError) as error:
        accounts.change_role(
            session, person.id, actor_id=admin.id, role=Role.COORDINATOR, organisation_id=999_999
        )
    assert error.value.field == "organisation"


def test_an_admin_cannot_remove_their_own_admin_role(session, admin):
    with pytest.raises(Conflict) as error:
        accounts.change_role(
            session, admin.id, actor_id=admin.id, role=Role.COORDINATOR, organisation_id=None
        )
    assert error.value.field == "role"
    assert admin.role == Role.ADMIN
    assert session.scalars(select(AuditEntry)).all() == []


def test_an_admin_may_change_another_admins_role(session, admin):
    other = make_user(session, role=Role.ADMIN)
    accounts.change_role(
        session, other.id, actor_id=admin.id, role=Role.COORDINATOR, organisation_id=None
    )
    assert other.role == Role.COORDINATOR


def test_erased_accounts_are_neither_listed_nor_found(session, admin):
    erased = make_user(session, name="Ana Borrada", erased_at=utcnow())
    result = accounts.list_users(session, UserFilters(), page=1, per_page=10)
    assert erased not in result.items
    with pytest.raises(NotFound):
        accounts.change_role(
            session, erased.id, actor_id=admin.id, role=Role.COORDINATOR, organisation_id=None
        )


def test_users_are_found_by_name_or_email_role_and_organisation(session, admin):
    organisation = make_organisation(session)
    make_user(session, name="Lucía Pérez", email="lucia@example.org")
    make_user(
        session,
        name="Marta Ruiz",
        email="marta@academia.example.org",
        role=Role.ORGANISATION_STAFF,
        organisation=organisation,
    )

    def names(**filters):
        result = accounts.list_users(session, UserFilters(**filters), page=1, per_page=10)
        return [user.name for user in result.items]

    assert names(q="LUCía") == ["Lucía Pérez"]
    assert names(q="pérez") == ["Lucía Pérez"]
    assert names(q="academia") == ["Marta Ruiz"]
    assert names(role=Role.ORGANISATION_STAFF) == ["Marta Ruiz"]
    assert names(organisation_id=organisation.id) == ["Marta Ruiz"]

"""The ecosystem map: search, details, membership, and an audit entry for every change."""

from datetime import date

import pytest
from sqlalchemy import select

from app.models import AuditEntry, OrganisationKind
from app.services import organisations
from app.services.errors import Conflict, DomainError, NotFound
from app.services.organisations import OrganisationFilters
from tests.factories import make_organisation, make_user, municipality


def details(**changes):
    values = dict(
        name="Academia Oeste",
        kind=OrganisationKind.TRAINING_PROVIDER,
        sector="software",
        municipality_id=None,
        website="https://academia.example.org",
        contact_email="Hola@Academia.example.org",
    )
    values.update(changes)
    return values


@pytest.fixture
def actor(session):
    return make_user(session, email="coordinator@example.org")


def entries(session, action=None):
    query = select(AuditEntry).order_by(AuditEntry.id)
    if action:
        query = query.where(AuditEntry.action == action)
    return session.scalars(query).all()


def test_creating_an_organisation_sets_each_field_and_is_audited(session, actor):
    place = municipality(session, "majadahonda")
    organisation = organisations.create_organisation(
        session, actor_id=actor.id, **details(name="  Academia   Oeste ", municipality_id=place.id)
    )
    assert organisation.name == "Academia Oeste"
    assert organisation.municipality is place
    assert organisation.contact_email == "Hola@academia.example.org"
    assert organisation.is_member is False
    [entry] = entries(session)
    assert (entry.action, entry.entity_type, entry.entity_id) == (
        "create",
        "organisation",
        organisation.id,
    )
    assert entry.actor_id == actor.id
    assert entry.after["municipality"] == "majadahonda"
    assert entry.after["kind"] == "training-provider"


def test_a_name_already_on_the_map_is_refused_whatever_its_case(session, actor):
    make_organisation(session, name="Academia Oeste")
    with pytest.raises(Conflict) as error:
        organisations.create_organisation(
            session, actor_id=actor.id, **details(name="ACADEMIA oeste")
        )
    assert error.value.field == "name"


@pytest.mark.parametrize(
    "website",
    ["javascript:alert(1)", "ftp://example.org", "example.org", "https://", "https://a b.org"],
)
def test_a_website_must_be_an_http_or_https_address(session, actor, website):
    with pytest.raises(DomainError) as error:
        organisations.create_organisation(session, actor_id=actor.id, **details(website=website))
    assert error.value.field == "website"


def test_a_bad_contact_email_is_refused_at_its_field(session, actor):
    with pytest.raises(DomainError) as error:
        organisations.create_organisation(
            session, actor_id=actor.id, **details(contact_email="not an address")
        )
    assert error.value.field == "contact_email"


def test_an_update_records_only_the_fields_that_changed(session, actor):
    organisation = organisations.create_organisation(session, actor_id=actor.id, **details())
    organisations.update_organisation(
        session, organisation.id, actor_id=actor.id, **details(sector="education")
    )
    update = entries(session, "update")[0]
    assert update.before == {"sector": "software"}
    assert update.after == {"sector": "education"}


def test_saving_without_changes_writes_no_audit_entry(session, actor):
    organisation = organisations.create_organisation(session, actor_id=actor.id, **details())
    organisations.update_organisation(session, organisation.id, actor_id=actor.id, **details())
    assert entries(session, "update") == []


def test_a_refused_update_leaves_the_organisation_as_it_was(session, actor):
    organisation = organisations.create_organisation(session, actor_id=actor.id, **details())
    with pytest.raises(DomainError):
        organisations.update_organisation(
            session,
            organisation.id,
            actor_id=actor.id,
            **details(name="Nuevo nombre", website="javascript:alert(1)"),
        )
    assert organisation.name == "Academia Oeste"


def test_an_unknown_organisation_is_not_found(session, actor):
    with pytest.raises(NotFound):
        organisations.update_organisation(session, 999_999, actor_id=actor.id, **details())


def test_membership_with_dates_is_set_and_audited_before_and_after(session, actor):
    organisation = make_organisation(session)
    organisations.set_membership(
        session,
        organisation.id,
        actor_id=actor.id,
        is_member=True,
        member_since=date(2024, 2, 8),
        member_until=None,
    )
    assert organisation.is_member and organisation.member_since == date(2024, 2, 8)
    [entry] = entries(session, "membership")
    assert entry.before == {"is_member": False, "member_since": None, "member_until": None}
    assert entry.after == {"is_member": True, "member_since": "2024-02-08", "member_until": None}


@pytest.mark.parametrize(
    ("is_member", "since", "until", "field"),
    [
        (True, None, None, "member_since"),
        (False, None, date(2024, 1, 1), "member_since"),
        (True, date(2024, 2, 8), date(2024, 2, 1), "member_until"),
        (False, date(2024, 2, 8), date(2024, 2, 8), "member_until"),
    ],
)
def test_membership_that_ends_before_it_starts_is_refused(
    session, actor, is_member, since, until, field
):
    organisation = make_organisation(session)
    with pytest.raises(DomainError) as error:
        organisations.set_membership(
            session,
            organisation.id,
            actor_id=actor.id,
            is_member=is_member,
            member_since=since,
            member_until=until,
        )
    assert error.value.field == field
    assert organisation.is_member is False


def test_the_map_filters_by_text_kind_municipality_and_membership(session):
    rozas = municipality(session, "las-rozas")
    make_organisation(session, name="Colegio Sol", kind=OrganisationKind.SCHOOL, municipality=rozas)
    make_organisation(
        session,
        name="Ayuntamiento",
        kind=OrganisationKind.PUBLIC_BODY,
        municipality=municipality(session, "boadilla-del-monte"),
        is_member=True,
        member_since=date(2024, 2, 8),
    )
    make_organisation(session, name="Data 100% Labs", sector="datos", municipality=rozas)

    def names(**filters):
        result = organisations.list_organisations(
            session, OrganisationFilters(**filters), page=1, per_page=10
        )
        return [organisation.name for organisation in result.items]

    assert names() == ["Ayuntamiento", "Colegio Sol", "Data 100% Labs"]
    assert names(q="colegio") == ["Colegio Sol"]
    assert names(q="DATOS") == ["Data 100% Labs"]
    assert names(q="100%") == ["Data 100% Labs"]
    assert names(q="%") == ["Data 100% Labs"]  # a wildcard typed is just a character
    assert names(kind=OrganisationKind.SCHOOL) == ["Colegio Sol"]
    assert names(municipality_id=rozas.id) == ["Colegio Sol", "Data 100% Labs"]
    assert names(member=True) == ["Ayuntamiento"]
    assert names(member=False) == ["Colegio Sol", "Data 100% Labs"]


def test_the_map_is_paginated_and_a_page_past_the_end_shows_the_last(session):
    for number in range(5):
        make_organisation(session, name=f"Org {number}")
    result = organisations.list_organisations(session, OrganisationFilters(), page=9, per_page=2)
    assert (result.total, result.pages, result.page) == (5, 3, 3)
    assert [organisation.name for organisation in result.items] == ["Org 4"]

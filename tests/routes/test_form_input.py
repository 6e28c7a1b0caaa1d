"""What any form does with input no person types: a NUL byte, a choice sent as blanks.

Both used to answer 500 (PostgreSQL refuses NUL in text; a blank passed ``Optional()`` and then
failed in the enum). The form layer answers at the field instead, and saves nothing.
"""

import re
from types import SimpleNamespace

import pytest
from sqlalchemy import func, select

from app.extensions import db
from app.models import Organisation, ParticipantProfile, Role, User
from tests.conftest import csrf_token
from tests.factories import make_offering, make_organisation, make_user, municipality

LANGS = ("es", "en")
NUL_EN = "This text contains a character that cannot be saved (a NUL byte)."
NUL_ES = "Este texto contiene un carácter que no se puede guardar (un byte NUL)."
BLANK_EN = "Choose one of the options."


@pytest.fixture
def world(app):
    with app.app_context():
        own = make_organisation(db.session)
        offering = make_offering(db.session, provider=own)
        admin = make_user(db.session, email="admin@example.org", role=Role.ADMIN)
        db.session.commit()
        return SimpleNamespace(offering=offering.id, admin=admin.email)


@pytest.fixture
def as_admin(client, auth, world):
    auth.login(world.admin)
    return client


BACK_OFFICE_SEARCHES = [
    "/{lang}/admin/offerings/?q=a%00b",
    "/{lang}/admin/organisations/?q=a%00b",
    "/{lang}/admin/users/?q=a%00b",
    "/{lang}/admin/audit/?q=a%00b",
    "/{lang}/admin/audit/?actor=a%00b",
    "/{lang}/admin/offerings/{offering}/participants?q=a%00b",
]


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("url", BACK_OFFICE_SEARCHES)
def test_a_nul_byte_in_a_back_office_filter_is_a_400_at_its_field(as_admin, world, lang, url):
    response = as_admin.get(url.format(lang=lang, offering=world.offering))
    assert response.status_code == 400
    assert (NUL_EN if lang == "en" else NUL_ES) in response.text


BLANK_FILTERS = [
    "/{lang}/offerings/?kind=%20",
    "/api/v1/offerings?kind=%20&lang={lang}",
    "/{lang}/admin/offerings/?status=%20&kind=%20&programme=%20",
    "/{lang}/admin/organisations/?kind=%20&municipality=%20&member=%20",
    "/{lang}/admin/users/?role=%20&organisation=%20",
    "/{lang}/admin/audit/?action=%20&entity_type=%20",
    "/{lang}/admin/offerings/{offering}/participants?status=%20",
    "/{lang}/admin/offerings/{offering}/participants?status=%09&per_page=%20",
]


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("url", BLANK_FILTERS)
def test_a_blank_choice_in_a_filter_filters_nothing(as_admin, world, lang, url):
    response = as_admin.get(url.format(lang=lang, offering=world.offering))
    assert response.status_code == 200


def count(app, model) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(model))


def post_form(client, path, data):
    page = client.get(path)
    return client.post(path, data={"csrf_token": csrf_token(page.text), **data})


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"name": "Lucía\x00Pérez"}, "name", NUL_EN),
        ({"email": "lucia\x00@example.org"}, "email", NUL_EN),
        ({"municipality": " "}, "municipality", BLANK_EN),
        ({"language": " "}, "language", BLANK_EN),
    ],
)
def test_sign_up_refuses_a_nul_byte_or_a_blank_choice_at_its_field(
    app, client, lang, changes, field, message
):
    with app.app_context():
        place = municipality(db.session, "boadilla-del-monte").id
    data = {
        "name": "Lucía Pérez",
        "email": "lucia@example.org",
        "password": "violet kettle across seventeen",
        "confirm": "violet kettle across seventeen",
        "language": "en",
        "municipality": str(place),
        **changes,
    }
    users = count(app, User)
    response = post_form(client, f"/{lang}/auth/signup", data)
    assert response.status_code == 422
    assert f'id="{field}-error"' in response.text
    if lang == "en":
        assert message in response.text
    assert count(app, User) == users


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"name": "Acme\x00", "kind": "company"}, "name"),
        ({"name": "Acme", "kind": "company", "sector": "soft\x00ware"}, "sector"),
        ({"name": "Acme", "kind": " "}, "kind"),
        ({"name": "Acme", "kind": "company", "municipality": "\t"}, "municipality"),
    ],
)
def test_the_organisation_form_refuses_a_nul_byte_or_a_blank_choice(
    app, as_admin, lang, data, field
):
    organisations = count(app, Organisation)
    response = post_form(as_admin, f"/{lang}/admin/organisations/new", data)
    assert response.status_code == 422
    assert f'id="{field}-error"' in response.text
    assert count(app, Organisation) == organisations


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("field", ["gender", "age_band", "employment_status", "disability"])
def test_a_blank_profile_answer_is_an_error_at_its_field(app, client, auth, lang, field):
    with app.app_context():
        person = make_user(db.session, email="person@example.org")
        db.session.commit()
        person_id = person.id
    auth.login("person@example.org")
    response = post_form(client, f"/{lang}/account/profile", {field: " "})
    assert response.status_code == 422
    assert f'id="{field}-error"' in response.text
    with app.app_context():
        assert db.session.get(ParticipantProfile, person_id) is None


@pytest.mark.parametrize("lang", LANGS)
def test_an_offering_title_with_a_nul_byte_is_refused(app, as_admin, lang):
    response = post_form(as_admin, f"/{lang}/admin/offerings/new", {"title_es": "Curso\x00"})
    assert response.status_code == 422
    assert (NUL_EN if lang == "en" else NUL_ES) in response.text


@pytest.mark.parametrize("lang", LANGS)
def test_a_nul_byte_in_a_session_row_is_refused_once_at_its_field(app, as_admin, lang):
    response = post_form(
        as_admin, f"/{lang}/admin/offerings/new", {"sessions-0-venue": "Aula\x00 1"}
    )
    assert response.status_code == 422
    message = NUL_EN if lang == "en" else NUL_ES
    at_field = re.search(r'id="sessions-0-venue-error"[^>]*>([^<]*)<', response.text).group(1)
    assert at_field.count(message) == 1
    summary = re.search(r'id="form-errors".*?</ul>', response.text, re.S).group()
    assert summary.count(message) == 1 and 'href="#sessions-0-venue"' in summary

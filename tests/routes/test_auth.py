"""Account pages through HTTP: sign-up, confirmation, login and logout, passwords, email."""

import pytest

from app.extensions import db
from tests.factories import make_user


@pytest.fixture
def user(app):
    with app.app_context():
        user = make_user(db.session, email="ana@example.org", name="Ana García")
        db.session.commit()
        return user.id


@pytest.mark.parametrize("lang", ["es", "en"])
def test_logging_in_through_the_form_starts_a_session(client, auth, user, lang):
    response = auth.login("ana@example.org", lang=lang)
    assert response.status_code == 302
    assert client.get(f"/{lang}/auth/password").status_code == 200

"""`flask --app wsgi users create`: accounts for operators and scripts."""

import click.testing
import pytest
from sqlalchemy import select

from app.extensions import db
from app.models import Role, User
from app.services import accounts
from tests.factories import make_organisation, make_user

PASSWORD = "violet kettle across seventeen"


def create(runner, *args, password=PASSWORD):
    return runner.invoke(args=["users", "create", *args], input=f"{password}\n")


def find(app, email):
    with app.app_context():
        return db.session.scalar(select(User).filter_by(email=email))


def test_creates_a_confirmed_account_with_the_password_from_standard_input(app, runner):
    with app.app_context():
        organisation_id = make_organisation(db.session).id
        db.session.commit()
    result = create(
        runner,
        "Desk@Example.org",
        "--name",
        "Desk Operator",
        "--role",
        "organisation-staff",
        "--organisation",
        str(organisation_id),
        "--lang",
        "en",
    )
    assert result.exit_code == 0, result.output
    assert "desk@example.org" in result.output
    assert PASSWORD not in result.output
    user = find(app, "desk@example.org")
    assert user.is_active and user.role == Role.ORGANISATION_STAFF
    assert user.organisation_id == organisation_id
    assert accounts.check_password(user, PASSWORD)


def test_the_role_defaults_to_resident(app, runner):
    assert create(runner, "someone@example.org", "--name", "Someone").exit_code == 0
    assert find(app, "someone@example.org").role == Role.RESIDENT


@pytest.mark.parametrize(
    ("args", "password", "expected"),
    [
        (["--name", "Weak"], "password12345", "password:"),
        (["--name", "Short"], "tiny", "password:"),
        (["--name", "Taken"], PASSWORD, "email:"),
        (["--name", "Nowhere", "--organisation", "99999"], PASSWORD, "organisation:"),
    ],
)
def test_refuses_what_sign_up_would_refuse_with_exit_code_1(app, runner, args, password, expected):
    with app.app_context():
        make_user(db.session, email="taken@example.org")
        db.session.commit()
    result = create(
        runner,
        "taken@example.org" if expected == "email:" else "x@example.org",
        *args,
        "--lang",
        "en",
        password=password,
    )
    assert result.exit_code == 1
    assert expected in result.output
    assert find(app, "x@example.org") is None


def test_an_unknown_role_is_refused(app, runner):
    result = create(runner, "x@example.org", "--name", "X", "--role", "emperor")
    assert result.exit_code == 2
    assert find(app, "x@example.org") is None


def test_at_a_terminal_the_password_is_asked_twice_and_not_echoed(app, runner, monkeypatch):
    monkeypatch.setattr(click.testing._NamedTextIOWrapper, "isatty", lambda self: True)
    result = runner.invoke(
        args=["users", "create", "tty@example.org", "--name", "At A Terminal", "--lang", "en"],
        input=f"{PASSWORD}\n{PASSWORD}\n",
    )
    assert result.exit_code == 0, result.output
    assert "Password" in result.output and "Repeat for confirmation" in result.output
    assert PASSWORD not in result.output
    assert accounts.check_password(find(app, "tty@example.org"), PASSWORD)

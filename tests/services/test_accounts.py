"""Account rules without HTTP: passwords, links, and never telling who has an account."""

import re
import time
from datetime import timedelta

import pytest
from flask_babel import force_locale
from itsdangerous import TimestampSigner
from sqlalchemy import select

from app.models import OutboxMessage, Role, User, utcnow
from app.services import accounts
from app.services.accounts import (
    EmailNotConfirmed,
    ExpiredLink,
    InvalidLink,
    LoginFailed,
    UsedLink,
    WeakPassword,
    check_strength,
)
from app.services.errors import Conflict, DomainError, NotFound
from app.services.mail import render_email
from tests.factories import DEFAULT_PASSWORD, make_organisation, make_user, municipality

NEW_PASSWORD = "violet kettle across seventeen"


def outbox(session, template=None):
    query = select(OutboxMessage).order_by(OutboxMessage.id)
    if template:
        query = query.filter_by(template=template)
    return list(session.scalars(query))


def token_in(message: OutboxMessage, path: str) -> str:
    match = re.search(rf"/{path}/([A-Za-z0-9_.\-]+)", message.body_text)
    assert match, message.body_text
    return match.group(1)


def sign_up(session, email="new@example.org", password=NEW_PASSWORD, **fields):
    values = dict(
        name="Lucía Pérez",
        email=email,
        password=password,
        language="en",
        municipality_id=municipality(session, "majadahonda").id,
        now=utcnow(),
    )
    values.update(fields)
    return accounts.sign_up(session, **values)


def expired(monkeypatch, age: timedelta):
    """Make tokens as if signed ``age`` ago."""
    monkeypatch.setattr(
        TimestampSigner, "get_timestamp", lambda self: int(time.time() - age.total_seconds())
    )


# Passwords


def test_a_long_phrase_of_unrelated_words_is_strong_enough():
    check_strength(NEW_PASSWORD, ["Lucía Pérez", "lucia@example.org"])


@pytest.mark.parametrize(
    ("password", "reason"),
    [
        ("short", "at least 12"),
        ("password12345", "most common passwords"),
        ("1qaz2wsx3edc", "most common passwords"),
        ("lucia.perez@example.org", "your name or your email"),
        ("aaaaaaaaaaaaaaaa", "repeats"),
        ("abcdefghijklmnop", "sequence"),
        ("19/05/1984abc", "a date"),
    ],
)
def test_weak_passwords_are_refused_with_our_own_explanation(app, password, reason):
    with app.test_request_context("/en/"), force_locale("en"):
        with pytest.raises(WeakPassword) as refused:
            check_strength(password, ["Lucía Perez", "lucia.perez@example.org"])
        message = str(refused.value.message)
    assert refused.value.field == "password"
    assert reason in message
    # zxcvbn's own English sentences are never shown.
    assert "top-10" not in message and "easy to guess." not in message.split(":")[0]


def test_sign_up_stores_a_scrypt_hash_and_sends_the_confirmation_in_the_chosen_language(
    session,
):
    user = sign_up(session)
    assert user.email == "new@example.org"
    assert user.password_hash.startswith("scrypt:")
    assert user.email_confirmed_at is None and not user.is_active
    assert user.role == Role.RESIDENT
    assert user.municipality.slug == "majadahonda"
    [message] = outbox(session, "confirm_email")
    assert message.to_address == "new@example.org"
    assert "Confirm your email address" in message.subject
    assert "/en/auth/confirm/" in message.body_text and "/en/auth/confirm/" in message.body_html


def test_sign_up_with_a_known_address_creates_nothing_and_tells_its_owner(session):
    owner = make_user(session, email="taken@example.org")
    assert sign_up(session, email="Taken@Example.org ") is None
    assert session.scalar(select(User).filter_by(name="Lucía Pérez")) is None
    [message] = outbox(session)
    assert message.template == "account_exists"
    assert message.to_address == owner.email


def test_sign_up_checks_the_password_before_anything_else(session):
    make_user(session, email="taken@example.org")
    for email in ("taken@example.org", "free@example.org"):
        with pytest.raises(WeakPassword):
            sign_up(session, email=email, password="password12345")
    assert outbox(session) == []


def test_sign_up_needs_a_known_municipality_and_language(session):
    for place in (99999, municipality(session, "online").id):
        with pytest.raises(DomainError) as refused:
            sign_up(session, municipality_id=place)
        assert refused.value.field == "municipality"
    with pytest.raises(DomainError) as refused:
        sign_up(session, language="fr")
    assert refused.value.field == "language"


# Email confirmation


def test_the_confirmation_link_works_once(session):
    sign_up(session)
    token = token_in(outbox(session, "confirm_email")[0], "confirm")
    user = accounts.confirm_email(session, token, utcnow())
    assert user.email_confirmed_at is not None and user.is_active
    with pytest.raises(UsedLink):
        accounts.confirm_email(session, token, utcnow())


def test_a_tampered_confirmation_link_is_invalid(session):
    user = sign_up(session)
    token = accounts.confirmation_token(user)
    # Another account's id in the payload, the original signature kept.
    rest = token.split(".", 1)[1]
    forged = accounts.make_token(accounts.CONFIRM_SALT, {"user": user.id + 1, "email": "x"})
    for bad in (forged.split(".", 1)[0] + "." + rest, "not-a-token", token[:-3]):
        with pytest.raises(InvalidLink):
            accounts.confirm_email(session, bad, utcnow())
    assert user.email_confirmed_at is None


def test_an_expired_confirmation_link_changes_nothing(session, monkeypatch):
    user = sign_up(session)
    expired(monkeypatch, timedelta(days=4))
    token = accounts.confirmation_token(user)
    monkeypatch.undo()
    with pytest.raises(ExpiredLink):
        accounts.confirm_email(session, token, utcnow())
    assert user.email_confirmed_at is None


def test_a_link_for_one_purpose_cannot_be_used_for_another(session):
    user = make_user(session)
    with pytest.raises(InvalidLink):
        accounts.confirm_email(session, accounts.reset_token(user), utcnow())


def test_a_new_confirmation_link_is_sent_only_to_unconfirmed_accounts(session):
    make_user(session, email="waiting@example.org", confirmed=False)
    make_user(session, email="done@example.org")
    for email in ("waiting@example.org", "done@example.org", "nobody@example.org"):
        accounts.resend_confirmation(session, email)
    assert [message.to_address for message in outbox(session)] == ["waiting@example.org"]


# Login


def test_logging_in_needs_the_right_password_and_records_the_time(session):
    user = make_user(session, email="ana@example.org")
    now = utcnow()
    assert accounts.authenticate(session, " ANA@example.org", DEFAULT_PASSWORD, now) is user
    assert user.last_login_at == now


def test_a_wrong_password_and_an_unknown_address_fail_alike(app, session):
    make_user(session, email="ana@example.org")
    messages = set()
    for email, password in (("ana@example.org", "wrong"), ("nobody@example.org", "wrong")):
        with pytest.raises(LoginFailed) as failed:
            accounts.authenticate(session, email, password, utcnow())
        with app.test_request_context("/en/"):
            messages.add(str(failed.value))
    assert len(messages) == 1


def test_an_unconfirmed_account_cannot_log_in_and_only_the_password_holder_learns_why(session):
    make_user(session, email="new@example.org", confirmed=False)
    with pytest.raises(LoginFailed):
        accounts.authenticate(session, "new@example.org", "wrong", utcnow())
    with pytest.raises(EmailNotConfirmed):
        accounts.authenticate(session, "new@example.org", DEFAULT_PASSWORD, utcnow())


def test_an_erased_account_cannot_log_in(session):
    make_user(session, email="gone@example.org", erased_at=utcnow())
    with pytest.raises(LoginFailed):
        accounts.authenticate(session, "gone@example.org", DEFAULT_PASSWORD, utcnow())


def test_logging_out_rotates_the_session_token(session):
    user = make_user(session)
    before = user.session_token
    accounts.log_out(session, user.id)
    assert user.session_token != before


# Password reset and change


def test_a_reset_request_for_an_unknown_address_sends_nothing_and_raises_nothing(session):
    accounts.start_password_reset(session, "nobody@example.org")
    assert outbox(session) == []


def test_resetting_the_password_ends_sessions_confirms_the_address_and_tells_the_owner(session):
    user = make_user(session, email="ana@example.org", confirmed=False)
    accounts.start_password_reset(session, "ana@example.org")
    token = token_in(outbox(session, "password_reset")[0], "reset")
    old_token, old_hash = user.session_token, user.password_hash
    accounts.reset_password(session, token, NEW_PASSWORD, utcnow())
    assert user.password_hash != old_hash and user.password_hash.startswith("scrypt:")
    assert user.session_token != old_token
    assert user.email_confirmed_at is not None
    assert outbox(session, "password_changed")[0].to_address == "ana@example.org"


def test_a_reset_link_dies_once_the_password_has_changed(session):
    user = make_user(session)
    first, second = accounts.reset_token(user), accounts.reset_token(user)
    accounts.reset_password(session, first, NEW_PASSWORD, utcnow())
    for token in (first, second):
        with pytest.raises(UsedLink):
            accounts.reset_password(session, token, "another fine phrase of words", utcnow())
    assert accounts.check_password(user, NEW_PASSWORD)


def test_an_expired_reset_link_changes_nothing(session, monkeypatch):
    user = make_user(session)
    expired(monkeypatch, timedelta(hours=3))
    token = accounts.reset_token(user)
    monkeypatch.undo()
    with pytest.raises(ExpiredLink):
        accounts.reset_password(session, token, NEW_PASSWORD, utcnow())
    assert accounts.check_password(user, DEFAULT_PASSWORD)


def test_a_reset_with_a_weak_password_keeps_the_link_usable(session):
    user = make_user(session)
    token = accounts.reset_token(user)
    with pytest.raises(WeakPassword):
        accounts.reset_password(session, token, "password12345", utcnow())
    accounts.reset_password(session, token, NEW_PASSWORD, utcnow())


def test_changing_the_password_needs_the_current_one(session):
    user = make_user(session)
    with pytest.raises(DomainError) as refused:
        accounts.change_password(
            session, user.id, current_password="wrong", new_password=NEW_PASSWORD, now=utcnow()
        )
    assert refused.value.field == "current_password"
    assert outbox(session) == []


def test_changing_the_password_ends_other_sessions_and_sends_a_notice(session):
    user = make_user(session)
    before = user.session_token
    accounts.change_password(
        session, user.id, current_password=DEFAULT_PASSWORD, new_password=NEW_PASSWORD, now=utcnow()
    )
    assert user.session_token != before
    assert accounts.check_password(user, NEW_PASSWORD)
    [notice] = outbox(session, "password_changed")
    assert notice.to_address == user.email


def test_the_new_password_must_differ_and_be_strong(session):
    user = make_user(session)
    for new in (DEFAULT_PASSWORD, "password12345"):
        with pytest.raises(DomainError) as refused:
            accounts.change_password(
                session, user.id, current_password=DEFAULT_PASSWORD, new_password=new, now=utcnow()
            )
        assert refused.value.field == "password"


# Email change


def test_an_email_change_is_confirmed_from_the_new_address_and_the_old_one_is_told(session):
    user = make_user(session, email="old@example.org", language="en")
    accounts.request_email_change(
        session, user.id, password=DEFAULT_PASSWORD, new_email="New@Example.org", now=utcnow()
    )
    assert user.email == "old@example.org"
    [link] = outbox(session, "email_change_confirm")
    assert link.to_address == "new@example.org"
    token = token_in(link, "email/confirm")
    accounts.confirm_email_change(session, token, utcnow())
    assert user.email == "new@example.org"
    [notice] = outbox(session, "email_change_notice")
    assert notice.to_address == "old@example.org"
    assert "new@example.org" in notice.body_text
    with pytest.raises(UsedLink):
        accounts.confirm_email_change(session, token, utcnow())


def test_an_email_change_needs_the_password(session):
    user = make_user(session)
    with pytest.raises(DomainError) as refused:
        accounts.request_email_change(
            session, user.id, password="wrong", new_email="x@example.org", now=utcnow()
        )
    assert refused.value.field == "password"
    assert outbox(session) == []


def test_an_email_change_to_a_taken_address_tells_its_owner_and_sends_no_link(session):
    user = make_user(session)
    owner = make_user(session, email="taken@example.org")
    accounts.request_email_change(
        session, user.id, password=DEFAULT_PASSWORD, new_email="taken@example.org", now=utcnow()
    )
    [message] = outbox(session)
    assert (message.template, message.to_address) == ("account_exists", owner.email)


def test_an_email_change_link_fails_if_the_address_was_taken_meanwhile(session):
    user = make_user(session, email="old@example.org")
    token = accounts.email_change_token(user, "new@example.org")
    make_user(session, email="new@example.org")
    with pytest.raises(Conflict):
        accounts.confirm_email_change(session, token, utcnow())
    assert user.email == "old@example.org"


# Operators


def test_an_operator_creates_a_confirmed_account_with_a_role(session):
    organisation = make_organisation(session)
    user = accounts.create_user(
        session,
        email="Staff@Example.org",
        name="Staff",
        password=NEW_PASSWORD,
        role=Role.ORGANISATION_STAFF,
        organisation_id=organisation.id,
        now=utcnow(),
    )
    assert user.email == "staff@example.org" and user.is_active
    assert user.organisation is organisation and user.role == Role.ORGANISATION_STAFF


@pytest.mark.parametrize(
    ("fields", "error", "field"),
    [
        ({"email": "taken@example.org"}, Conflict, "email"),
        ({"email": "not an address"}, DomainError, "email"),
        ({"organisation_id": 99999}, NotFound, "organisation"),
        ({"password": "password12345"}, WeakPassword, "password"),
        ({"name": "  "}, DomainError, "name"),
    ],
)
def test_an_operator_account_follows_the_sign_up_rules(session, fields, error, field):
    make_user(session, email="taken@example.org")
    values = dict(
        email="staff@example.org",
        name="Staff",
        password=NEW_PASSWORD,
        role=Role.RESIDENT,
        organisation_id=None,
        now=utcnow(),
    )
    values.update(fields)
    with pytest.raises(error) as refused:
        accounts.create_user(session, **values)
    assert refused.value.field == field


# Emails


@pytest.mark.parametrize("lang", ["es", "en"])
@pytest.mark.parametrize(
    ("template", "link"),
    [
        ("confirm_email", "/auth/confirm/TOKEN"),
        ("account_exists", "/auth/reset"),
        ("password_reset", "/auth/reset/TOKEN"),
        ("password_changed", "/auth/reset"),
        ("email_change_confirm", "/auth/email/confirm/TOKEN"),
        ("email_change_notice", "new@example.org"),
    ],
)
def test_account_emails_render_in_both_languages_as_html_and_text(session, lang, template, link):
    user = make_user(session, name="Ana <García>", language=lang)
    subject, text, html = render_email(
        template,
        lang,
        user=user,
        token="TOKEN",
        new_email="new@example.org",
        changed_at=utcnow(),
    )
    assert subject and "\n" not in subject
    assert f"/{lang}{link}" in text or link in text
    assert link in html
    assert f'<html lang="{lang}">' in html
    assert "Ana <García>" in text and "Ana &lt;García&gt;" in html

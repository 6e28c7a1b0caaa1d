"""Logging in and out, resetting and changing the password, changing the email address.

A reset request for an unknown address answers like one for a known address; the owner
of a known address is told by email instead."""

from datetime import datetime

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Session

from app.models import User
from app.services.accounts.passwords import (
    check_strength,
    fingerprint,
    hash_password,
    verify_password,
)
from app.services.accounts.tokens import (
    EMAIL_CHANGE_SALT,
    RESET_SALT,
    UsedLink,
    email_change_token,
    read_token,
    reset_token,
    user_from_token,
)
from app.services.accounts.users import (
    check_password,
    end_other_sessions,
    find_by_email,
    normalise_email,
)
from app.services.errors import Conflict, DomainError
from app.services.mail import outbox


class LoginFailed(DomainError):
    """One message for an unknown address and a wrong password alike. It sits at the password
    field (marked invalid, described by the message), the one the person types again."""

    def __init__(self):
        super().__init__(_l("That email and password do not match an account."), "password")


class EmailNotConfirmed(DomainError):
    """Only said to someone who gave the right password."""

    status_code = 403

    def __init__(self):
        super().__init__(
            _l("Please confirm your email address first: follow the link we sent you.")
        )


def authenticate(session: Session, email: str, password: str, now: datetime) -> User:
    user = find_by_email(session, email)
    # The hash is checked even for an unknown address, so the answer takes as long.
    password_ok = verify_password(user.password_hash if user else None, password)
    if user is None or user.erased_at is not None or not password_ok:
        raise LoginFailed()
    if user.email_confirmed_at is None:
        raise EmailNotConfirmed()
    user.last_login_at = now
    session.flush()
    return user


def log_out(session: Session, user_id: int) -> None:
    """Ends this session and every other one (copied cookies, remember-me, other devices)."""
    user = session.get(User, user_id)
    if user is not None:
        end_other_sessions(user)
        session.flush()


def start_password_reset(session: Session, email: str) -> None:
    """Send a reset link if the address has an account; answer the same either way."""
    user = find_by_email(session, email)
    if user is not None and user.erased_at is None:
        outbox.send_to_user(session, user, "password_reset", token=reset_token(user))


def check_reset_token(session: Session, token: str) -> User:
    """The account a reset link is for, if it can still be used."""
    payload = read_token(RESET_SALT, token, current_app.config["PASSWORD_RESET_MAX_AGE"])
    user = user_from_token(session, payload)
    if payload.get("password") != fingerprint(user.password_hash):
        raise UsedLink()
    return user


def _set_password(session: Session, user: User, password: str, now: datetime) -> None:
    check_strength(password, [user.name, user.email])
    user.password_hash = hash_password(password)
    user.password_changed_at = now
    end_other_sessions(user)
    outbox.send_to_user(session, user, "password_changed", changed_at=now)
    session.flush()


def reset_password(session: Session, token: str, password: str, now: datetime) -> User:
    """Set a new password from a reset link; the link dies with the old password."""
    user = check_reset_token(session, token)
    _set_password(session, user, password, now)
    # Following a link sent to the address proves it is theirs.
    if user.email_confirmed_at is None:
        user.email_confirmed_at = now
    return user


def change_password(
    session: Session, user_id: int, *, current_password: str, new_password: str, now: datetime
) -> User:
    """Ends every session; the caller logs the current one in again with the new token."""
    user = session.get(User, user_id)
    if user is None or not check_password(user, current_password):
        raise DomainError(_l("Your current password is not correct."), "current_password")
    if verify_password(user.password_hash, new_password):
        raise DomainError(_l("Choose a password different from the current one."), "password")
    _set_password(session, user, new_password, now)
    return user


def request_email_change(
    session: Session, user_id: int, *, password: str, new_email: str, now: datetime
) -> None:
    """Send a confirmation link to the new address; nothing changes until it is followed.

    If the new address already has an account, its owner is told instead, and the caller
    answers exactly as if the link had been sent."""
    user = session.get(User, user_id)
    if user is None or not check_password(user, password):
        raise DomainError(_l("Your password is not correct."), "password")
    new_email = normalise_email(new_email)
    if new_email == user.email:
        raise DomainError(_l("That is already your email address."), "email")
    owner = find_by_email(session, new_email)
    if owner is not None:
        if owner.erased_at is None:
            outbox.send_to_user(session, owner, "account_exists")
        return
    outbox.send_to_user(
        session,
        user,
        "email_change_confirm",
        to=new_email,
        new_email=new_email,
        token=email_change_token(user, new_email),
    )


def confirm_email_change(session: Session, token: str, now: datetime) -> User:
    payload = read_token(EMAIL_CHANGE_SALT, token, current_app.config["EMAIL_CONFIRMATION_MAX_AGE"])
    user = user_from_token(session, payload)
    new_email = payload.get("new")
    if not isinstance(new_email, str) or user.email != payload.get("old"):
        raise UsedLink()
    if find_by_email(session, new_email) is not None:
        raise Conflict(_l("This address is already used by another account."))
    old_email = user.email
    user.email = new_email
    user.email_confirmed_at = now
    outbox.send_to_user(
        session, user, "email_change_notice", to=old_email, new_email=new_email, changed_at=now
    )
    session.flush()
    return user

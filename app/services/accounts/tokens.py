"""Signed links in emails: one salt per purpose (a reset link cannot be used as a
confirmation link), an expiry, and what makes each single-use: the address being
confirmed, or a fingerprint of the password hash being replaced."""

from flask import current_app
from flask_babel import lazy_gettext as _l
from itsdangerous import BadData, SignatureExpired, URLSafeTimedSerializer
from sqlalchemy.orm import Session

from app.models import User
from app.services.accounts.passwords import fingerprint
from app.services.errors import DomainError

CONFIRM_SALT = "account.confirm-email"
RESET_SALT = "account.password-reset"
EMAIL_CHANGE_SALT = "account.email-change"


class InvalidLink(DomainError):
    """Malformed or tampered with."""

    status_code = 400

    def __init__(self):
        super().__init__(_l("This link is not valid. Check that you copied all of it."))


class ExpiredLink(DomainError):
    status_code = 410

    def __init__(self):
        super().__init__(_l("This link has expired. You can ask for a new one."))


class UsedLink(DomainError):
    status_code = 410

    def __init__(self):
        super().__init__(_l("This link has already been used or is no longer valid."))


def _serializer(salt: str) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=salt)


def make_token(salt: str, payload: dict) -> str:
    return _serializer(salt).dumps(payload)


def read_token(salt: str, token: str, max_age, *, names: str = "user", kind=int) -> dict:
    """The payload of a valid link (``names`` a value of type ``kind``), or InvalidLink
    (400) / ExpiredLink (410)."""
    try:
        payload = _serializer(salt).loads(token, max_age=int(max_age.total_seconds()))
    except SignatureExpired as error:
        raise ExpiredLink() from error
    except BadData as error:
        raise InvalidLink() from error
    if not isinstance(payload, dict) or not isinstance(payload.get(names), kind):
        raise InvalidLink()
    return payload


def confirmation_token(user: User) -> str:
    return make_token(CONFIRM_SALT, {"user": user.id, "email": user.email})


def reset_token(user: User) -> str:
    return make_token(RESET_SALT, {"user": user.id, "password": fingerprint(user.password_hash)})


def email_change_token(user: User, new_email: str) -> str:
    return make_token(EMAIL_CHANGE_SALT, {"user": user.id, "old": user.email, "new": new_email})


def user_from_token(session: Session, payload: dict) -> User:
    user = session.get(User, payload["user"])
    if user is None or user.erased_at is not None:
        raise UsedLink()
    return user

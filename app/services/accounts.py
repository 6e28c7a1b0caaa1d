"""Accounts: sign-up, email confirmation, login, password reset and change, email change.

Nothing here tells a stranger whether an address has an account: sign-up with a known
address and a reset request for an unknown one answer exactly like the ordinary case, and
the owner of a known address is told by email instead.

Links in emails are signed with SECRET_KEY, one salt per purpose (a reset link cannot be
used as a confirmation link), expire, and carry what makes them single-use: the address
being confirmed, or a fingerprint of the password hash being replaced.
"""

from datetime import datetime

from email_validator import EmailNotValidError, validate_email
from flask import current_app
from flask_babel import lazy_gettext as _l
from itsdangerous import BadData, SignatureExpired, URLSafeTimedSerializer
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.i18n import LANGUAGES
from app.models import Municipality, Organisation, Role, User
from app.models.accounts import new_session_token
from app.services import outbox
from app.services.errors import Conflict, DomainError, NotFound
from app.services.passwords import check_strength, fingerprint, hash_password, verify_password

CONFIRM_SALT = "account.confirm-email"
RESET_SALT = "account.password-reset"
EMAIL_CHANGE_SALT = "account.email-change"
# Offerings can take place "online"; nobody lives there.
NOT_A_RESIDENCE = ("online",)


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


# Tokens


def _serializer(salt: str) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=salt)


def make_token(salt: str, payload: dict) -> str:
    return _serializer(salt).dumps(payload)


def read_token(salt: str, token: str, max_age) -> dict:
    """The payload of a valid link, or InvalidLink (400) / ExpiredLink (410)."""
    try:
        payload = _serializer(salt).loads(token, max_age=int(max_age.total_seconds()))
    except SignatureExpired as error:
        raise ExpiredLink() from error
    except BadData as error:
        raise InvalidLink() from error
    if not isinstance(payload, dict) or not isinstance(payload.get("user"), int):
        raise InvalidLink()
    return payload


def confirmation_token(user: User) -> str:
    return make_token(CONFIRM_SALT, {"user": user.id, "email": user.email})


def reset_token(user: User) -> str:
    return make_token(RESET_SALT, {"user": user.id, "password": fingerprint(user.password_hash)})


def email_change_token(user: User, new_email: str) -> str:
    return make_token(EMAIL_CHANGE_SALT, {"user": user.id, "old": user.email, "new": new_email})


def _user_from_token(session: Session, payload: dict) -> User:
    user = session.get(User, payload["user"])
    if user is None or user.erased_at is not None:
        raise UsedLink()
    return user


# Lookups and helpers


def normalise_email(email: str) -> str:
    return email.strip().lower()


def find_by_email(session: Session, email: str) -> User | None:
    return session.scalar(select(User).where(User.email == normalise_email(email)))


def check_password(user: User, password: str) -> bool:
    """For re-authentication before sensitive actions (e.g. closing the account)."""
    return user.erased_at is None and verify_password(user.password_hash, password)


def end_other_sessions(user: User) -> None:
    """Every cookie holds the session token; a new one makes all copies worthless."""
    user.session_token = new_session_token()


def _send(session: Session, user: User, template: str, to: str | None = None, **context):
    outbox.enqueue(
        session,
        to=to or user.email,
        lang=user.preferred_language,
        template=template,
        user=user,
        **context,
    )


def residence_options(session: Session) -> list[Municipality]:
    """Where a person can say they live, in the order of the reference data."""
    return list(
        session.scalars(
            select(Municipality)
            .where(Municipality.slug.not_in(NOT_A_RESIDENCE))
            .order_by(Municipality.sort_order, Municipality.name_es)
        )
    )


def _municipality(session: Session, municipality_id: int | None) -> Municipality:
    municipality = session.get(Municipality, municipality_id) if municipality_id else None
    if municipality is None or municipality.slug in NOT_A_RESIDENCE:
        raise DomainError(_l("Choose where you live from the list."), "municipality")
    return municipality


def _language(language: str) -> str:
    if language not in LANGUAGES:
        raise DomainError(_l("Choose Spanish or English."), "language")
    return language


# Sign-up and confirmation


def sign_up(
    session: Session,
    *,
    name: str,
    email: str,
    password: str,
    language: str,
    municipality_id: int,
    now: datetime,
) -> User | None:
    """Create an unconfirmed account and send the confirmation link.

    With an address that already has an account, nothing is created and its owner is told
    instead; the caller answers the same way in both cases (None here)."""
    email = normalise_email(email)
    name = name.strip()
    check_strength(password, [name, email])
    municipality = _municipality(session, municipality_id)
    language = _language(language)
    # Hash before the lookup, so both answers take the same time.
    password_hash = hash_password(password)
    existing = find_by_email(session, email)
    if existing is not None:
        if existing.erased_at is None:
            _send(session, existing, "account_exists")
        return None
    user = User(
        name=name,
        email=email,
        password_hash=password_hash,
        preferred_language=language,
        municipality=municipality,
        role=Role.RESIDENT,
        created_at=now,
        password_changed_at=now,
    )
    session.add(user)
    session.flush()
    _send(session, user, "confirm_email", token=confirmation_token(user))
    return user


def resend_confirmation(session: Session, email: str) -> None:
    """Send a new link if the address has an unconfirmed account; otherwise do nothing."""
    user = find_by_email(session, email)
    if user is not None and user.erased_at is None and user.email_confirmed_at is None:
        _send(session, user, "confirm_email", token=confirmation_token(user))


def confirm_email(session: Session, token: str, now: datetime) -> User:
    payload = read_token(CONFIRM_SALT, token, current_app.config["EMAIL_CONFIRMATION_MAX_AGE"])
    user = _user_from_token(session, payload)
    if user.email_confirmed_at is not None or user.email != payload.get("email"):
        raise UsedLink()
    user.email_confirmed_at = now
    session.flush()
    return user


# Login


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


# Passwords


def start_password_reset(session: Session, email: str) -> None:
    """Send a reset link if the address has an account; answer the same either way."""
    user = find_by_email(session, email)
    if user is not None and user.erased_at is None:
        _send(session, user, "password_reset", token=reset_token(user))


def check_reset_token(session: Session, token: str) -> User:
    """The account a reset link is for, if it can still be used."""
    payload = read_token(RESET_SALT, token, current_app.config["PASSWORD_RESET_MAX_AGE"])
    user = _user_from_token(session, payload)
    if payload.get("password") != fingerprint(user.password_hash):
        raise UsedLink()
    return user


def _set_password(session: Session, user: User, password: str, now: datetime) -> None:
    check_strength(password, [user.name, user.email])
    user.password_hash = hash_password(password)
    user.password_changed_at = now
    end_other_sessions(user)
    _send(session, user, "password_changed", changed_at=now)
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


# Email change


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
            _send(session, owner, "account_exists")
        return
    _send(
        session,
        user,
        "email_change_confirm",
        to=new_email,
        new_email=new_email,
        token=email_change_token(user, new_email),
    )


def confirm_email_change(session: Session, token: str, now: datetime) -> User:
    payload = read_token(EMAIL_CHANGE_SALT, token, current_app.config["EMAIL_CONFIRMATION_MAX_AGE"])
    user = _user_from_token(session, payload)
    new_email = payload.get("new")
    if not isinstance(new_email, str) or user.email != payload.get("old"):
        raise UsedLink()
    if find_by_email(session, new_email) is not None:
        raise Conflict(_l("This address is already used by another account."))
    old_email = user.email
    user.email = new_email
    user.email_confirmed_at = now
    _send(session, user, "email_change_notice", to=old_email, new_email=new_email, changed_at=now)
    session.flush()
    return user


# Operators


def create_user(
    session: Session,
    *,
    email: str,
    name: str,
    password: str,
    role: Role,
    organisation_id: int | None,
    now: datetime,
) -> User:
    """An account made by an operator (CLI): already confirmed, same password rule."""
    email = normalise_email(email)
    name = name.strip()
    if not name:
        raise DomainError(_l("Give a name."), "name")
    try:
        validate_email(email, check_deliverability=False)
    except EmailNotValidError as error:
        raise DomainError(_l("Enter a valid email address."), "email") from error
    check_strength(password, [name, email])
    if find_by_email(session, email) is not None:
        raise Conflict(_l("An account with this email already exists."), "email")
    organisation = None
    if organisation_id is not None:
        organisation = session.get(Organisation, organisation_id)
        if organisation is None:
            raise NotFound(_l("There is no organisation with that id."), "organisation")
    user = User(
        name=name,
        email=email,
        password_hash=hash_password(password),
        role=role,
        organisation=organisation,
        created_at=now,
        password_changed_at=now,
        email_confirmed_at=now,
    )
    session.add(user)
    session.flush()
    return user

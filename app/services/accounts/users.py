"""Accounts: sign-up, email confirmation and accounts made by operators.

Nothing here tells a stranger whether an address has an account: sign-up with a known
address answers exactly like the ordinary case, and the owner is told by email instead."""

from datetime import datetime

from email_validator import EmailNotValidError, validate_email
from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.i18n import LANGUAGES
from app.models import Municipality, Organisation, Role, User
from app.models.accounts import new_session_token
from app.services.accounts.passwords import (
    check_strength,
    hash_password,
    verify_password,
)
from app.services.accounts.tokens import (
    CONFIRM_SALT,
    UsedLink,
    confirmation_token,
    read_token,
    user_from_token,
)
from app.services.errors import Conflict, DomainError, NotFound
from app.services.mail import outbox

# Offerings can take place "online"; nobody lives there.
NOT_A_RESIDENCE = ("online",)


def normalise_email(email: str) -> str:
    return email.strip().lower()


def find_by_email(session: Session, email: str) -> User | None:
    return session.scalar(select(User).where(User.email == normalise_email(email)))


def check_address(email: str) -> None:
    """An address mail could reach, by its form (its domain is not looked up)."""
    try:
        validate_email(email, check_deliverability=False)
    except EmailNotValidError as error:
        raise DomainError(_l("Enter a valid email address."), "email") from error


def check_password(user: User, password: str) -> bool:
    """For re-authentication before sensitive actions (e.g. closing the account)."""
    return user.erased_at is None and verify_password(user.password_hash, password)


def end_other_sessions(user: User) -> None:
    """Every cookie holds the session token; a new one makes all copies worthless."""
    user.session_token = new_session_token()


def residence_options(session: Session) -> list[Municipality]:
    """Where a person can say they live, in the order of the reference data."""
    return list(
        session.scalars(
            select(Municipality)
            .where(Municipality.slug.not_in(NOT_A_RESIDENCE))
            .order_by(Municipality.sort_order, Municipality.name_es)
        )
    )


NOT_ON_THE_LIST = _l("Choose where you live from the list.")


def residence(
    session: Session, municipality_id: int | None, message=NOT_ON_THE_LIST
) -> Municipality:
    """One of the ``residence_options``, or ``message`` at the municipality field."""
    municipality = session.get(Municipality, municipality_id) if municipality_id else None
    if municipality is None or municipality.slug in NOT_A_RESIDENCE:
        raise DomainError(message, "municipality")
    return municipality


def check_language(language: str) -> str:
    """One of the site's languages, as a person chooses the one we write to them in."""
    if language not in LANGUAGES:
        raise DomainError(_l("Choose Spanish or English."), "language")
    return language


def _add_account(session: Session, password_hash: str, now: datetime, **fields) -> User:
    """A new account and its first password, both made ``now`` (sign-up, or an operator);
    flushed, so that the links emailed about it can name it."""
    user = User(password_hash=password_hash, created_at=now, password_changed_at=now, **fields)
    session.add(user)
    session.flush()
    return user


def sign_up(
    session: Session,
    *,
    name: str,
    email: str,
    password: str,
    language: str,
    municipality_id: int,
    now: datetime,
    next_path: str | None = None,
) -> User | None:
    """Create an unconfirmed account and send the confirmation link.

    With an address that already has an account, nothing is created and its owner is told
    instead; the caller answers the same way in both cases (None here). ``next_path`` (a
    path on this site, checked by the caller) rides on the links in the email, so the
    person comes back to where they were going."""
    email = normalise_email(email)
    name = name.strip()
    check_strength(password, [name, email])
    municipality = residence(session, municipality_id)
    language = check_language(language)
    # Hash before the lookup, so both answers take the same time.
    password_hash = hash_password(password)
    existing = find_by_email(session, email)
    if existing is not None:
        if existing.erased_at is None:
            outbox.send_to_user(session, existing, "account_exists", next_path=next_path)
        return None
    user = _add_account(
        session,
        password_hash,
        now,
        name=name,
        email=email,
        preferred_language=language,
        municipality=municipality,
        role=Role.RESIDENT,
    )
    outbox.send_to_user(
        session, user, "confirm_email", token=confirmation_token(user), next_path=next_path
    )
    return user


def resend_confirmation(session: Session, email: str, next_path: str | None = None) -> None:
    """Send a new link if the address has an unconfirmed account; otherwise do nothing."""
    user = find_by_email(session, email)
    if user is not None and user.erased_at is None and user.email_confirmed_at is None:
        outbox.send_to_user(
            session, user, "confirm_email", token=confirmation_token(user), next_path=next_path
        )


def confirm_email(session: Session, token: str, now: datetime) -> User:
    payload = read_token(CONFIRM_SALT, token, current_app.config["EMAIL_CONFIRMATION_MAX_AGE"])
    user = user_from_token(session, payload)
    if user.email_confirmed_at is not None or user.email != payload.get("email"):
        raise UsedLink()
    user.email_confirmed_at = now
    session.flush()
    return user


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
    check_address(email)
    check_strength(password, [name, email])
    if find_by_email(session, email) is not None:
        raise Conflict(_l("An account with this email already exists."), "email")
    organisation = None
    if organisation_id is not None:
        organisation = session.get(Organisation, organisation_id)
        if organisation is None:
            raise NotFound(_l("There is no organisation with that id."), "organisation")
    return _add_account(
        session,
        hash_password(password),
        now,
        name=name,
        email=email,
        role=role,
        organisation=organisation,
        email_confirmed_at=now,
    )

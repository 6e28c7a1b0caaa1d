"""A person's rights over their data: a copy of everything (GDPR art. 15 and 20) and erasure
(art. 17) that still leaves past participation countable.

Erasure keeps the account row and its enrolments, emptied of everything that points to the
person, so that "how many took part in this offering, this year" does not change. What is
dropped and why:
- name, email, password, login times, role and organisation: they identify the person;
- the inclusion profile, and the answers the indicator store recorded from it each year the
  person took part: personal (and, for disability, health) data;
- the municipality of residence: with the offerings and dates of the kept enrolments it can
  single someone out (the only participant from outside the three towns, say), so it is not
  anonymous; the figures already reported keep it, in the indicator store's frozen years;
- every email addressed to them, except the notice that the account was closed.
"""

import json
from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import and_, delete, or_, select
from sqlalchemy.orm import Session, selectinload

from app.i18n import both_languages
from app.models import (
    Enrolment,
    EnrolmentStatus,
    Offering,
    OutboxMessage,
    ParticipantYear,
    Role,
    SearchAlert,
    User,
)
from app.models.accounts import new_session_token
from app.services import enrolment as enrolments
from app.services.accounts import users
from app.services.errors import DomainError, NotFound
from app.services.mail import outbox

# Stored in place of the name; pages show a translated "erased account" from erased_at.
ERASED_NAME = "-"
ERASURE_REASON = "account-closed"


def _iso(value: datetime | None) -> str | None:
    return value.isoformat() if value else None


def _slug(value) -> str | None:
    return value.value if value is not None else None


def _active_user(session: Session, user_id: int) -> User:
    user = session.get(User, user_id)
    if user is None or user.erased_at is not None:
        raise NotFound(_l("This account does not exist."))
    return user


def export_user_data(session: Session, user_id: int, now: datetime) -> dict:
    """Everything the site holds about the person, as plain JSON-ready values.

    The password hash and the session token are left out: they are secrets, not information
    about the person, and a copy of them would only be a risk."""
    from app.services.applications import privacy as applicant_data  # builds on accounts
    from app.services.schools import privacy as teacher_data  # builds on accounts too

    user = _active_user(session, user_id)
    profile = user.profile
    enrolment_rows = session.scalars(
        select(Enrolment)
        .where(Enrolment.user_id == user.id)
        .options(selectinload(Enrolment.offering), selectinload(Enrolment.events))
        .order_by(Enrolment.id)
    )
    emails = session.scalars(
        select(OutboxMessage)
        .where(OutboxMessage.to_address == user.email)
        .order_by(OutboxMessage.id)
    )
    return {
        "exported_at": _iso(now),
        "account": {
            "id": user.id,
            "name": user.name,
            "email": user.email,
            "preferred_language": user.preferred_language,
            "municipality": user.municipality.slug if user.municipality else None,
            "role": _slug(user.role),
            "organisation": user.organisation.name if user.organisation else None,
            "created_at": _iso(user.created_at),
            "email_confirmed_at": _iso(user.email_confirmed_at),
            "last_login_at": _iso(user.last_login_at),
            "password_changed_at": _iso(user.password_changed_at),
        },
        "profile": None
        if profile is None
        else {
            "birth_year": profile.birth_year,
            "age_band": _slug(profile.age_band),
            "gender": _slug(profile.gender),
            "employment_status": _slug(profile.employment_status),
            "education_level": _slug(profile.education_level),
            "disability": profile.disability,
            "disability_consent_at": _iso(profile.disability_consent_at),
            "updated_at": _iso(profile.updated_at),
        },
        "enrolments": [
            {
                "id": row.id,
                "offering": {
                    "id": row.offering.id,
                    "title": both_languages(row.offering, "title"),
                    "starts_at": _iso(row.offering.starts_at),
                    "ends_at": _iso(row.offering.ends_at),
                },
                "status": _slug(row.status),
                "created_at": _iso(row.created_at),
                "updated_at": _iso(row.updated_at),
                "reminded_at": _iso(row.reminded_at),
                "history": [
                    {"status": _slug(event.status), "at": _iso(event.at), "reason": event.reason}
                    for event in row.events
                ],
            }
            for row in enrolment_rows
        ],
        "applications": applicant_data.export_rows(session, user.id),
        **teacher_data.export_rows(session, user.id),
        "search_alerts": [
            {
                "search": alert.search_text,
                "filters": json.loads(alert.filters or "{}"),
                "language": alert.lang,
                "created_at": _iso(alert.created_at),
                "confirmed_at": _iso(alert.confirmed_at),
            }
            for alert in session.scalars(
                select(SearchAlert)
                .where(or_(SearchAlert.user_id == user.id, SearchAlert.email == user.email))
                .order_by(SearchAlert.id)
            )
        ],
        "emails": [
            {
                "to": message.to_address,
                "subject": message.subject,
                "body": message.body_text,
                "template": message.template,
                "status": _slug(message.status),
                "created_at": _iso(message.created_at),
                "sent_at": _iso(message.sent_at),
            }
            for message in emails
        ],
    }


def erase_user(session: Session, user_id: int, *, password: str, now: datetime) -> list[Enrolment]:
    """Close the account for good, after the password is typed again. Returns the places
    promoted from waiting lists (their owners are emailed in this same transaction)."""
    user = _active_user(session, user_id)
    if not users.check_password(user, password):
        raise DomainError(_l("Your password is not correct."), "password")
    promoted = []
    from app.services.applications import privacy as applicant_data  # builds on accounts

    # First the applications (a confirmed applicant's place is given up through them).
    applicant_data.erase_applicant(session, user.id, now=now)
    # Places still to come are given up; a confirmed place in an offering that has started
    # is participation, and stays as it is to be counted.
    to_release = session.scalars(
        select(Enrolment)
        .join(Enrolment.offering)
        .where(
            Enrolment.user_id == user.id,
            or_(
                Enrolment.status == EnrolmentStatus.WAITING,
                and_(
                    Enrolment.status == EnrolmentStatus.CONFIRMED,
                    or_(Offering.starts_at.is_(None), Offering.starts_at > now),
                ),
            ),
        )
        .order_by(Enrolment.id)
    )
    for place in list(to_release):
        promoted += enrolments.release(
            session,
            place,
            now=now,
            status=EnrolmentStatus.CANCELLED,
            actor_id=user.id,
            reason=ERASURE_REASON,
        )
    _anonymise(session, user, now, farewell=True)
    return promoted


def _anonymise(session: Session, user: User, now: datetime, *, farewell: bool) -> None:
    """Empty the account of everything that points to the person; its enrolments stay as
    they are. With ``farewell``, the person is told by email (not when the retention purge
    closes an account nobody has used for years: see ``retention``)."""
    session.execute(
        delete(OutboxMessage)
        .where(OutboxMessage.to_address == user.email)
        .execution_options(synchronize_session=False)
    )
    if farewell:
        # The last message to the address, written before the address is gone.
        outbox.send_to_user(session, user, "account_closed", closed_at=now)
    # Search alerts: the account's, and those asked by its address without logging in.
    session.execute(
        delete(SearchAlert)
        .where(or_(SearchAlert.user_id == user.id, SearchAlert.email == user.email))
        .execution_options(synchronize_session=False)
    )
    user.profile = None
    # The answers recorded when they took part go too; frozen years keep their figures.
    session.execute(
        delete(ParticipantYear)
        .where(ParticipantYear.user_id == user.id)
        .execution_options(synchronize_session=False)
    )
    user.name = ERASED_NAME
    user.email = None
    user.password_hash = None
    user.session_token = new_session_token()  # every session and cookie ends
    user.municipality = None
    user.organisation = None
    user.role = Role.RESIDENT
    user.email_confirmed_at = None
    user.last_login_at = None
    user.password_changed_at = None
    user.erased_at = now
    session.flush()

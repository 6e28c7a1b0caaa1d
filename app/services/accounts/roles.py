"""Users and roles, for administrators: find people and change what they may do.

Erased accounts keep their row for the figures but show nothing of the person: they are
left out of every list and lookup here. A role change is recorded in the audit log with the
role and organisation before and after.
"""

from dataclasses import dataclass

from flask_babel import lazy_gettext as _l
from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session, joinedload

from app.models import Organisation, Role, User
from app.services import audit
from app.services.errors import Conflict, DomainError, NotFound
from app.services.pagination import Page, contains_text, paginate, where_chosen

ENTITY = "user"
_record_user = audit.recorder(ENTITY)


@dataclass(frozen=True)
class UserFilters:
    q: str = ""  # in the name or the email address
    role: Role | None = None
    organisation_id: int | None = None


def organisations(session: Session) -> list[Organisation]:
    """Every organisation, by name, for the choice of someone's organisation."""
    return list(session.scalars(select(Organisation).order_by(func.lower(Organisation.name))))


def _filtered(filters: UserFilters) -> Select:
    stmt = (
        select(User)
        .where(User.erased_at.is_(None))
        .options(joinedload(User.organisation))
        .order_by(func.lower(User.name), User.id)
    )
    if filters.q:
        stmt = stmt.where(contains_text(filters.q, User.name, User.email))
    return where_chosen(
        stmt, (User.role, filters.role), (User.organisation_id, filters.organisation_id)
    )


def list_users(session: Session, filters: UserFilters, *, page: int, per_page: int) -> Page:
    """One page of accounts by name (erased ones never listed); two queries per page."""
    return paginate(session, _filtered(filters), page=page, per_page=per_page)


def get_user(session: Session, user_id: int) -> User:
    user = session.get(User, user_id)
    if user is None or user.erased_at is not None:
        raise NotFound(_l("There is no such account."))
    return user


def _snapshot(user: User) -> dict:
    organisation = user.organisation  # the relationship: its id column waits for a flush
    return {
        "role": user.role.value,
        "organisation_id": organisation.id if organisation else None,
        "organisation": organisation.name if organisation else None,
    }


def change_role(
    session: Session,
    user_id: int,
    *,
    actor_id: int,
    role: Role,
    organisation_id: int | None,
) -> User:
    """Set someone's role and organisation. Organisation staff act for one organisation, so
    they need one; nobody removes their own administrator role, so there is always one."""
    user = get_user(session, user_id)
    organisation = None
    if organisation_id is not None:
        organisation = session.get(Organisation, organisation_id)
        if organisation is None:
            raise DomainError(_l("Choose an organisation from the list."), "organisation")
    if role == Role.ORGANISATION_STAFF and organisation is None:
        raise DomainError(
            _l("Organisation staff act for an organisation: choose which one."), "organisation"
        )
    if user.id == actor_id and user.role == Role.ADMIN and role != Role.ADMIN:
        raise Conflict(
            _l(
                "You cannot remove your own administrator role. Ask another administrator, "
                "so that there is always one."
            ),
            "role",
        )
    before = _snapshot(user)
    user.role = role
    user.organisation = organisation
    after = _snapshot(user)
    if after != before:
        session.flush()
        # Slugs, not the person's address: the log outlives an erased account.
        summary = f"{before['role']} → {after['role']}"
        _record_user(session, user, actor_id, "role", summary, before, after)
    return user

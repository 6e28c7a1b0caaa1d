"""Who may do what in the back office: the one place where access is decided.

Every back-office view declares the permission it needs with ``@requires``. The blueprint's
``before_request`` refuses any view without a declaration (deny by default), and a test walks
the URL map so that a new route without a rule fails the suite. What a person may see inside
a permission (their own organisation's offerings, or the whole partnership's) is decided by
the scoped queries below, never by a bare ``get(id)``.
"""

import enum
from collections.abc import Callable
from functools import wraps

from flask import abort, current_app, request
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_fresh
from sqlalchemy import ColumnElement, and_, or_, select, true
from sqlalchemy.orm import Session

from app.extensions import db
from app.models import (
    Application,
    ApplicationStatus,
    AuditEntry,
    ClassRegistration,
    Enrolment,
    Offering,
    Role,
    User,
)
from app.services.errors import NotFound

NOT_YOURS = _l("We could not find that among the offerings you manage.")


class Permission(enum.StrEnum):
    USE_BACK_OFFICE = "use-back-office"
    MANAGE_OFFERINGS = "manage-offerings"
    MANAGE_PARTICIPANTS = "manage-participants"
    EXPORT_PERSONAL_DATA = "export-personal-data"
    IMPORT_OFFERINGS = "import-offerings"
    MANAGE_ORGANISATIONS = "manage-organisations"
    MANAGE_USERS = "manage-users"
    READ_AUDIT_LOG = "read-audit-log"
    MANAGE_INDICATORS = "manage-indicators"  # exact figures, freezing, the qualitative record
    UNFREEZE_INDICATORS = "unfreeze-indicators"  # admins only: a reported year reopened


_ORGANISATION_STAFF = frozenset(
    {
        Permission.USE_BACK_OFFICE,
        Permission.MANAGE_OFFERINGS,
        Permission.MANAGE_PARTICIPANTS,
        Permission.EXPORT_PERSONAL_DATA,
        Permission.IMPORT_OFFERINGS,
    }
)
_COORDINATOR = _ORGANISATION_STAFF | {
    Permission.MANAGE_ORGANISATIONS,
    Permission.READ_AUDIT_LOG,
    Permission.MANAGE_INDICATORS,
}

ROLE_PERMISSIONS: dict[Role, frozenset[Permission]] = {
    Role.RESIDENT: frozenset(),
    Role.SCHOOL_STAFF: frozenset(),
    Role.ORGANISATION_STAFF: _ORGANISATION_STAFF,
    Role.COORDINATOR: _COORDINATOR,
    Role.ADMIN: frozenset(Permission),
}


def can(user: User, permission: Permission) -> bool:
    if not user.is_authenticated:
        return False
    if user.role == Role.ORGANISATION_STAFF and user.organisation_id is None:
        return False  # staff of no organisation act for nobody
    return permission in ROLE_PERMISSIONS[user.role]


def requires(permission: Permission, *, fresh: bool = False) -> Callable:
    """Declare the permission a view needs; ``fresh`` asks for the password again."""

    def decorate(view):
        @wraps(view)
        def wrapper(*args, **kwargs):
            return view(*args, **kwargs)

        wrapper.permission = permission
        wrapper.needs_fresh_login = fresh
        return wrapper

    return decorate


def offering_view(permission: Permission, *, fresh: bool = False) -> Callable:
    """``@requires`` for a page about one offering (``offering_id`` in its URL): the view is
    called with that offering instead, one the person manages (any other is "not found"),
    and the URL's other values."""

    def decorate(view):
        @requires(permission, fresh=fresh)
        @wraps(view)
        def with_offering(offering_id, **values):
            return view(offering_or_404(offering_id), **values)

        return with_offering

    return decorate


def enforce() -> object | None:
    """before_request of the admin blueprint."""
    view = current_app.view_functions.get(request.endpoint)
    permission = getattr(view, "permission", None)
    if permission is None:
        abort(403)  # a view without a declared rule is closed to everyone
    if not current_user.is_authenticated:
        return current_app.login_manager.unauthorized()
    if not can(current_user, permission):
        abort(403)
    if getattr(view, "needs_fresh_login", False) and not login_fresh():
        return current_app.login_manager.needs_refresh()
    return None


def sees_everything(user: User) -> bool:
    return user.role in (Role.COORDINATOR, Role.ADMIN)


def offering_scope(user: User) -> ColumnElement[bool]:
    """A WHERE clause: the offerings this person may manage."""
    if sees_everything(user):
        return true()
    return Offering.provider_id == user.organisation_id


def change_scope(user: User) -> ColumnElement[bool]:
    """A WHERE clause on an audit entry, its actor (User) and the Offering it is about: the
    changes this person may read on the back office's home. Coordinators and administrators
    read every change; staff those of their organisation's offerings and its imports."""
    if sees_everything(user):
        return true()
    return or_(
        Offering.provider_id == user.organisation_id,
        and_(AuditEntry.entity_type == "import", User.organisation_id == user.organisation_id),
    )


def get_offering_for(session: Session, user: User, offering_id: int) -> Offering:
    """An offering this person manages; any other is "not found" (no hint it exists)."""
    offering = session.scalar(
        select(Offering).where(Offering.id == offering_id, offering_scope(user))
    )
    if offering is None:
        raise NotFound(NOT_YOURS)
    return offering


def offering_or_404(offering_id: int) -> Offering:
    """For views: the current person's managed offering, or a 404 page that says so."""
    return get_offering_for(db.session, current_user, offering_id)


def _managed(session: Session, user: User, model, row_id: int, *where):
    """A row of ``model`` (with an ``offering_id``) in an offering this person manages."""
    row = session.scalar(
        select(model)
        .join(Offering, model.offering_id == Offering.id)
        .where(model.id == row_id, offering_scope(user), *where)
    )
    if row is None:
        raise NotFound(NOT_YOURS)
    return row


def get_enrolment_for(session: Session, user: User, enrolment_id: int) -> Enrolment:
    """An enrolment in an offering this person manages."""
    return _managed(session, user, Enrolment, enrolment_id)


def get_class_registration_for(session: Session, user: User, reg_id: int) -> ClassRegistration:
    """A class registration in an offering this person manages."""
    return _managed(session, user, ClassRegistration, reg_id)


def get_application_for(session: Session, user: User, application_id: int) -> Application:
    """A sent application to a call this person manages (drafts are the applicant's own)."""
    return _managed(
        session, user, Application, application_id, Application.status != ApplicationStatus.DRAFT
    )

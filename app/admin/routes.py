"""Back-office views, one module per area; importing them registers their routes."""

from flask import render_template
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from app.admin import bp
from app.admin.access import Permission, can, change_scope, offering_scope, requires
from app.extensions import db
from app.models import utcnow
from app.services import offerings

# The back office's areas, in menu order: (endpoint, permission, label).
AREAS = [
    ("admin.dashboard", Permission.USE_BACK_OFFICE, _l("Summary")),
    ("admin.offerings_index", Permission.MANAGE_OFFERINGS, _l("Offerings")),
    ("admin.organisations_index", Permission.MANAGE_ORGANISATIONS, _l("Organisations")),
    ("admin.teachers_index", Permission.MANAGE_ORGANISATIONS, _l("Teachers and schools")),
    ("admin.users_index", Permission.MANAGE_USERS, _l("Users and roles")),
    ("admin.import_check", Permission.IMPORT_OFFERINGS, _l("Import offerings")),
    ("admin.indicators_index", Permission.MANAGE_INDICATORS, _l("Indicators")),
    ("admin.audit_index", Permission.READ_AUDIT_LOG, _l("Audit log")),
]


@bp.app_context_processor
def admin_menu():
    def admin_areas():
        return [area for area in AREAS if can(current_user, area[1])]

    return {"admin_areas": admin_areas}


@bp.get("/")
@requires(Permission.USE_BACK_OFFICE)
def dashboard():
    day = offerings.staff_day(
        db.session,
        offering_scope=offering_scope(current_user),
        change_scope=change_scope(current_user),
        now=utcnow(),
    )
    return render_template(
        "admin/dashboard.html", day=day, can=can, user=current_user, Permission=Permission
    )

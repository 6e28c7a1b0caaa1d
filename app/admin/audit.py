"""The audit log: who changed what in the back office, before and after, and when."""

from flask import render_template, request

from app.admin import bp
from app.admin.access import Permission, requires
from app.admin.audit_forms import ACTION_LABELS, ENTITY_LABELS, AuditFilterForm, label
from app.admin.lists import filtered_page
from app.extensions import db
from app.services import audit


@bp.app_template_filter("audit_action")
def audit_action(value: str) -> str:
    return label(ACTION_LABELS, value)


@bp.app_template_filter("audit_entity")
def audit_entity(value: str) -> str:
    return label(ENTITY_LABELS, value)


@bp.get("/audit/")
@requires(Permission.READ_AUDIT_LOG)
def audit_index():
    form = AuditFilterForm(formdata=request.args)
    form.set_choices(*audit.known_values(db.session))
    return filtered_page("admin/audit/index.html", form, audit.search_entries)


@bp.get("/audit/<int:entry_id>")
@requires(Permission.READ_AUDIT_LOG)
def audit_entry(entry_id):
    entry = audit.get_entry(db.session, entry_id)
    return render_template("admin/audit/entry.html", entry=entry, fields=audit.compare(entry))

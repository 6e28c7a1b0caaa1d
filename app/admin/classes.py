"""Class registrations of an offering: the list with its filters, the export, the rules of
class registration and each session's capacity, and what staff do with one class (confirm,
move to another session, decline with a reason, mark the pupils who came). Offerings and
registrations are reached only through the scoped helpers of app.admin.access."""

from flask import flash, redirect, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from app.admin import bp
from app.admin.access import Permission, get_class_registration_for, offering_view, requires
from app.admin.classes_forms import (
    ClassFilterForm,
    ClassRulesForm,
    DeclineForm,
    MoveClassForm,
    PresentForm,
)
from app.admin.downloads import offering_export
from app.admin.lists import filtered_page
from app.errors import page, row_views, submit
from app.extensions import db
from app.forms import ConfirmForm
from app.models import ClassRegistration, utcnow
from app.schools.access import change_class, move_choices, session_choices
from app.services import schools


def _to_list(offering_id: int):
    return redirect(url_for("admin.class_registrations_index", offering_id=offering_id))


def _promoted_message(promoted) -> None:
    if promoted:
        flash(
            _(
                "Seats went to %(classes)s, from the waiting list; their teachers are told.",
                classes=", ".join(f"{reg.group_name} ({reg.school.name})" for reg in promoted),
            ),
            "info",
        )


@bp.get("/offerings/<int:offering_id>/classes")
@offering_view(Permission.MANAGE_PARTICIPANTS)
def class_registrations_index(offering):
    seats = schools.session_seats(db.session, offering)
    form = ClassFilterForm(formdata=request.args)
    form.session.choices = [("", _("All")), *session_choices(seats)]
    return filtered_page(
        "admin/classes/index.html",
        form,
        lambda session, filters, **page: schools.list_classes(
            session, offering.id, filters, **page
        ),
        offering=offering,
        seats=seats,
        counts=schools.class_counts(db.session, offering.id),
    )


@bp.get("/offerings/<int:offering_id>/classes/export")
@requires(Permission.EXPORT_PERSONAL_DATA, fresh=True)
def class_registrations_export(offering_id):
    """?format=xlsx|csv"""
    return offering_export(offering_id, schools.export_classes)


@bp.route("/offerings/<int:offering_id>/classes/rules", methods=["GET", "POST"])
@offering_view(Permission.MANAGE_OFFERINGS)
def class_rules_edit(offering):
    rules = schools.rules_of(db.session, offering)
    seats = schools.session_seats(db.session, offering)
    form = ClassRulesForm(
        data={
            "stages": rules.stage_list,
            "max_classes_per_school": rules.max_classes_per_school,
            "pupils_per_teacher": rules.pupils_per_teacher,
            "capacities": [item.capacity for item in seats],
        }
        if request.method != "POST"
        else None
    )
    for entry, item in zip(form.capacities.entries, seats, strict=False):
        entry.label.text = session_choices([item])[0].label
    promoted = submit(
        form,
        lambda: schools.save_rules(
            db.session,
            offering,
            stages=form.stages.data or [],
            max_classes_per_school=form.max_classes_per_school.data,
            pupils_per_teacher=form.pupils_per_teacher.data,
            capacities={
                item.meeting.id: entry.data
                for entry, item in zip(form.capacities.entries, seats, strict=False)
            },
            actor_id=current_user.id,
            now=utcnow(),
        ),
        page("admin/classes/rules.html", offering=offering, form=form),
    )
    flash(_("The class registration rules are saved."), "success")
    _promoted_message(promoted)
    return _to_list(offering.id)


# What staff do with one class: a page at /classes/<reg_id>/<action>, for a class they manage.
_class_view = row_views(
    bp,
    "/classes/<int:reg_id>",
    "class_registration",
    requires(Permission.MANAGE_PARTICIPANTS),
    lambda reg_id: get_class_registration_for(db.session, current_user, reg_id),
)


def _class_page(template: str, reg: ClassRegistration, form, **context):
    return page(f"admin/classes/{template}", reg=reg, offering=reg.offering, form=form, **context)


def _change(reg: ClassRegistration, form, template: str, change, **values):
    """``change`` to the class once ``form`` is valid (change_class), from the page
    ``admin/classes/<template>``."""
    return change_class(reg, form, _class_page(template, reg, form), change, **values)


@_class_view("confirm")
def class_registration_confirm(reg):
    form = ConfirmForm()
    _change(reg, form, "confirm.html", schools.confirm_class)
    flash(_("The class %(group)s is confirmed; its teacher is told.", group=reg.group_name))
    return _to_list(reg.offering_id)


@_class_view("move")
def class_registration_move(reg):
    form = MoveClassForm()
    form.session.choices = [("", _("Choose…")), *move_choices(reg)]
    promoted = _change(
        reg, form, "move.html", schools.move_class, session_id=form.session.data, by_staff=True
    )
    flash(_("The class %(group)s is moved; its teacher is told.", group=reg.group_name))
    _promoted_message(promoted)
    return _to_list(reg.offering_id)


@_class_view("decline")
def class_registration_decline(reg):
    form = DeclineForm()
    promoted = _change(reg, form, "decline.html", schools.end_class, reason=form.reason.data)
    flash(_("The class %(group)s is declined; its teacher is told why.", group=reg.group_name))
    _promoted_message(promoted)
    return _to_list(reg.offering_id)


@_class_view("attendance")
def class_registration_attendance(reg):
    form = PresentForm(data={"pupils_present": reg.pupils_present})
    submit(
        form,
        lambda: schools.mark_present(
            db.session, reg, pupils_present=form.pupils_present.data, actor_id=current_user.id
        ),
        _class_page("attendance.html", reg, form),
    )
    flash(_("Attendance of %(group)s saved.", group=reg.group_name), "success")
    return _to_list(reg.offering_id)

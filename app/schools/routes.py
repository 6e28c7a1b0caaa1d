"""A teacher's school page and its class registrations: register from a class-mode
offering's page, change the headcount, move to another session, cancel. Each view
validates its form, calls one service, commits and redirects (app.errors.submit)."""

from flask import flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from app.errors import page, row_views, submit
from app.extensions import db
from app.forms import ConfirmForm
from app.i18n import localized
from app.models import ClassStatus, utcnow
from app.schools import bp
from app.schools.access import (
    change_class,
    current_school,
    move_choices,
    own_registration,
    session_choices,
    teacher_required,
)
from app.schools.forms import ClassForm, HeadcountForm, JoinSchoolForm, MoveForm
from app.services import accounts, schools
from app.services.errors import DomainError


def _to_school():
    return redirect(url_for("schools.registrations_index"))


def _flash_outcome(reg, promoted=()) -> None:
    if reg.status == ClassStatus.CONFIRMED:
        flash(_("The class %(group)s is confirmed.", group=reg.group_name), "success")
    elif reg.status == ClassStatus.WAITING:
        flash(
            _(
                "The class %(group)s is on the waiting list: we confirm it as soon as one of "
                "its sessions has room for all its pupils.",
                group=reg.group_name,
            ),
            "info",
        )
    if promoted:
        flash(_("The seats you freed went to classes on the waiting list."), "info")


@bp.get("/")
@teacher_required
def registrations_index():
    school = current_school()
    return render_template(
        "schools/index.html",
        school=school,
        registrations=schools.school_registrations(db.session, school.id),
        coordinator=schools.is_coordinator(db.session, current_user, school.id),
        pending=len(schools.memberships_to_decide(db.session, current_user)),
        now=utcnow(),
    )


@bp.route("/join", methods=["GET", "POST"])
@login_required
def membership_create():
    form = JoinSchoolForm()
    form.school.choices = [
        ("", _("My school is not on the list")),
        *((school.id, school.name) for school in schools.joinable_schools(db.session)),
    ]
    form.municipality.choices = [
        ("", _("Choose…")),
        *((m.id, localized(m, "name").text) for m in accounts.residence_options(db.session)),
    ]
    membership = schools.live_membership(db.session, current_user.id)
    submit(
        form,
        lambda: schools.request_membership(
            db.session,
            user_id=current_user.id,
            school_id=form.school.data,
            proposed_name=form.name.data or "",
            municipality_id=form.municipality.data,
            now=utcnow(),
        ),
        page("schools/join.html", form=form, membership=membership),
    )
    flash(
        _(
            "Your request has been sent. The school's teachers or the partnership's staff "
            "approve it, and we tell you by email."
        ),
        "success",
    )
    return redirect(url_for("schools.membership_create"))


@bp.route("/invitations/<token>", methods=["GET", "POST"])
@login_required
def invitation_accept(token):
    try:
        school, _email, _coordinator = schools.read_invitation(db.session, token)
    except DomainError as error:
        return render_template("auth/link_error.html", message=error.message), error.status_code
    form = ConfirmForm()
    submit(
        form,
        lambda: schools.accept_invitation(db.session, token, user=current_user, now=utcnow()),
        page("schools/invitation.html", form=form, school=school),
    )
    flash(_("Welcome: you are now a teacher of %(school)s.", school=school.name), "success")
    return _to_school()


@bp.route("/offerings/<int:offering_id>/register", methods=["GET", "POST"])
@teacher_required
def registration_create(offering_id):
    offering = schools.class_offering(db.session, offering_id)
    seats = schools.session_seats(db.session, offering)
    rules = schools.rules_of(db.session, offering)
    form = ClassForm()
    form.set_sessions(session_choices(seats), rules.stage_list)
    now = utcnow()
    try:
        schools.check_open(offering, now)
    except DomainError as error:
        return render_template("schools/closed.html", offering=offering, refusal=error), (
            error.status_code
        )
    reg = submit(
        form,
        lambda: schools.register_class(
            db.session,
            offering_id=offering.id,
            teacher_id=current_user.id,
            session_ids=form.session_ids,
            details=form.details(),
            now=now,
        ),
        lambda status: (
            render_template(
                "schools/register.html",
                offering=offering,
                form=form,
                rules=rules,
                classes=schools.live_classes(db.session, offering.id, current_school().id),
            ),
            status,
        ),
    )
    _flash_outcome(reg)
    return _to_school()


# What a teacher does with one of the school's classes: a page at
# /registrations/<reg_id>/<action> (another school's class is not found).
_registration_view = row_views(
    bp, "/registrations/<int:reg_id>", "registration", teacher_required, own_registration
)


@_registration_view("edit")
def registration_edit(reg):
    form = HeadcountForm(data={"pupils": reg.pupils, "teachers": reg.teachers})
    promoted = change_class(
        reg,
        form,
        lambda status: (
            render_template(
                "schools/edit.html",
                reg=reg,
                form=form,
                may_raise=schools.before_deadline(reg.offering, utcnow()),
            ),
            status,
        ),
        schools.change_pupils,
        pupils=form.pupils.data,
        teachers=form.teachers.data,
    )
    flash(_("The headcount of %(group)s is saved and confirmed.", group=reg.group_name), "success")
    _flash_outcome(reg, promoted)
    return _to_school()


@_registration_view("move")
def registration_move(reg):
    form = MoveForm()
    form.session.choices = move_choices(reg)
    promoted = change_class(
        reg,
        form,
        page("schools/move.html", reg=reg, form=form),
        schools.move_class,
        session_id=form.session.data,
    )
    _flash_outcome(reg, promoted)
    return _to_school()


@_registration_view("cancel")
def registration_cancel(reg):
    form = ConfirmForm()
    change_class(reg, form, page("schools/cancel.html", reg=reg, form=form), schools.end_class)
    flash(_("The registration of %(group)s is cancelled.", group=reg.group_name), "success")
    return _to_school()

"""The teachers of a school: requests to join it, decided by its teachers, and
invitations sent by its coordinator. Partnership staff do the same from the back office."""

from flask import flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from app.errors import submit
from app.extensions import db
from app.forms import ConfirmForm
from app.i18n import current_language
from app.schools import bp
from app.schools.access import current_school, decide_request, teacher_required
from app.schools.forms import InviteForm
from app.services import schools


def _page(status: int, invite_form=None):
    school = current_school()
    return render_template(
        "schools/members.html",
        school=school,
        requests=schools.memberships_to_decide(db.session, current_user),
        form=ConfirmForm(),
        invite_form=invite_form or InviteForm(formdata=None),
        coordinator=schools.is_coordinator(db.session, current_user, school.id),
    ), status


@bp.get("/teachers")
@teacher_required
def members_index():
    return _page(200)


@bp.post("/teachers/<int:membership_id>/approve")
@teacher_required
def member_approve(membership_id):
    return _decide(membership_id, approve=True)


@bp.post("/teachers/<int:membership_id>/decline")
@teacher_required
def member_decline(membership_id):
    return _decide(membership_id, approve=False)


def _decide(membership_id: int, approve: bool):
    membership = decide_request(membership_id, approve, _page)
    if approve:
        flash(_("%(name)s is now a teacher of the school.", name=membership.user.name), "success")
    else:
        flash(_("The request of %(name)s is declined.", name=membership.user.name), "success")
    return redirect(url_for("schools.members_index"))


@bp.post("/teachers/invite")
@teacher_required
def member_invite():
    form = InviteForm()
    submit(
        form,
        lambda: schools.invite(
            db.session,
            actor=current_user,
            school_id=current_school().id,
            email=form.email.data,
            coordinator=form.coordinator.data,
            lang=current_language(),
        ),
        lambda status: _page(status, form),
    )
    flash(_("The invitation is on its way to %(email)s.", email=form.email.data), "success")
    return redirect(url_for("schools.members_index"))

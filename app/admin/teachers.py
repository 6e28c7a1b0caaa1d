"""Teachers and schools, for partnership staff: requests to join a school, schools that
teachers proposed for the map, and invitations to a school by signed link."""

from flask import flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from app.admin import bp
from app.admin.access import Permission, requires
from app.errors import submit
from app.extensions import db
from app.forms import ConfirmForm
from app.i18n import current_language
from app.models import utcnow
from app.schools.access import decide_request
from app.schools.forms import SchoolInviteForm
from app.services import schools


def _to_index():
    return redirect(url_for("admin.teachers_index"))


def _page(status: int, invite_form=None):
    invite_form = invite_form or SchoolInviteForm(formdata=None)
    invite_form.set_schools(schools.joinable_schools(db.session))
    return render_template(
        "admin/teachers/index.html",
        requests=schools.memberships_to_decide(db.session, current_user),
        proposals=schools.pending_proposals(db.session),
        form=ConfirmForm(),
        invite_form=invite_form,
    ), status


@bp.get("/teachers")
@requires(Permission.MANAGE_ORGANISATIONS)
def teachers_index():
    return _page(200)


@bp.post("/teachers/<int:membership_id>/approve")
@requires(Permission.MANAGE_ORGANISATIONS)
def teacher_approve(membership_id):
    return _decide(membership_id, approve=True)


@bp.post("/teachers/<int:membership_id>/decline")
@requires(Permission.MANAGE_ORGANISATIONS)
def teacher_decline(membership_id):
    return _decide(membership_id, approve=False)


def _decide(membership_id: int, approve: bool):
    membership = decide_request(membership_id, approve, _page)
    names = {"name": membership.user.name, "school": membership.organisation.name}
    if approve:
        flash(_("%(name)s is now a teacher of %(school)s; they are told by email.", **names))
    else:
        flash(
            _(
                "The request of %(name)s to join %(school)s is declined; they are told by email.",
                **names,
            )
        )
    return _to_index()


@bp.post("/teachers/invite")
@requires(Permission.MANAGE_ORGANISATIONS)
def teacher_invite():
    form = SchoolInviteForm()
    form.set_schools(schools.joinable_schools(db.session))
    submit(
        form,
        lambda: schools.invite(
            db.session,
            actor=current_user,
            school_id=form.school.data,
            email=form.email.data,
            coordinator=form.coordinator.data,
            lang=current_language(),
        ),
        lambda status: _page(status, form),
    )
    flash(_("The invitation is on its way to %(email)s.", email=form.email.data), "success")
    return _to_index()


@bp.post("/schools/<int:organisation_id>/approve")
@requires(Permission.MANAGE_ORGANISATIONS)
def school_approve(organisation_id):
    proposal = schools.get_proposal(db.session, organisation_id)
    submit(
        ConfirmForm(),
        lambda: schools.approve_school(
            db.session, proposal, actor_id=current_user.id, now=utcnow()
        ),
        _page,
    )
    flash(_("%(school)s is on the map.", school=proposal.organisation.name), "success")
    return _to_index()

"""A call's set-up in the back office: its published selection criteria (defined before the
call opens, frozen once a review is scored) and its reviewers."""

from flask import render_template
from flask_babel import gettext as _
from flask_login import current_user

from app.admin import bp
from app.admin.access import Permission, offering_view
from app.admin.applications_forms import CriterionForm, ReviewerForm
from app.errors import done, form_status, submit
from app.extensions import db
from app.forms import ConfirmForm
from app.models import utcnow
from app.services import applications


@bp.get("/offerings/<int:offering_id>/criteria")
@offering_view(Permission.MANAGE_OFFERINGS)
def criteria_index(offering):
    criteria = applications.criteria(db.session, offering.id)
    return render_template(
        "admin/applications/criteria.html",
        offering=offering,
        criteria=criteria,
        total=sum(c.weight for c in criteria) or 1,
        locked=applications.criteria_lock(db.session, offering, utcnow()),
    )


def _criterion_page(template, offering, form, status, **context):
    """A criterion's form, or why the criteria can no longer change: then a form sent
    anyway, valid or not, is refused as a conflict with the call as it stands (409)."""
    locked = applications.criteria_lock(db.session, offering, utcnow())
    if locked is not None and status == 422:
        status = 409
    return render_template(template, offering=offering, form=form, locked=locked, **context), status


@bp.route("/offerings/<int:offering_id>/criteria/new", methods=["GET", "POST"])
@offering_view(Permission.MANAGE_OFFERINGS)
def criterion_create(offering):
    form = CriterionForm()
    submit(
        form,
        lambda: applications.save_criterion(
            db.session, offering, form.answers(), actor_id=current_user.id, now=utcnow()
        ),
        lambda status: _criterion_page(
            "admin/applications/criterion.html", offering, form, status, criterion=None
        ),
    )
    return done(_("The criterion is added."), "admin.criteria_index", offering_id=offering.id)


@bp.route("/offerings/<int:offering_id>/criteria/<int:criterion_id>", methods=["GET", "POST"])
@offering_view(Permission.MANAGE_OFFERINGS)
def criterion_edit(offering, criterion_id):
    criterion = applications.get_criterion(db.session, offering, criterion_id)
    form = CriterionForm(obj=criterion)
    submit(
        form,
        lambda: applications.save_criterion(
            db.session,
            offering,
            form.answers(),
            actor_id=current_user.id,
            now=utcnow(),
            criterion=criterion,
        ),
        lambda status: _criterion_page(
            "admin/applications/criterion.html", offering, form, status, criterion=criterion
        ),
    )
    return done(_("The criterion is saved."), "admin.criteria_index", offering_id=offering.id)


@bp.route(
    "/offerings/<int:offering_id>/criteria/<int:criterion_id>/delete", methods=["GET", "POST"]
)
@offering_view(Permission.MANAGE_OFFERINGS)
def criterion_delete(offering, criterion_id):
    criterion = applications.get_criterion(db.session, offering, criterion_id)
    form = ConfirmForm()
    submit(
        form,
        lambda: applications.delete_criterion(
            db.session, offering, criterion, actor_id=current_user.id, now=utcnow()
        ),
        lambda status: _criterion_page(
            "admin/applications/criterion_delete.html",
            offering,
            form,
            status,
            criterion=criterion,
        ),
    )
    return done(_("The criterion is deleted."), "admin.criteria_index", offering_id=offering.id)


def _reviewers_page(offering, form, status):
    return render_template(
        "admin/applications/reviewers.html",
        offering=offering,
        form=form,
        remove_form=ConfirmForm(formdata=None),
        reviewers=applications.reviewers(db.session, offering.id),
    ), status


@bp.route("/offerings/<int:offering_id>/reviewers", methods=["GET", "POST"])
@offering_view(Permission.MANAGE_OFFERINGS)
def reviewers_index(offering):
    form = ReviewerForm()
    if not form.is_submitted():
        return _reviewers_page(offering, form, form_status(form))
    user = submit(
        form,
        lambda: applications.add_reviewer(
            db.session, offering, email=form.email.data, actor_id=current_user.id, now=utcnow()
        ),
        lambda status: _reviewers_page(offering, form, status),
    )
    return done(
        _("%(name)s reviews this call.", name=user.name),
        "admin.reviewers_index",
        offering_id=offering.id,
    )


@bp.post("/offerings/<int:offering_id>/reviewers/<int:user_id>/remove")
@offering_view(Permission.MANAGE_OFFERINGS)
def reviewer_remove(offering, user_id):
    form = ConfirmForm()
    submit(
        form,
        lambda: applications.remove_reviewer(
            db.session, offering, user_id, actor_id=current_user.id
        ),
        lambda status: _reviewers_page(offering, ReviewerForm(formdata=None), status),
    )
    return done(
        _("The reviewer is removed from this call."),
        "admin.reviewers_index",
        offering_id=offering.id,
    )

"""A call's applications in the back office: the list with each one's weighted mean,
spread and reviews (sorted and filtered), deciding one, sending every pending decision at
once, the pitch deck, and the Excel-safe export. Calls and applications are reached only
through the scoped helpers of app.admin.access."""

from flask import flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user

from app.admin import bp
from app.admin.access import Permission, get_application_for, offering_view, requires
from app.admin.applications_forms import DecisionForm
from app.admin.downloads import offering_export
from app.applications.views import call_page, pitch_deck_download, review_context
from app.errors import done, submit
from app.extensions import db
from app.forms import ConfirmForm, first_view
from app.models import utcnow
from app.services import applications
from app.services.errors import DomainError


@bp.get("/offerings/<int:offering_id>/applications")
@offering_view(Permission.MANAGE_PARTICIPANTS)
def applications_index(offering):
    return call_page(
        "admin/applications/index.html",
        offering,
        pending=len(applications.pending(db.session, offering.id)),
    )


def _decide_page(application, form, status: int):
    context = review_context(application)
    own = context["own"]
    conflicted = own is not None and own.status == "conflict"
    return render_template(
        "admin/applications/decide.html",
        **context,
        form=form,
        conflicted=conflicted,
        standing=None
        if conflicted
        else applications.standing(application.reviews, context["by_id"]),
        position=applications.reserve_position(db.session, application),
    ), status


@bp.route("/applications/<int:application_id>", methods=["GET", "POST"])
@requires(Permission.MANAGE_PARTICIPANTS)
def application_decide(application_id):
    application = get_application_for(db.session, current_user, application_id)
    form = DecisionForm(
        data=first_view(
            {
                "decision": application.pending_decision,
                "rank": application.reserve_rank,
                "message": application.pending_message or "",
            }
        )
    )
    submit(
        form,
        lambda: applications.set_decision(
            db.session,
            application,
            form.decision.data,
            message=form.message.data or "",
            rank=form.rank.data,
            actor_id=current_user.id,
        ),
        lambda status: _decide_page(application, form, status),
    )
    return done(
        _("The decision is saved. It is sent with the others when you send the decisions."),
        "admin.applications_index",
        offering_id=application.offering_id,
    )


@bp.get("/applications/<int:application_id>/pitch-deck")
@requires(Permission.MANAGE_PARTICIPANTS)
def application_pitch_deck(application_id):
    return pitch_deck_download(get_application_for(db.session, current_user, application_id))


@bp.route("/offerings/<int:offering_id>/applications/send", methods=["GET", "POST"])
@offering_view(Permission.MANAGE_PARTICIPANTS)
def applications_send(offering):
    form = ConfirmForm()
    waiting = applications.pending(db.session, offering.id)
    if form.validate_on_submit():
        try:
            sent = applications.send_decisions(
                db.session, offering, actor_id=current_user.id, now=utcnow()
            )
        except DomainError as error:
            db.session.rollback()
            flash(str(error.message), "danger")
        else:
            db.session.commit()
            flash(
                ngettext(
                    "%(num)d decision sent; each applicant is told by email.",
                    "%(num)d decisions sent; each applicant is told by email.",
                    sent.total,
                ),
                "success",
            )
            return redirect(url_for("admin.applications_index", offering_id=offering.id))
    return render_template(
        "admin/applications/send.html", offering=offering, form=form, waiting=waiting
    )


@bp.get("/offerings/<int:offering_id>/applications/export")
@requires(Permission.EXPORT_PERSONAL_DATA, fresh=True)
def applications_export(offering_id):
    """?format=xlsx|csv"""
    return offering_export(offering_id, applications.export_applications)

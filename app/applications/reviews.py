"""The reviewer's side: the calls they review, each call's applications, and scoring one
(or abstaining, or declaring a conflict of interest).

A call or application is reached only through services.applications' reviewer rule (an
assignment to the call): any other is "not found", including another organisation's."""

from flask import render_template, request
from flask_babel import gettext as _
from flask_login import current_user, login_required

from app.applications import bp
from app.applications.forms import CommentForm, score_form
from app.applications.views import call_page, pitch_deck_download, review_context
from app.errors import done, submit
from app.extensions import db
from app.models import Application, CallReviewer, Offering, utcnow
from app.services import applications
from app.services.applications.reviews import NOT_YOURS
from app.services.errors import NotFound


def _reviewed_call(offering_id: int) -> Offering:
    if db.session.get(CallReviewer, (offering_id, current_user.id)) is None:
        raise NotFound(NOT_YOURS)
    return db.session.get(Offering, offering_id)


@bp.app_template_global()
def reviews_visible() -> bool:
    """The account's "Reviews" tab: for staff, who may be asked to review calls."""
    return current_user.is_authenticated and current_user.is_staff


@bp.get("/reviews/")
@login_required
def reviews_index():
    return render_template(
        "applications/reviews/index.html",
        calls=applications.reviewed_calls(db.session, current_user.id),
    )


@bp.get("/reviews/calls/<int:offering_id>")
@login_required
def review_call(offering_id):
    offering = _reviewed_call(offering_id)
    return call_page(
        "applications/reviews/call.html", offering, sees_scores=applications.sees_scores
    )


def _review_page(application: Application, form, comment_form, status: int):
    context = review_context(application)
    return render_template(
        "applications/reviews/review.html",
        **context,
        form=form,
        comment_form=comment_form,
        standing=applications.standing(application.reviews, context["by_id"]),
        sees_scores=applications.sees_scores(context["own"]),
    ), status


@bp.route("/reviews/<int:application_id>", methods=["GET", "POST"])
@login_required
def review_edit(application_id):
    application = applications.get_application_to_review(db.session, current_user, application_id)
    criteria = applications.criteria(db.session, application.offering_id)
    own = applications.review_of(db.session, application.id, current_user.id)
    data = None
    if own is not None and request.method != "POST":
        data = {"comment": own.comment or ""} | {
            f"score_{s.criterion_id}": s.score for s in own.scores
        }
    form = score_form(criteria, data=data)
    comment_form = CommentForm(formdata=None)
    submit(
        form,
        lambda: applications.score(
            db.session,
            application,
            current_user,
            scores={c.id: getattr(form, applications.score_field(c)).data for c in criteria},
            comment=form.comment.data or "",
            now=utcnow(),
        ),
        lambda status: _review_page(application, form, comment_form, status),
    )
    return done(
        _("Your scores are saved. You can now see the other reviewers' scores."),
        "applications.review_edit",
        application_id=application.id,
    )


def _verdict(application_id: int, action, message: str):
    application = applications.get_application_to_review(db.session, current_user, application_id)
    comment_form = CommentForm()
    form = score_form(applications.criteria(db.session, application.offering_id), formdata=None)
    submit(
        comment_form,
        lambda: action(
            db.session,
            application,
            current_user,
            comment=comment_form.comment.data or "",
            now=utcnow(),
        ),
        lambda status: _review_page(application, form, comment_form, status),
    )
    return done(message, "applications.review_call", offering_id=application.offering_id)


@bp.post("/reviews/<int:application_id>/abstain")
@login_required
def review_abstain(application_id):
    return _verdict(application_id, applications.abstain, _("You abstain on this application."))


@bp.post("/reviews/<int:application_id>/conflict")
@login_required
def review_conflict(application_id):
    return _verdict(
        application_id,
        applications.declare_conflict,
        _("Your conflict of interest is recorded: this application is no longer yours to score."),
    )


@bp.get("/reviews/<int:application_id>/pitch-deck")
@login_required
def review_pitch_deck(application_id):
    application = applications.get_application_to_review(db.session, current_user, application_id)
    return pitch_deck_download(application)

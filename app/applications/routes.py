"""The applicant's side: apply from the offering's page, save a draft, submit, edit until
the deadline, withdraw, confirm an offered place, follow it all in the account.

Every application is reached through services.applications.get_own_application: someone
else's (or its file) is "not found"."""

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required
from werkzeug.exceptions import RequestEntityTooLarge

from app.applications import bp
from app.applications.forms import ApplicationForm
from app.applications.views import pitch_deck_download
from app.enrolment.routes import ENROL_LIMIT, person_key
from app.errors import add_action_views, submit
from app.extensions import db, limiter
from app.forms import ConfirmForm
from app.i18n import localized
from app.models import Application, ApplicationStatus, Offering, utcnow
from app.services import applications, catalogue
from app.services.errors import DomainError

# The form fields and the multipart boundaries around a pitch deck.
REQUEST_ALLOWANCE = 64 * 1024
UPLOAD_ENDPOINTS = {"applications.apply", "applications.application_edit"}


@bp.url_value_preprocessor
def upload_size_limit(endpoint, values):
    """Before anything reads the form (the CSRF check does, first): the pages that take a
    pitch deck accept its size; every other page keeps the usual limit."""
    if endpoint in UPLOAD_ENDPOINTS:
        limit = current_app.config["PITCH_DECK_MAX_BYTES"] + REQUEST_ALLOWANCE
        request.max_content_length = limit


@bp.errorhandler(RequestEntityTooLarge)
def too_large(error):
    """A pitch deck far beyond the limit: said at its field, nothing read or stored."""
    args = request.view_args or {}
    if request.endpoint not in UPLOAD_ENDPOINTS:
        abort(413)
    if "application_id" in args:
        application = applications.get_own_application(
            db.session, args["application_id"], current_user.id
        )
        offering = application.offering
    else:
        application, offering = None, catalogue.get_public(db.session, args["offering_id"])
    form = ApplicationForm(formdata=None, obj=application)
    form.pitch_deck.errors = [
        _(
            "The pitch deck may be at most %(size)s MB.",
            size=current_app.config["PITCH_DECK_MAX_BYTES"] // (1024 * 1024),
        )
    ]
    return _form_page(offering, form, application, 413)


@bp.app_template_global()
def application_call(offering: Offering) -> dict:
    """What the offering's page shows of its call: state, criteria, the visitor's own."""
    now = utcnow()
    own = None
    if current_user.is_authenticated:
        own = applications.own_application(db.session, offering.id, current_user.id)
    criteria = applications.criteria(db.session, offering.id)
    total = sum(criterion.weight for criterion in criteria) or 1
    return {
        "state": applications.call_state(offering, now),
        "criteria": [(c, round(100 * c.weight / total)) for c in criteria],
        "own": own,
    }


def _form_page(offering: Offering, form, application: Application | None, status: int):
    max_mb = current_app.config["PITCH_DECK_MAX_BYTES"] // (1024 * 1024)
    form.pitch_deck.description = _(
        "A PDF file of up to %(size)s MB. Only the selection committee sees it.", size=max_mb
    )
    return render_template(
        "applications/form.html",
        offering=offering,
        form=form,
        application=application,
        state=applications.call_state(offering, utcnow()),
    ), status


def _upload(form) -> applications.Upload | None:
    sent = form.pitch_deck.data
    if sent is None or not getattr(sent, "filename", ""):
        return None
    return applications.Upload(sent.read())


def _save(offering: Offering, form, application: Application | None):
    saved = submit(
        form,
        lambda: applications.save_application(
            db.session,
            offering=offering,
            user=current_user,
            answers=applications.ApplicationAnswers(
                project_name=form.project_name.data or "",
                description=form.description.data or "",
                stage=form.stage.data,
                sector=form.sector.data or "",
                team_size=form.team_size.data,
                website=form.website.data or "",
                expectations=form.expectations.data or "",
            ),
            now=utcnow(),
            submit=bool(form.submit.data),
            pitch_deck=_upload(form),
            remove_pitch_deck=bool(form.remove_pitch_deck.data),
            application=application,
        ),
        lambda status: _form_page(offering, form, application, status),
    )
    if saved.status == ApplicationStatus.DRAFT:
        flash(_("Your draft is saved. Submit it before the deadline."), "success")
    else:
        flash(
            _("Your application is submitted. You can change it until the deadline."),
            "success",
        )
    return redirect(url_for("applications.application_edit", application_id=saved.id))


@bp.route("/offerings/<int:offering_id>/apply", methods=["GET", "POST"])
@login_required
@limiter.limit(ENROL_LIMIT, key_func=person_key, methods=["POST"])
def apply(offering_id):
    offering = catalogue.get_public(db.session, offering_id)
    own = applications.own_application(db.session, offering.id, current_user.id)
    form = ApplicationForm()
    if own is not None and not form.is_submitted():
        return redirect(url_for("applications.application_edit", application_id=own.id))
    if not form.is_submitted():
        try:
            applications.check_call_open(offering, utcnow())
        except DomainError as error:
            form.form_errors.append(error.message)
            return _form_page(offering, form, None, error.status_code)
    return _save(offering, form, None)


@bp.route("/applications/<int:application_id>", methods=["GET", "POST"])
@login_required
@limiter.limit(ENROL_LIMIT, key_func=person_key, methods=["POST"])
def application_edit(application_id):
    application = applications.get_own_application(db.session, application_id, current_user.id)
    form = ApplicationForm(obj=application)
    editable = application.status in applications.EDITABLE and (
        applications.call_state(application.offering, utcnow()) == applications.CallState.OPEN
    )
    if not editable and not form.is_submitted():
        return render_template(
            "applications/status.html",
            application=application,
            offering=application.offering,
            position=applications.reserve_position(db.session, application),
        )
    return _save(application.offering, form, application)


@bp.get("/applications/<int:application_id>/pitch-deck")
@login_required
def pitch_deck(application_id):
    application = applications.get_own_application(db.session, application_id, current_user.id)
    return pitch_deck_download(application)


def _confirm_page(template: str, application: Application, form, refusal=None):
    return render_template(
        template,
        application=application,
        offering=application.offering,
        form=form,
        refusal=refusal,
        now=utcnow(),
    ), (refusal.status_code if refusal else 200)


# What an applicant does to their own application once they confirm it: the service call
# and what is said afterwards.
_OWN_ACTIONS = {
    "withdraw": (applications.withdraw, _l("Your application to %(title)s is withdrawn.")),
    "confirm": (
        applications.confirm_place,
        _l("Your place in %(title)s is confirmed. Welcome to the programme!"),
    ),
}


def _own_view(action: str):
    change, said = _OWN_ACTIONS[action]
    template = f"applications/{action}.html"

    @login_required
    def view(application_id):
        """A confirm page, then one POST that makes the change; a refusal is shown on it."""
        application = applications.get_own_application(db.session, application_id, current_user.id)
        form = ConfirmForm()
        if not form.validate_on_submit():
            return _confirm_page(template, application, form)
        try:
            change(db.session, application, now=utcnow(), actor_id=current_user.id)
        except DomainError as error:
            db.session.rollback()
            return _confirm_page(template, application, form, error)
        db.session.commit()
        flash(said % {"title": localized(application.offering, "title").text}, "success")
        return redirect(url_for("applications.mine"))

    return view


add_action_views(bp, "/applications/<int:application_id>", "application", _own_view, _OWN_ACTIONS)


@bp.get("/account/applications")
@login_required
def mine():
    rows = [
        (application, applications.reserve_position(db.session, application))
        for application in applications.own_applications(db.session, current_user.id)
    ]
    return render_template("applications/mine.html", rows=rows, now=utcnow())

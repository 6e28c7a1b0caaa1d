"""Search alerts: ask for one from a search, confirm it from the email, stop it from any
email (or from the account's page of alerts)."""

from datetime import timedelta

from flask import (
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from app.alerts import bp
from app.alerts.forms import AccountAlertForm, EmailAlertForm, StopAlertForm
from app.catalogue import cached
from app.catalogue.forms import CatalogueFilterForm, saved_search_args, saved_search_url
from app.errors import done, emailed_link, form_status, submit
from app.extensions import csrf, db, limiter
from app.i18n import current_language
from app.models import utcnow
from app.models.alerts import CONFIRMATION_MAX_AGE
from app.services import accounts, alerts, catalogue

# Each request by email sends an email: limited per visitor and per address, as sign-up is.
ALERT_LIMIT = "10/hour"


def alert_life() -> timedelta:
    return timedelta(days=int(current_app.config["RETENTION_ALERTS_DAYS"]))


def _email_key() -> str:
    return "alert-email:" + accounts.normalise_email(request.form.get("email", ""))


def _search():
    """The saved search of this request's query string (the catalogue's parameters), or
    a 400 page if they are not a valid search."""
    state = catalogue.catalogue_state(db.session, utcnow())
    options = cached.filter_options(state)
    form = CatalogueFilterForm.from_args(saved_search_args(request.args), options)
    if not form.validate():
        abort(400, description=_l("This search cannot be read. Go back to the catalogue."))
    return alerts.saved_search(db.session, form.filters(), options=options)


@bp.route("/new", methods=["GET", "POST"])
@limiter.limit(ALERT_LIMIT, methods=["POST"])
@limiter.limit(
    ALERT_LIMIT,
    key_func=_email_key,
    methods=["POST"],
    exempt_when=lambda: current_user.is_authenticated,
)
def new():
    search = _search()
    lang = current_language()
    back = saved_search_url(url_for("catalogue.index"), request.args)
    signed_in = current_user.is_authenticated
    form = AccountAlertForm() if signed_in else EmailAlertForm()

    def page(status=200):
        return render_template(
            "alerts/new.html",
            form=form,
            search=search,
            described=alerts.describe(db.session, search, lang),
            back=back,
            life_days=alert_life().days,
            confirm_days=CONFIRMATION_MAX_AGE.days,
        ), status

    if not search:
        # A hand-made link, or a form sent without a search: nothing to save.
        form.form_errors.append(alerts.NothingToSave().message)
        return page(form_status(form))
    if signed_in:
        started = submit(form, lambda: _start_for_account(search, lang), page)
        if started:
            return done(
                _(
                    "Alert started: we will email you at %(email)s when a matching offering "
                    "is published.",
                    email=current_user.email,
                ),
                "account.alerts",
            )
        flash(_("You already have this alert."), "info")
        return redirect(url_for("account.alerts"))
    submit(
        form,
        lambda: _ask_by_email(accounts.normalise_email(form.email.data), search, lang),
        page,
    )
    flash(
        _(
            "Check your inbox: we have sent a message to %(email)s. Follow its link within "
            "%(days)d days to start the alert; nothing else is sent to you until then.",
            email=accounts.normalise_email(form.email.data),
            days=CONFIRMATION_MAX_AGE.days,
        ),
        "success",
    )
    return redirect(back)


def _start_for_account(search, lang) -> bool:
    try:
        alerts.alert_for_account(
            db.session, user_id=current_user.id, search=search, lang=lang, now=utcnow()
        )
    except alerts.AlreadyAlerted:
        db.session.rollback()
        return False
    return True


def _ask_by_email(email, search, lang) -> None:
    try:
        alerts.alert_by_email(db.session, email=email, search=search, lang=lang, now=utcnow())
    except alerts.AlreadyAlerted:
        # The same address asked at the same moment: that request sends the email.
        db.session.rollback()


def _link(action):
    return emailed_link(action, "alerts/link_error.html")


@bp.get("/confirm/<token>")
def confirm(token):
    alert = _link(lambda: alerts.confirm(db.session, token, now=utcnow()))
    search = alerts.saved(alert)
    return render_template(
        "alerts/confirmed.html",
        described=alerts.describe(db.session, search, current_language()),
        email=alert.address,
        life_days=alert_life().days,
        stop_url=url_for("alerts.stop", token=alerts.stop_token(alert)),
    )


@bp.route("/stop/<token>", methods=["GET", "POST"])
@csrf.exempt
def stop(token):
    form = StopAlertForm()
    if not form.is_submitted():
        alert = _link(lambda: alerts.alert_of_stop_link(db.session, token, alert_life=alert_life()))
        return render_template(
            "alerts/stop.html",
            form=form,
            described=alerts.describe(db.session, alerts.saved(alert), current_language()),
            email=alert.address,
        )
    search = _link(lambda: alerts.stop_by_link(db.session, token, alert_life=alert_life()))
    return render_template(
        "alerts/stopped.html",
        described=alerts.describe(db.session, search, current_language()),
    )

"""The participant's own area: enrolments, inclusion profile, a copy of their data, closing
the account. Every page is about the logged-in person only: no ids of people in URLs."""

import json

from flask import Response, abort, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required, logout_user

from app.account import bp
from app.account.forms import DeleteAccountForm, ProfileForm
from app.alerts.forms import AccountAlertForm
from app.alerts.routes import alert_life
from app.errors import done, submit
from app.extensions import db, limiter
from app.i18n import current_language
from app.models import utcnow
from app.services import alerts, enrolment
from app.services.accounts import privacy, profile

# Closing the account checks the password: as guessable as a login, limited like one.
DELETE_LIMIT = "10/minute"


@bp.get("/")
@login_required
def index():
    now = utcnow()
    mine = enrolment.participant_enrolments(db.session, current_user.id, now)
    return render_template(
        "account/index.html", mine=mine, now=now, can_cancel=enrolment.can_cancel
    )


@bp.get("/alerts", endpoint="alerts")
@login_required
def alerts_page():
    lang = current_language()
    mine = [
        (alert, alerts.describe(db.session, alerts.saved(alert), lang))
        for alert in alerts.own_alerts(db.session, current_user.id)
    ]
    return render_template(
        "account/alerts.html",
        mine=mine,
        form=AccountAlertForm(),
        life=alert_life(),
    )


@bp.post("/alerts/<int:alert_id>/stop")
@login_required
def stop_alert(alert_id):
    form = AccountAlertForm()
    if not form.validate_on_submit():
        abort(400)
    alerts.stop_own(db.session, user_id=current_user.id, alert_id=alert_id)
    db.session.commit()
    return done(
        _("Alert stopped: we will not email you about that search again."), "account.alerts"
    )


@bp.route("/profile", methods=["GET", "POST"], endpoint="profile")
@login_required
def profile_page():
    # Back to the enrol page of an offering with age limits, once the year of birth is in.
    offering_id = request.args.get("offering", type=int)
    form = ProfileForm(data=ProfileForm.initial(profile.get_profile(db.session, current_user.id)))
    submit(
        form,
        lambda: profile.save_profile(db.session, current_user.id, form.answers(), utcnow()),
        lambda status: (
            render_template("account/profile.html", form=form, offering_id=offering_id),
            status,
        ),
    )
    flash(_("Your profile has been saved."), "success")
    if form.disability_without_consent:
        flash(
            _(
                "Your answer about disability was not saved, because the box giving your "
                "consent was not ticked."
            ),
            "warning",
        )
    if offering_id is not None:
        return redirect(url_for("enrolment.enrol", offering_id=offering_id))
    return redirect(url_for("account.profile"))


@bp.get("/export")
@login_required
def export():
    data = privacy.export_user_data(db.session, current_user.id, utcnow())
    return Response(
        json.dumps(data, ensure_ascii=False, indent=2),
        content_type="application/json; charset=utf-8",
        headers={
            "Content-Disposition": 'attachment; filename="mot-formacion-my-data.json"',
            "Cache-Control": "private, no-store",
        },
    )


@bp.route("/delete", methods=["GET", "POST"])
@login_required
@limiter.limit(DELETE_LIMIT, methods=["POST"])
def delete():
    form = DeleteAccountForm()
    submit(
        form,
        lambda: privacy.erase_user(
            db.session, current_user.id, password=form.password.data, now=utcnow()
        ),
        lambda status: (render_template("account/delete.html", form=form), status),
    )
    session.clear()
    logout_user()  # after clear(): it leaves the note that deletes the remember-me cookie
    return done(
        _("Your account has been closed and your personal data erased. Thank you for taking part."),
        "pages.home",
    )

"""Enrol from an offering's page, cancel from "my enrolments": a confirm page, then a POST.

The rules (capacity, waiting list, eligibility, deadlines) live in services.enrolment; a
refusal is shown on the confirm page with the status code that names it (409, 410)."""

from flask import abort, render_template
from flask_babel import gettext as _
from flask_limiter.util import get_remote_address
from flask_login import current_user, login_required

from app.catalogue.calendar import calendar_download
from app.enrolment import bp
from app.enrolment.forms import BirthYearForm, limits_text
from app.errors import done, submit
from app.extensions import db, limiter
from app.forms import ConfirmForm
from app.i18n import localized
from app.models import Enrolment, EnrolmentStatus, Offering, utcnow
from app.services import accounts, catalogue, enrolment
from app.services.errors import DomainError

# Far above what a person clicks, far below what a script needs to hoard places.
ENROL_LIMIT = "20/minute"


def person_key() -> str:
    """Count per account: many neighbours may share one public IP (a library, a school)."""
    if current_user.is_authenticated:
        return f"user:{current_user.id}"
    return get_remote_address()


def _outcome(place: Enrolment) -> str:
    title = localized(place.offering, "title").text
    if place.status == EnrolmentStatus.CONFIRMED:
        return _("Your place in %(title)s is confirmed.", title=title)
    return _(
        "You are number %(position)s on the waiting list of %(title)s.",
        position=enrolment.waiting_position(db.session, place),
        title=title,
    )


def _render_confirm(
    offering: Offering, form, refusal: DomainError | None = None, place=None, year_form=None
):
    status = refusal.status_code if refusal else 200
    return render_template(
        "enrolment/confirm.html",
        offering=offering,
        form=form,
        refusal=refusal,
        place=place,
        year_form=year_form,
        why_year=year_form and limits_text(offering, enrolment.age_year(offering, utcnow())),
    ), status


@bp.route("/offerings/<int:offering_id>/enrol", methods=["GET", "POST"])
@login_required
@limiter.limit(ENROL_LIMIT, key_func=person_key, methods=["POST"])
def enrol(offering_id):
    offering = catalogue.get_public(db.session, offering_id)
    form = ConfirmForm()
    now = utcnow()
    if not form.validate_on_submit():
        place = enrolment.live_enrolment(db.session, offering.id, current_user.id)
        refusal = None
        if place is None and enrolment.asks_birth_year(offering, current_user, now):
            return _render_confirm(offering, form, year_form=BirthYearForm())
        if place is None:
            try:
                enrolment.check_eligibility(offering, current_user, now)
            except DomainError as error:
                refusal = error
        return _render_confirm(offering, form, refusal, place)
    try:
        place = enrolment.enrol(
            db.session, offering_id=offering.id, user_id=current_user.id, now=now
        )
    except enrolment.AlreadyEnrolled:
        # A concurrent duplicate (a double click): the other request took the place.
        db.session.rollback()
        place = enrolment.live_enrolment(db.session, offering_id, current_user.id)
        if place is None:
            abort(409)
    except DomainError as error:
        db.session.rollback()
        return _render_confirm(offering, form, refusal=error)
    else:
        db.session.commit()
    return done(_outcome(place), "account.index")


@bp.post("/offerings/<int:offering_id>/enrol/birth-year")
@login_required
def birth_year(offering_id):
    """The year of birth an age-limited offering asks for on its enrol step, then that step
    again: the confirm button, or why the limits leave the person out."""
    offering = catalogue.get_public(db.session, offering_id)
    year_form = BirthYearForm()
    submit(
        year_form,
        lambda: accounts.save_birth_year(
            db.session, current_user.id, year_form.birth_year.data, utcnow()
        ),
        lambda status: (_render_confirm(offering, ConfirmForm(), year_form=year_form)[0], status),
    )
    return done(_("Your year of birth has been saved."), "enrolment.enrol", offering_id=offering.id)


@bp.route("/enrolments/<int:enrolment_id>/cancel", methods=["GET", "POST"])
@login_required
def cancel(enrolment_id):
    place = enrolment.get_own_enrolment(db.session, enrolment_id, current_user.id)
    form = ConfirmForm()
    now = utcnow()
    refusal = None
    if form.validate_on_submit():
        try:
            enrolment.cancel_enrolment(
                db.session, enrolment_id=place.id, user_id=current_user.id, now=now
            )
        except DomainError as error:
            db.session.rollback()
            refusal = error
        else:
            db.session.commit()
            return done(
                _(
                    "Your enrolment in %(title)s has been cancelled.",
                    title=localized(place.offering, "title").text,
                ),
                "account.index",
            )
    else:
        try:
            enrolment.check_cancellable(place, now)
        except DomainError as error:
            refusal = error
    return render_template(
        "enrolment/cancel.html", place=place, offering=place.offering, form=form, refusal=refusal
    ), (refusal.status_code if refusal else 200)


@bp.get("/enrolments/<int:enrolment_id>.ics")
@login_required
def calendar(enrolment_id):
    place = enrolment.get_own_enrolment(db.session, enrolment_id, current_user.id)
    if place.status == EnrolmentStatus.CANCELLED:
        abort(410)  # given back: a calendar saying it is still on would mislead
    return calendar_download(place.offering, f"mot-enrolment-{place.id}.ics", private=True)

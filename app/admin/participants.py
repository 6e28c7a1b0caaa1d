"""Participants of an offering: the list, enrolling on someone's behalf, promoting and
cancelling by hand, attendance at the door, completion, the sign-in sheet, messages and
exports. Offerings and enrolments are reached only through the scoped helpers of
app.admin.access: another organisation's are "not found"."""

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user
from wtforms.fields.choices import SelectChoice

from app.admin import bp
from app.admin.access import (
    Permission,
    get_enrolment_for,
    offering_view,
    requires,
)
from app.admin.downloads import offering_export
from app.admin.participants_forms import (
    AttendanceForm,
    CompletionForm,
    EnrolOnBehalfForm,
    MessageForm,
    ParticipantFilterForm,
    TickListForm,
)
from app.errors import add_action_views, done, form_status, page, submit
from app.extensions import db
from app.forms import ConfirmForm
from app.models import Enrolment, EnrolmentStatus, Offering, utcnow
from app.services import enrolment
from app.services import enrolment as places
from app.services.enrolment import exports
from app.services.errors import DomainError


@bp.app_template_global()
def participant_name(place: Enrolment) -> str:
    """Erased accounts keep their places (they are counted) but no longer a name."""
    user = place.user
    return user.name if user is not None and user.erased_at is None else _("Closed account")


@bp.get("/offerings/<int:offering_id>/participants")
@offering_view(Permission.MANAGE_PARTICIPANTS)
def participants_index(offering):
    form = ParticipantFilterForm(formdata=request.args)
    if not form.validate():
        return render_template(
            "admin/participants/index.html", offering=offering, form=form, result=None
        ), 400
    result = enrolment.list_participants(
        db.session,
        offering.id,
        text=form.q.data or "",
        status=form.status.data,
        page=form.page.data or 1,
        per_page=form.per_page.data or enrolment.DEFAULT_PAGE_SIZE,
    )
    return render_template(
        "admin/participants/index.html",
        offering=offering,
        form=form,
        result=result,
        status_labels={status: str(status.label) for status in EnrolmentStatus},
    )


def _enrolled_message(outcome: enrolment.OnBehalf) -> str:
    place = outcome.enrolment
    name = participant_name(place)
    if not outcome.new_place:
        message = _("%(name)s already had a place in this offering.", name=name)
    elif place.status == EnrolmentStatus.CONFIRMED:
        message = _("%(name)s has a confirmed place.", name=name)
    else:
        message = _(
            "The offering is full: %(name)s is number %(position)s on the waiting list.",
            name=name,
            position=places.waiting_position(db.session, place),
        )
    if outcome.new_account:
        message += " " + _(
            "We have opened an account for them and emailed a link to choose a password."
        )
    return message


@bp.route("/offerings/<int:offering_id>/participants/enrol", methods=["GET", "POST"])
@offering_view(Permission.MANAGE_PARTICIPANTS)
def participant_enrol(offering):
    form = EnrolOnBehalfForm()
    if not form.validate_on_submit():
        return render_template(
            "admin/participants/enrol.html", offering=offering, form=form
        ), form_status(form)
    try:
        outcome = enrolment.enrol_on_behalf(
            db.session,
            offering=offering,
            email=form.email.data,
            name=form.name.data or "",
            municipality_id=form.municipality.data,
            language=form.language.data,
            actor_id=current_user.id,
            now=utcnow(),
        )
    except places.AlreadyEnrolled:
        # Someone else (or the person) took this place in the same instant.
        db.session.rollback()
        flash(_("This person already has a place in this offering."), "info")
        return redirect(url_for("admin.participants_index", offering_id=offering.id))
    except DomainError as error:
        db.session.rollback()
        error.apply_to(form)
        return render_template(
            "admin/participants/enrol.html", offering=offering, form=form
        ), error.status_code
    db.session.commit()
    return done(_enrolled_message(outcome), "admin.participants_index", offering_id=offering.id)


def _confirm_page(action: str, place: Enrolment, form, refusal: DomainError | None = None):
    return render_template(
        "admin/participants/confirm.html",
        action=action,
        place=place,
        offering=place.offering,
        form=form,
        refusal=refusal,
        position=places.waiting_position(db.session, place),
    ), (refusal.status_code if refusal else 200)


def _promoted_message(place: Enrolment, _result) -> str:
    return _(
        "%(name)s has a confirmed place and has been told by email.", name=participant_name(place)
    )


def _cancelled_message(place: Enrolment, promoted) -> str:
    message = _(
        "%(name)s's place is cancelled; they have been told by email.", name=participant_name(place)
    )
    if promoted:
        message += " " + _(
            "The place went to %(names)s, from the waiting list.",
            names=", ".join(participant_name(e) for e in promoted),
        )
    return message


# Staff promote or cancel one place once they confirm: the service call and what is said.
_PLACE_ACTIONS = {
    "promote": (enrolment.promote, _promoted_message),
    "cancel": (enrolment.cancel_place, _cancelled_message),
}


def _place_view(action: str):
    change, said = _PLACE_ACTIONS[action]

    @requires(Permission.MANAGE_PARTICIPANTS)
    def view(enrolment_id):
        """A refusal is shown on the confirm page."""
        place = get_enrolment_for(db.session, current_user, enrolment_id)
        form = ConfirmForm()
        if not form.validate_on_submit():
            return _confirm_page(action, place, form)
        try:
            result = change(db.session, place, actor_id=current_user.id, now=utcnow())
        except DomainError as error:
            db.session.rollback()
            return _confirm_page(action, place, form, error)
        db.session.commit()
        return done(said(place, result), "admin.participants_index", offering_id=place.offering_id)

    return view


add_action_views(bp, "/enrolments/<int:enrolment_id>", "participant", _place_view, _PLACE_ACTIONS)


# What saving each bulk tick-list says; its page is admin/participants/<name>.html.
_TICKS_SAVED = {
    "attendance": lambda present, total: ngettext(
        "Attendance saved: %(num)s person present of %(total)s.",
        "Attendance saved: %(num)s people present of %(total)s.",
        present,
        total=total,
    ),
    "completion": lambda completed, total: ngettext(
        "Completion saved: %(num)s person completed of %(total)s.",
        "Completion saved: %(num)s people completed of %(total)s.",
        completed,
        total=total,
    ),
}


def _tick_page(name: str, form: TickListForm, offering: Offering, ticked, save, **context):
    """The bulk tick-list shared by attendance and completion: one checkbox per confirmed
    participant of ``offering`` (those ``ticked(person)`` at the first view), or everyone at
    once. Saves through ``save(chosen ids) -> (marked, total)``, says so and comes back to the
    same page; otherwise renders the page with the form, the offering and ``context``."""
    people = enrolment.confirmed_participants(db.session, offering.id)
    ticks, everyone = form.ticks, form.everyone
    ticks.choices = [SelectChoice(person.id, participant_name(person)) for person in people]
    if not form.is_submitted():
        ticks.data = {person.id for person in people if ticked(person)}
    marked, total = submit(
        form,
        lambda: save([person.id for person in people] if everyone.data else ticks.data or []),
        page(f"admin/participants/{name}.html", form=form, offering=offering, **context),
    )
    return done(_TICKS_SAVED[name](marked, total), request.endpoint, **request.view_args)


@bp.route(
    "/offerings/<int:offering_id>/sessions/<int:session_id>/attendance", methods=["GET", "POST"]
)
@offering_view(Permission.MANAGE_PARTICIPANTS)
def session_attendance(offering, session_id):
    """One checkbox per confirmed participant, for a phone at the door; saving marks the
    unticked absent."""
    meeting = enrolment.get_offering_session(db.session, offering, session_id)
    marks = enrolment.attendance_marks(db.session, meeting.id)
    return _tick_page(
        "attendance",
        AttendanceForm(),
        offering,
        lambda person: marks.get(person.id),
        lambda chosen: enrolment.mark_attendance(
            db.session, meeting, present=chosen, actor_id=current_user.id, now=utcnow()
        ),
        meeting=meeting,
        marked=len(marks),
    )


@bp.route("/offerings/<int:offering_id>/completion", methods=["GET", "POST"])
@offering_view(Permission.MANAGE_PARTICIPANTS)
def offering_completion(offering):
    return _tick_page(
        "completion",
        CompletionForm(),
        offering,
        lambda person: person.completed_at,
        lambda chosen: enrolment.mark_completion(
            db.session, offering, completed=chosen, actor_id=current_user.id, now=utcnow()
        ),
    )


@bp.get("/offerings/<int:offering_id>/sessions/<int:session_id>/sign-in-sheet")
@offering_view(Permission.MANAGE_PARTICIPANTS)
def session_sign_in_sheet(offering, session_id):
    meeting = enrolment.get_offering_session(db.session, offering, session_id)
    return render_template(
        "admin/participants/sign_in_sheet.html",
        offering=offering,
        meeting=meeting,
        people=enrolment.confirmed_participants(db.session, offering.id),
    )


@bp.route("/offerings/<int:offering_id>/participants/message", methods=["GET", "POST"])
@offering_view(Permission.MANAGE_PARTICIPANTS)
def participants_message(offering):
    form = MessageForm()
    sent = submit(
        form,
        lambda: enrolment.message_participants(
            db.session,
            offering,
            statuses=[EnrolmentStatus(value) for value in form.audience.data],
            subject=form.subject.data,
            body=form.body.data,
            actor_id=current_user.id,
        ),
        lambda status: (
            render_template(
                "admin/participants/message.html",
                offering=offering,
                form=form,
                counts=enrolment.status_counts(db.session, offering.id),
            ),
            status,
        ),
    )
    return done(
        ngettext(
            "Your message is on its way to %(num)s person.",
            "Your message is on its way to %(num)s people.",
            sent,
        ),
        "admin.participants_index",
        offering_id=offering.id,
    )


@bp.get("/offerings/<int:offering_id>/participants/export")
@requires(Permission.EXPORT_PERSONAL_DATA, fresh=True)
def participants_export(offering_id):
    """?what=participants|attendance|waiting-list&format=xlsx|csv"""
    return offering_export(
        offering_id, exports.export, kind=request.args.get("what", exports.Kind.PARTICIPANTS.value)
    )

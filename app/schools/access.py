"""Who acts for a school: the one place that decides it for the schools area. A view with
``@teacher_required`` gets the current teacher's school, or answers 403 with what to do."""

from functools import wraps

from flask import abort, g, render_template
from flask_babel import format_date, format_time, ngettext
from flask_babel import gettext as _
from flask_login import current_user, login_required
from wtforms.fields.choices import SelectChoice

from app.errors import submit
from app.extensions import db
from app.forms import ConfirmForm
from app.models import ClassRegistration, Organisation, utcnow
from app.services import schools


def current_school() -> Organisation:
    school = g.get("school")
    if school is None:
        abort(403)
    return school


def teacher_required(view):
    """Logged in as a teacher of a school; anyone else sees how to join one (403)."""

    @wraps(view)
    @login_required
    def wrapper(*args, **kwargs):
        g.school = schools.school_of(current_user)
        if g.school is None:
            membership = schools.live_membership(db.session, current_user.id)
            return render_template("schools/not_a_teacher.html", membership=membership), 403
        return view(*args, **kwargs)

    return wrapper


def own_registration(reg_id: int) -> ClassRegistration:
    """A registration of the current teacher's school; another school's is not found."""
    return schools.get_school_registration(db.session, current_school().id, reg_id)


def session_label(seats: schools.SessionSeats) -> str:
    start = seats.meeting.starts_at
    return _(
        "%(date)s, %(start)s to %(end)s · %(left)s",
        date=format_date(start, "full"),
        start=format_time(start, "short"),
        end=format_time(seats.meeting.ends_at, "short"),
        left=ngettext("%(num)d seat free", "%(num)d seats free", seats.left),
    )


def session_choices(seat_list) -> list[SelectChoice]:
    return [SelectChoice(seats.meeting.id, session_label(seats)) for seats in seat_list]


def move_choices(reg) -> list[SelectChoice]:
    """The sessions a class may be moved to: the other sessions of its offering."""
    return session_choices(
        seats
        for seats in schools.session_seats(db.session, reg.offering)
        if seats.meeting.id != reg.session_id
    )


def change_class(reg: ClassRegistration, form, page, change, **values):
    """One change to a class, by the current person, now, once ``form`` is valid:
    ``change(session, reg, **values)``, its values read from the form at once (validating
    does not change a form's data). Otherwise ``page(status)`` (app.errors.submit). Returns
    what ``change`` returns."""
    return submit(
        form,
        lambda: change(db.session, reg, actor_id=current_user.id, now=utcnow(), **values),
        page,
    )


def decide_request(membership_id: int, approve: bool, page):
    """Approve or decline a request to join a school that the current person may decide
    (app.errors.submit: ``page(status)`` on a refusal)."""
    membership = schools.get_membership_for(db.session, current_user, membership_id)
    submit(
        ConfirmForm(),
        lambda: schools.decide_membership(
            db.session, membership, approve=approve, actor=current_user, now=utcnow()
        ),
        page,
    )
    return membership

"""Coordinators' figures: exact, with filters; the Pact for Skills survey table; the
printable annual report; freezing a year and (admins, with a reason) unfreezing it; the
qualitative record per line of work."""

from flask import abort, current_app, render_template, request
from flask_babel import gettext as _
from flask_login import current_user

from app.admin import bp
from app.admin.access import Permission, can, requires
from app.admin.indicators_forms import FiguresFilterForm, QualitativeForm, UnfreezeForm
from app.errors import done, submit
from app.extensions import db
from app.forms import ConfirmForm
from app.impact.labels import Labels, dimension
from app.impact.routes import requested_year
from app.models.types import utcnow
from app.services import indicators
from app.services.errors import DomainError

# The Pact for Skills yearly survey, in its order: (question, indicator code).
PACT_SURVEY = (
    ("members", "members"),
    ("agents", "agents"),
    ("offerings", "offerings"),
    ("hours", "hours"),
    ("participants", "participants"),
    ("upskilled", "upskilled"),
    ("completions", "completions"),
    ("women", "women_in_technical_share"),
    ("pupils", "pupils"),
    ("entrepreneurs", "entrepreneurs"),
)


def _year() -> int:
    try:
        return requested_year(request.args.get("year"), utcnow())
    except DomainError as error:
        abort(400, error.message)


def _context(year: int) -> dict:
    threshold = current_app.config["INDICATORS_THRESHOLD"]
    figures = indicators.year_figures(db.session, year, threshold=threshold, exact=True)
    return {
        "year": year,
        "figures": figures,
        "pact": [(key, figures[code]) for key, code in PACT_SURVEY],
        "entries": indicators.entries(db.session, year),
        "lines": indicators.LINES,
        "labels": Labels(db.session),
        "dimension": dimension,
        "years": range(utcnow().year, indicators.FIRST_YEAR - 1, -1),
    }


def _page(year: int, status: int = 200, **forms):
    form = FiguresFilterForm(formdata=request.args)
    form.validate()
    forms.setdefault("qualitative", QualitativeForm())
    forms.setdefault("unfreeze", UnfreezeForm())
    return render_template(
        "admin/indicators/index.html",
        filters=form,
        freeze=ConfirmForm(),
        may_unfreeze=can(current_user, Permission.UNFREEZE_INDICATORS),
        **_context(year),
        **forms,
    ), status


@bp.get("/indicators/")
@requires(Permission.MANAGE_INDICATORS)
def indicators_index():
    return _page(_year())


@bp.get("/indicators/report")
@requires(Permission.MANAGE_INDICATORS)
def indicators_report():
    return render_template("admin/indicators/report.html", **_context(_year()))


@bp.post("/indicators/<int:year>/freeze")
@requires(Permission.MANAGE_INDICATORS)
def indicators_freeze(year):
    form = ConfirmForm()
    submit(
        form,
        lambda: indicators.freeze(db.session, year, actor=current_user, now=utcnow()),
        lambda status: _page(year, status),
    )
    return done(
        _("The figures of %(year)s are frozen.", year=year), "admin.indicators_index", year=year
    )


@bp.post("/indicators/<int:year>/unfreeze")
@requires(Permission.UNFREEZE_INDICATORS)
def indicators_unfreeze(year):
    form = UnfreezeForm()
    submit(
        form,
        lambda: indicators.unfreeze(db.session, year, actor=current_user, reason=form.reason.data),
        lambda status: _page(year, status, unfreeze=form),
    )
    return done(_("%(year)s is open again.", year=year), "admin.indicators_index", year=year)


@bp.post("/indicators/<int:year>/qualitative")
@requires(Permission.MANAGE_INDICATORS)
def indicators_qualitative(year):
    form = QualitativeForm()
    submit(
        form,
        lambda: indicators.add_entry(
            db.session, year=year, line=form.line.data, text=form.text(), author_id=current_user.id
        ),
        lambda status: _page(year, status, qualitative=form),
    )
    return done(_("Entry added."), "admin.indicators_index", year=year)

"""The public impact dashboard: a year's figures (suppressed), the year before beside them,
charts drawn on the server, downloads, and the methodology."""

import csv
import io

from flask import abort, current_app, jsonify, make_response, render_template, request
from flask_babel import gettext as _

from app.extensions import db
from app.impact import bp
from app.impact.dashboard import charts_of, comparison
from app.impact.labels import Labels, dimension
from app.models.types import utcnow
from app.services import indicators
from app.services.errors import DomainError


def requested_year(raw: str | None, now) -> int:
    """``?year=`` as a year the store can hold (default: this year), or a DomainError."""
    if raw is None or raw == "":
        return indicators.year_of(now)
    if not (raw.isascii() and raw.isdigit() and len(raw) == 4):
        raise DomainError(
            _("Give the year as four digits, such as %(year)s.", year=now.year), "year"
        )
    year = int(raw)
    indicators.check_year(year, now)
    return year


def public_figures(year: int) -> indicators.YearFigures:
    return indicators.year_figures(
        db.session, year, threshold=current_app.config["INDICATORS_THRESHOLD"]
    )


def _year_or_400(now) -> int:
    """The year asked for, or the page that says what is wrong with it (400)."""
    try:
        return requested_year(request.args.get("year"), now)
    except DomainError as error:
        abort(make_response(render_template("impact/bad_year.html", message=error.message), 400))


@bp.get("/")
def dashboard():
    now = utcnow()
    year = _year_or_400(now)
    figures = public_figures(year)
    previous = public_figures(year - 1) if year > indicators.FIRST_YEAR else None
    labels = Labels(db.session)
    return render_template(
        "impact/dashboard.html",
        year=year,
        years=range(indicators.year_of(now), indicators.FIRST_YEAR - 1, -1),
        figures=figures,
        previous=previous,
        rows=comparison(figures, previous),
        charts=charts_of(figures, previous, labels),
        entries=indicators.entries(db.session, year),
        lines=indicators.LINES,
    )


@bp.get("/indicators.<any(csv,json):fmt>")
def download(fmt):
    year = _year_or_400(utcnow())
    figures = public_figures(year)
    name = f"mot-indicators-{year}.{fmt}"
    if fmt == "json":
        response = jsonify(indicators.as_json(figures))
    else:
        buffer = io.StringIO()
        csv.writer(buffer).writerows(indicators.as_rows(figures))
        response = current_app.response_class(
            "\ufeff" + buffer.getvalue(), mimetype="text/csv; charset=utf-8"
        )
    response.headers["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@bp.get("/methodology")
def methodology():
    return render_template(
        "impact/methodology.html",
        definitions=indicators.PUBLIC,
        dimensions=lambda indicator: ", ".join(dimension(name) for name in indicator.breakdowns),
        threshold=current_app.config["INDICATORS_THRESHOLD"],
    )

"""Open data: the public offer as JSON, readable from any origin."""

from flask import current_app, jsonify, request
from flask_babel import gettext as _

from app.api import bp
from app.api.serializers import offering_to_json, organisation_to_json
from app.catalogue.forms import CatalogueFilterForm
from app.errors import api_error
from app.extensions import db
from app.i18n import LANGUAGES
from app.impact.routes import public_figures, requested_year
from app.models.types import utcnow
from app.services import catalogue, indicators, organisations, schools
from app.services.errors import DomainError


@bp.before_request
def check_language():
    """``lang`` only picks the language of error messages, but a wrong one is still an error."""
    if request.args.get("lang", LANGUAGES[0]) not in LANGUAGES:
        return _invalid_parameter("lang", _("Use es or en."))
    return None


@bp.after_request
def open_data_headers(response):
    response.headers["Access-Control-Allow-Origin"] = "*"
    if response.status_code == 200:
        response.headers["Cache-Control"] = "public, max-age=60"
    return response


@bp.get("/offerings/<int:offering_id>")
def offering(offering_id):
    found = catalogue.get_public(db.session, offering_id)
    now = utcnow()
    left = schools.places_left(db.session, [found], now)
    return jsonify(offering_to_json(found, now, left[found.id]))


@bp.get("/offerings")
def offering_list():
    """The catalogue's search with the catalogue's parameters, one page of offerings."""
    options = catalogue.filter_options(db.session)
    form = CatalogueFilterForm.from_args(request.args, options)
    if not form.validate():
        field = next(field for field in form if field.errors)
        return _invalid_parameter(field.name, field.errors[0])
    per_page = _per_page()
    if per_page is None:
        maximum = current_app.config["API_MAX_PAGE_SIZE"]
        return _invalid_parameter(
            "per_page", _("Use a whole number from 1 to %(max)d.", max=maximum)
        )
    now = utcnow()
    try:
        result = catalogue.search_catalogue(
            db.session,
            form.filters(),
            now=now,
            options=options,
            page=form.page_number,
            per_page=per_page,
        )
    except catalogue.PageOutOfRange as error:
        return _invalid_parameter("page", error.message)
    left = schools.places_left(db.session, result.items, now)
    return jsonify(
        items=[offering_to_json(item, now, left[item.id]) for item in result.items],
        total=result.total,
        page=result.page,
        pages=result.pages,
        per_page=result.per_page,
    )


@bp.get("/indicators")
def indicator_list():
    """A year's public figures (this year's without ``year``), suppressed as on the
    dashboard; the shape is a contract."""
    try:
        year = requested_year(request.args.get("year"), utcnow())
    except DomainError as error:
        return _invalid_parameter("year", error.message)
    return jsonify(indicators.as_json(public_figures(year)))


@bp.get("/organisations")
def organisation_list():
    """The public ecosystem directory: members and mapped agents."""
    entries = organisations.directory(db.session, organisations.DirectoryFilters())
    return jsonify(items=[organisation_to_json(entry) for entry in entries], total=len(entries))


def _per_page() -> int | None:
    """The page size asked for (default API_PAGE_SIZE), or None when it is out of bounds."""
    raw = request.args.get("per_page") or current_app.config["API_PAGE_SIZE"]
    try:
        value = int(raw)
    except ValueError:
        return None
    return value if 1 <= value <= current_app.config["API_MAX_PAGE_SIZE"] else None


def _invalid_parameter(name: str, message) -> tuple:
    return api_error(
        400,
        "invalid_parameter",
        _('Invalid value for "%(name)s": %(message)s', name=name, message=message),
    )

"""Open data: the public offer as JSON, readable from any origin."""

from flask import current_app, jsonify, request
from flask_babel import gettext as _

from app.api import bp
from app.api.serializers import offerings_to_json, organisation_to_json
from app.catalogue import cached
from app.catalogue.forms import CatalogueFilterForm
from app.errors import api_error
from app.extensions import db
from app.i18n import LANGUAGES
from app.impact.routes import public_figures, requested_year
from app.models.types import utcnow
from app.services import catalogue, indicators, organisations
from app.services.errors import DomainError

JSON = "application/json"


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
    """One offering, cached as its public page is (by its own state, with an ETag)."""
    now = utcnow()
    figures = catalogue.offering_state(db.session, offering_id, now)
    if figures is None:
        raise catalogue.OfferingGone()

    def render():
        found = offerings_to_json(db.session, [offering_id], now)
        if not found:  # a draft or archived
            raise catalogue.OfferingGone()
        body = current_app.json.dumps(found[0])
        return body, 200, catalogue.offering_state(db.session, offering_id, now)

    return cached.conditional_page(("api", offering_id), figures, render, mimetype=JSON)


@bp.get("/offerings")
def offering_list():
    """The catalogue's search with the catalogue's parameters, one page of offerings, cached
    as the catalogue's pages are: a repeated request costs the catalogue state's statement."""
    per_page = _per_page()
    if per_page is None:
        maximum = current_app.config["API_MAX_PAGE_SIZE"]
        return _invalid_parameter(
            "per_page", _("Use a whole number from 1 to %(max)d.", max=maximum)
        )
    now = utcnow()
    state = catalogue.catalogue_state(db.session, now)
    stamped_key = cached.stamped_key(state, per_page)
    stamped = cached.stamped_page(stamped_key)
    if stamped is not None:
        return cached.stamped_response(stamped)
    key = cached.results_key(state, per_page)
    found = cached.stored_results(key)
    if found is None:
        form = CatalogueFilterForm.from_args(request.args, cached.filter_options(state))
        if not form.validate():
            field = next(field for field in form if field.errors)
            return _invalid_parameter(field.name, field.errors[0])
        try:
            # Its offerings are read as open data reads them, when the page is rendered.
            found, _rows = cached.search(key, state, form, now=now, per_page=per_page, load=False)
        except catalogue.PageOutOfRange as error:
            return _invalid_parameter("page", error.message)
    figures = catalogue.seat_figures(db.session, list(found.ids), now)

    def render():
        body = current_app.json.dumps(
            {
                "items": offerings_to_json(db.session, found.ids, now),
                "total": found.total,
                "page": found.page,
                "pages": found.pages,
                "per_page": found.per_page,
            }
        )
        return body, 200, figures

    return cached.conditional_page(
        ("api", key), figures, render, stamped_as=stamped_key, mimetype=JSON
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

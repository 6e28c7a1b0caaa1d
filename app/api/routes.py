"""Open data: the public offer as JSON, readable from any origin."""

from flask import jsonify, request
from flask_babel import gettext as _

from app.api import bp
from app.api.serializers import offering_to_json
from app.errors import api_error
from app.extensions import db
from app.i18n import LANGUAGES
from app.models.types import utcnow
from app.services import offerings
from app.services.errors import NotFound


@bp.before_request
def check_language():
    """``lang`` only picks the language of error messages, but a wrong one is still an error."""
    if request.args.get("lang", LANGUAGES[0]) not in LANGUAGES:
        return api_error(400, "invalid_parameter", _('The parameter "lang" must be "es" or "en".'))
    return None


@bp.after_request
def open_data_headers(response):
    response.headers["Access-Control-Allow-Origin"] = "*"
    if response.status_code == 200:
        response.headers["Cache-Control"] = "public, max-age=60"
    return response


@bp.get("/offerings/<int:offering_id>")
def offering(offering_id):
    try:
        found = offerings.get_public(db.session, offering_id)
    except NotFound as error:
        return api_error(404, "not_found", error.message)
    return jsonify(offering_to_json(found, utcnow()))

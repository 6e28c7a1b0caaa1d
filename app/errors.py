"""Friendly error pages in the visitor's language, JSON errors under /api."""

from collections.abc import Callable
from functools import wraps
from typing import TypeVar

from flask import (
    Flask,
    Response,
    abort,
    flash,
    g,
    jsonify,
    make_response,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import lazy_gettext as _l
from flask_limiter import RateLimitExceeded
from flask_wtf.csrf import CSRFError
from markupsafe import escape
from werkzeug import exceptions as http
from werkzeug.exceptions import (
    BadRequest,
    HTTPException,
    InternalServerError,
    SecurityError,
    TooManyRequests,
)

from app.extensions import db
from app.i18n import DEFAULT_LANGUAGE, LANGUAGES
from app.services import errors as domain

MESSAGES = {
    400: _l("The request could not be understood."),
    403: _l("You are not allowed to see this page."),
    404: _l("We could not find that page."),
    405: _l("That action is not allowed here."),
    410: _l("This link is no longer valid."),
    413: _l("The file or form you sent is too large."),
    429: _l("Too many attempts. Please wait a moment and try again."),
    500: _l("Something went wrong on our side. We have been told and will fix it."),
}

CSRF_MESSAGE = _l(
    "This form has expired or did not come from this site. Go back, reload the page and "
    "send it again."
)

# The pages a visitor is most likely to meet get their own help; the rest share one.
TEMPLATES = {404: "errors/404.html", 500: "errors/500.html"}

# A refusal no view handles becomes the HTTP error of the same meaning, with its own words.
DOMAIN_TO_HTTP = {
    domain.NotFound: http.NotFound,
    domain.Forbidden: http.Forbidden,
    domain.Conflict: http.Conflict,
}


def form_status(form) -> int:
    """A submitted form that does not validate is the client's error (422); a first view
    of the form is not (200)."""
    return 422 if form.is_submitted() else 200


T = TypeVar("T")


def submit(form, action: Callable[[], T], page: Callable[[int], object]) -> T:
    """A form page's one path (DESIGN, rule 1): validate ``form``, run ``action`` (the one
    service call), commit and return what it returned. Otherwise ``page(status)`` is the
    answer, raised through ``abort``: the form as it came (422, or 200 at the first view),
    or with a refusal's messages at their fields, its status, and its changes rolled back."""
    if not form.validate_on_submit():
        abort(make_response(page(form_status(form))))
    try:
        result = action()
    except domain.DomainError as error:
        db.session.rollback()
        error.apply_to(form)
        abort(make_response(page(error.status_code)))
    db.session.commit()
    return result


def page(template: str, **context) -> Callable[[int], tuple]:
    """The ``page`` for submit(): ``template`` with ``context``, rendered (only when it is
    needed) with the status it is given."""
    return lambda status=200: (render_template(template, **context), status)


def emailed_link(action: Callable[[], T], template: str) -> T:
    """A page behind an emailed link: what ``action`` returns, committed; or, when it raises
    a domain error, the transaction rolled back and ``template`` saying why the link cannot
    be used (its ``message``), with the error's status."""
    try:
        result = action()
    except domain.DomainError as error:
        db.session.rollback()
        abort(make_response(render_template(template, message=error.message), error.status_code))
    db.session.commit()
    return result


def add_action_views(bp, base: str, endpoint: str, view_for, actions) -> None:
    """One view per action of a table (a confirm page, then the POST that acts), at
    ``<base>/<action>`` as the endpoint ``<endpoint>_<action>``: ``view_for(action)``."""
    for action in actions:
        bp.add_url_rule(
            f"{base}/{action}", f"{endpoint}_{action}", view_for(action), methods=["GET", "POST"]
        )


def row_views(bp, base: str, endpoint: str, guard, load):
    """A decorator for the form pages about one row, ``@row_view(action)``: the page at
    ``<base>/<action>`` as the endpoint ``<endpoint>_<action>`` (add_action_views), behind
    ``guard``, whose view is called with the row ``load`` finds from the URL's values (a row
    the person may not reach is not found)."""

    def row_view(action: str):
        def register(view):
            @wraps(view)
            def with_row(**values):
                return view(load(**values))

            add_action_views(bp, base, endpoint, lambda _action: guard(with_row), [action])
            return view

        return register

    return row_view


def done(message, endpoint: str, **values) -> Response:
    """A form page's happy end: say what happened (``message``) and go to ``endpoint``."""
    flash(message, "success")
    return redirect(url_for(endpoint, **values))


def wants_json() -> bool:
    return request.path.startswith("/api/")


def api_error(status: int, code: str, message) -> tuple:
    return jsonify(error={"code": code, "message": str(message)}), status


def bare_error_page(status: int, message) -> Response:
    """The error in plain HTML, without the layout, links or anything that could fail."""
    lang = g.get("lang") or DEFAULT_LANGUAGE
    try:
        text = str(message)
    except Exception:
        text = str(MESSAGES[500] if status >= 500 else MESSAGES[400])
    body = (
        f'<!doctype html>\n<html lang="{lang}"><head><meta charset="utf-8">'
        f"<title>MOT Formación: {status}</title></head><body><h1>{escape(text)}</h1>"
        f'<p><a href="/{lang}/">MOT Formación</a></p></body></html>\n'
    )
    return Response(body, status=status, mimetype="text/html")


def _language_from_path() -> None:
    """Unmatched URLs never reach the prefix preprocessor; read the prefix by hand."""
    if "lang" not in g:
        prefix = request.path.strip("/").split("/", 1)[0]
        if prefix in LANGUAGES:
            g.lang = prefix


def register(app: Flask) -> None:
    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException):
        status = error.code or 500
        # abort(404, description=...) says what exactly is missing; Werkzeug's own wording does not.
        custom = error.description != type(error).description
        message = error.description if custom else MESSAGES.get(status, error.description)
        if wants_json():
            return api_error(status, (error.name or "error").lower().replace(" ", "_"), message)
        _language_from_path()
        template = TEMPLATES.get(status, "errors/error.html")
        try:
            return render_template(template, status=status, message=message), status
        except Exception:  # the error page must not fail in turn (a bad Host, a broken page)
            app.logger.exception("The error page for %s could not be rendered", status)
            return bare_error_page(status, message), status

    # These two describe themselves in English for developers ("The CSRF token is missing.",
    # "10 per 1 minute"); the visitor gets our translated words instead.
    @app.errorhandler(CSRFError)
    def csrf_error(error: CSRFError):
        return http_error(BadRequest(description=CSRF_MESSAGE))

    # "Host 'x' is not trusted": no need to echo what the forger sent.
    @app.errorhandler(SecurityError)
    def untrusted_host(error: SecurityError):
        return http_error(BadRequest())

    @app.errorhandler(RateLimitExceeded)
    def rate_limited(error: RateLimitExceeded):
        return http_error(TooManyRequests())

    def domain_refusal(error: domain.DomainError):
        # Nothing the request changed before the refusal is kept.
        db.session.rollback()
        http_error_class = next(
            http_class for kind, http_class in DOMAIN_TO_HTTP.items() if isinstance(error, kind)
        )
        message = str(error.message) if error.message is not None else None
        return http_error(http_error_class(description=message))

    for refusal in DOMAIN_TO_HTTP:
        app.register_error_handler(refusal, domain_refusal)

    @app.errorhandler(Exception)
    def unexpected_error(error: Exception):
        app.logger.exception("Unhandled error", exc_info=error)
        return http_error(InternalServerError())

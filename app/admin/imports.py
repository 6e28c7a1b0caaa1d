"""Importing offerings from a spreadsheet in the browser, with the CLI's importer.

Two steps: checking the file is a dry run that shows every change and every error by row
and column; applying sends the same file again, carried in the page as a signed, compressed
field (no server-side state), and writes it all or nothing. Staff of one organisation may
import only that organisation's offerings.
"""

import base64
import zlib

from flask import abort, current_app, render_template, request
from flask_babel import gettext as _
from flask_login import current_user
from itsdangerous import BadData, SignatureExpired, TimestampSigner
from werkzeug.exceptions import RequestEntityTooLarge

from app.admin import bp
from app.admin import offerings as offering_pages
from app.admin.access import Permission, requires, sees_everything
from app.admin.imports_forms import IMPORT_MAX_BYTES, TOO_LARGE, ApplyForm, UploadForm
from app.errors import done, form_status
from app.extensions import db
from app.services import imports as importer

PAYLOAD_SALT = "admin.import-offerings"
PAYLOAD_MAX_AGE = 3600  # seconds between checking a file and applying it
# The request around the file (form fields, multipart boundaries) needs a little room.
REQUEST_ALLOWANCE = 64 * 1024
# The applied file travels compressed as base64 text, which is at most a third larger.
PAYLOAD_MAX_BYTES = IMPORT_MAX_BYTES * 4 // 3 + REQUEST_ALLOWANCE
LIMITS = {
    "admin.import_check": IMPORT_MAX_BYTES + REQUEST_ALLOWANCE,
    "admin.import_apply": PAYLOAD_MAX_BYTES,
}


@bp.url_value_preprocessor
def import_size_limits(endpoint, values):
    """Before anything reads the form (the CSRF check does, first): the import pages take a
    spreadsheet, the others keep the usual limits. A value preprocessor runs before every
    before_request function, which is why this is one."""
    if endpoint in LIMITS:
        request.max_content_length = LIMITS[endpoint]
        request.max_form_memory_size = LIMITS[endpoint]


@bp.errorhandler(RequestEntityTooLarge)
def too_large(error):
    """The back office's one handler of a request body past its limit (a blueprint has one
    per error): a spreadsheet, or an offering's image."""
    if request.endpoint in offering_pages.IMAGE_ENDPOINTS:
        return offering_pages.image_too_large()
    if request.endpoint in LIMITS:
        form = UploadForm(formdata=None)
        form.file.errors = [TOO_LARGE]
        return _render(form, status=413)
    return render_template(
        "errors/error.html", status=413, message=_("What you sent is too large.")
    ), 413


def _signer() -> TimestampSigner:
    return TimestampSigner(current_app.config["SECRET_KEY"], salt=PAYLOAD_SALT)


def _encode(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).decode("ascii")


def _sign(filename: str, content: bytes) -> str:
    """Who checked it, its name and the compressed file, signed with the time of the check."""
    value = ".".join(
        (str(current_user.id), _encode(filename.encode()), _encode(zlib.compress(content)))
    )
    return _signer().sign(value).decode("ascii")


def _unsign(payload: str | None) -> tuple[str, bytes]:
    """The file that was checked; 400 for anything tampered with, expired or not ours."""
    altered = _("The checked file was altered on the way. Upload it again.")
    try:
        value = _signer().unsign(payload or "", max_age=PAYLOAD_MAX_AGE).decode("ascii")
    except SignatureExpired:
        abort(400, description=_("The check is more than an hour old. Upload the file again."))
    except BadData:
        abort(400, description=altered)
    user_id, name, content = value.split(".")
    if user_id != str(current_user.id):
        abort(400, description=altered)
    return base64.urlsafe_b64decode(name).decode(), zlib.decompress(
        base64.urlsafe_b64decode(content)
    )


def _only_provider():
    return None if sees_everything(current_user) else current_user.organisation


def _render(form, *, status=200, result=None, apply_form=None, filename=None):
    return render_template(
        "admin/imports/index.html",
        form=form,
        result=result,
        apply_form=apply_form,
        filename=filename,
        only_provider=_only_provider(),
    ), status


def _run(content: bytes, filename: str, *, dry_run: bool):
    return importer.import_from_back_office(
        db.session,
        content,
        actor_id=current_user.id,
        filename=filename,
        dry_run=dry_run,
        only_provider=_only_provider(),
    )


@bp.route("/import/", methods=["GET", "POST"])
@requires(Permission.IMPORT_OFFERINGS)
def import_check():
    form = UploadForm()
    if not form.validate_on_submit():
        return _render(form, status=form_status(form))
    upload = form.file.data
    filename = upload.filename or ""
    content = upload.read()
    result = _run(content, filename, dry_run=True)
    db.session.rollback()  # a dry run writes nothing, not even a provider it would add
    if not result.ok:
        return _render(form, status=422, result=result, filename=filename)
    apply_form = ApplyForm(formdata=None, payload=_sign(filename, content))
    return _render(form, result=result, apply_form=apply_form, filename=filename)


@bp.post("/import/apply")
@requires(Permission.IMPORT_OFFERINGS)
def import_apply():
    form = ApplyForm()
    if not form.validate_on_submit():
        abort(400)
    filename, content = _unsign(form.payload.data)
    result = _run(content, filename, dry_run=False)
    if not result.ok:
        # Something changed since the check (another import, a place taken): show it all.
        db.session.rollback()
        return _render(UploadForm(formdata=None), status=409, result=result, filename=filename)
    db.session.commit()
    return done(
        _(
            "Import of %(file)s done: %(created)s new, %(updated)s updated, "
            "%(unchanged)s unchanged.",
            file=filename,
            **result.counts,
        ),
        "admin.import_check",
    )

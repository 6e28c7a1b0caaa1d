"""What the applicant's, the reviewer's and the back office's pages of a call share: a
pitch deck leaves the storage only as a download (never shown inline, never cached), and a
call's list is filtered and sorted from its query string."""

import io

from flask import request, send_file
from flask_login import current_user

from app.applications.forms import CallFilterForm
from app.extensions import db
from app.models import Application, Offering
from app.services import applications


def call_rows(offering: Offering) -> tuple[CallFilterForm, list[applications.Row] | None]:
    """The filter form read from the query string, and the rows it selects (None when the
    query string does not validate: the page answers 400)."""
    form = CallFilterForm(formdata=request.args)
    if not form.validate():
        return form, None
    return form, applications.call_applications(
        db.session, offering.id, viewer_id=current_user.id, **form.filters()
    )


def pitch_deck_download(application: Application):
    response = send_file(
        io.BytesIO(applications.pitch_deck(application)),
        mimetype="application/pdf",
        as_attachment=True,
        download_name=f"pitch-deck-{application.id}.pdf",
    )
    response.headers["Cache-Control"] = "private, no-store"
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response

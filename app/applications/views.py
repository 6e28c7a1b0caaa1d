"""What the applicant's, the reviewer's and the back office's pages of a call share: a
pitch deck leaves the storage only as a download (never shown inline, never cached), and a
call's list is filtered and sorted from its query string (call_page)."""

import io
import math

from flask import current_app, render_template, request, send_file
from flask_login import current_user

from app.applications.forms import CallFilterForm
from app.extensions import db
from app.models import Application, Offering
from app.services import applications
from app.services.pagination import DEFAULT_PAGE_SIZE, Page


def call_rows(offering: Offering) -> tuple[CallFilterForm, Page | None]:
    """The filter form read from the query string, and the page of rows it selects (None
    when the query string does not validate: the page answers 400). The figures are worked
    out for the whole call, to sort by them, then cut to a page."""
    form = CallFilterForm(formdata=request.args)
    if not form.validate():
        return form, None
    rows = applications.call_applications(
        db.session, offering.id, viewer_id=current_user.id, **form.filters()
    )
    per_page = current_app.config.get("ADMIN_PAGE_SIZE", DEFAULT_PAGE_SIZE)
    pages = max(1, math.ceil(len(rows) / per_page))
    page = min(form.page.data or 1, pages)
    return form, Page(
        items=rows[(page - 1) * per_page : page * per_page],
        total=len(rows),
        page=page,
        pages=pages,
        per_page=per_page,
    )


def call_page(template: str, offering: Offering, **context):
    """``template`` showing a call's list (``form`` and ``result``, call_rows), 400 when
    the query string does not validate."""
    form, result = call_rows(offering)
    page = render_template(template, offering=offering, form=form, result=result, **context)
    return page, (200 if result is not None else 400)


def review_context(application: Application) -> dict:
    """What a page that shows an application's reviews renders them with: the call's
    criteria (and by id), the current person's own review, and the weighting."""
    criteria = applications.criteria(db.session, application.offering_id)
    return {
        "application": application,
        "offering": application.offering,
        "criteria": criteria,
        "by_id": {criterion.id: criterion for criterion in criteria},
        "own": applications.review_of(db.session, application.id, current_user.id),
        "weighted": applications.weighted_score,
    }


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

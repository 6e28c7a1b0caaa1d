"""The back-office lists: a filter form read from the query string, then one page."""

import io
from collections.abc import Callable

from flask import current_app, render_template, send_file

from app.extensions import db
from app.services.pagination import DEFAULT_PAGE_SIZE, Page


def filtered_page(template: str, form, search: Callable[..., Page]):
    """``template`` with the form and one page of ``search(session, filters, page=,
    per_page=)``, or with no result and 400 when the query string does not validate."""
    if not form.validate():
        return render_template(template, form=form, result=None), 400
    result = search(
        db.session,
        form.filters(),
        page=form.page.data or 1,
        per_page=current_app.config.get("ADMIN_PAGE_SIZE", DEFAULT_PAGE_SIZE),
    )
    return render_template(template, form=form, result=result)


def spreadsheet_download(result):
    """An export (services.enrolment.Export) as a download kept out of every cache."""
    response = send_file(
        io.BytesIO(result.content),
        mimetype=result.mimetype,
        as_attachment=True,
        download_name=result.filename,
    )
    response.headers["Cache-Control"] = "no-store"  # personal data stays out of caches
    return response

"""The back-office lists: a filter form read from the query string, then one page."""

from collections.abc import Callable

from flask import current_app, render_template

from app.extensions import db
from app.services.pagination import DEFAULT_PAGE_SIZE, Page


def filtered_page(template: str, form, search: Callable[..., Page], **context):
    """``template`` with the form (and ``context``) and one page of ``search(session,
    filters, page=, per_page=)``, or with no result and 400 when the query string does not
    validate."""
    if not form.validate():
        return render_template(template, form=form, result=None, **context), 400
    result = search(
        db.session,
        form.filters(),
        page=form.page.data or 1,
        per_page=current_app.config.get("ADMIN_PAGE_SIZE", DEFAULT_PAGE_SIZE),
    )
    return render_template(template, form=form, result=result, **context)

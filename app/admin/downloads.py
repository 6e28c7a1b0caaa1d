"""Spreadsheets of personal data as downloads, kept out of every cache."""

import io

from flask import request, send_file
from flask_login import current_user

from app.admin.access import offering_or_404
from app.extensions import db
from app.models import utcnow
from app.services.enrolment import Export


def personal_data_file(result: Export):
    response = send_file(
        io.BytesIO(result.content),
        mimetype=result.mimetype,
        as_attachment=True,
        download_name=result.filename,
    )
    response.headers["Cache-Control"] = "no-store"  # personal data stays out of caches
    return response


def offering_export(offering_id: int, export, **options):
    """One offering's people as the spreadsheet ``export`` writes (and records in the audit
    log), in the ``format`` the query asks for (xlsx by default, or csv), downloaded."""
    offering = offering_or_404(offering_id)
    result = export(
        db.session,
        offering,
        fmt=request.args.get("format", "xlsx"),
        actor_id=current_user.id,
        now=utcnow(),
        **options,
    )
    db.session.commit()
    return personal_data_file(result)

"""Spreadsheets of personal data as downloads, kept out of every cache."""

import io

from flask import send_file

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

"""A pitch deck leaves the storage only as a download: never shown inline, never cached."""

import io

from flask import send_file

from app.models import Application
from app.services import applications


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

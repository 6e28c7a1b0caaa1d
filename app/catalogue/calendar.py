"""An offering's sessions as a calendar file, from its page or from one's own enrolment."""

from flask import Response

from app.i18n import current_language, localized
from app.models import Offering
from app.services.catalogue import build_calendar
from app.urls import offering_urls


def calendar_download(offering: Offering, filename: str, *, private: bool = False) -> Response:
    """The .ics of ``offering`` in the page's language, as an attachment named ``filename``;
    a ``private`` one (it tells of someone's place) is kept out of shared caches."""
    lang = current_language()
    body = build_calendar(
        [(offering, offering_urls(offering.id)[lang])],
        lang,
        name=localized(offering, "title").text,
    )
    response = Response(
        body,
        content_type="text/calendar; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )
    if private:
        response.headers["Cache-Control"] = "private, no-store"
    return response

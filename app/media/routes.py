"""Offering images as the site serves them, and the picture every card and page shows: the
offering's own image, or its programme's illustration."""

from dataclasses import dataclass
from pathlib import Path

from flask import Response, abort, current_app, request, url_for

from app.extensions import db
from app.i18n import localized
from app.media import bp
from app.models import Offering
from app.services import offerings
from app.services.errors import NotFound

# A stored image never changes under its key (a new image gets a new key): a browser and
# any cache in between keep it for a year without asking again.
CACHE_SECONDS = 365 * 24 * 3600
ILLUSTRATIONS = Path(__file__).resolve().parent.parent / "static" / "img" / "programmes"
ILLUSTRATION_SIZE = (640, 360)
DEFAULT_ILLUSTRATION = "default"


@dataclass(frozen=True)
class Picture:
    url: str
    alt: str  # empty for an illustration: decoration beside the offering's own title
    width: int
    height: int
    is_illustration: bool


def _illustrations() -> frozenset[str]:
    cached = current_app.extensions.get("programme_illustrations")
    if cached is None:
        cached = frozenset(path.stem for path in ILLUSTRATIONS.glob("*.svg"))
        current_app.extensions["programme_illustrations"] = cached
    return cached


@bp.app_template_global()
def programme_illustration(slug: str) -> str:
    """The address of a programme's illustration (a new programme gets the general one)."""
    name = slug if slug in _illustrations() else DEFAULT_ILLUSTRATION
    return url_for("static", filename=f"img/programmes/{name}.svg")


@bp.app_template_global()
def offering_picture(offering: Offering) -> Picture:
    if offering.image_key:
        return Picture(
            url=url_for("media.offering_image", key=offering.image_key),
            alt=localized(offering, "image_alt").text,
            width=offering.image_width,
            height=offering.image_height,
            is_illustration=False,
        )
    return Picture(programme_illustration(offering.programme.slug), "", *ILLUSTRATION_SIZE, True)


@bp.get("/media/offerings/<key>.jpg")
def offering_image(key):
    try:
        data = offerings.image_file(db.session, key)
    except NotFound:
        abort(404)
    response = Response(data, mimetype=offerings.IMAGE_CONTENT_TYPE)
    response.set_etag(key)
    response.cache_control.public = True
    response.cache_control.max_age = CACHE_SECONDS
    response.cache_control.immutable = True
    return response.make_conditional(request)

"""media blueprint: the offerings' images (/media/...), one address whatever the language."""

from flask import Blueprint

bp = Blueprint("media", __name__)

from app.media import routes  # noqa: E402,F401

"""impact blueprint: the public dashboard of the yearly indicators and its methodology."""

from flask import Blueprint

bp = Blueprint("impact", __name__)

from app.impact import routes  # noqa: E402, F401

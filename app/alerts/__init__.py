"""alerts blueprint: "email me when a matching offering is published", from a search."""

from flask import Blueprint

bp = Blueprint("alerts", __name__)

from app.alerts import routes  # noqa: E402, F401

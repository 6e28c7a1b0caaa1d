"""Operating the site: health and readiness probes, request logs, backups."""

from flask import Blueprint

bp = Blueprint("ops", __name__)

from app.ops import routes  # noqa: E402,F401

"""api blueprint."""

from flask import Blueprint

bp = Blueprint("api", __name__)

from app.catalogue.cached import reads_alone  # noqa: E402

# Open data only reads: no transaction around its statements (cached.reads_alone).
bp.before_request(reads_alone)

from app.api import routes  # noqa: E402, F401

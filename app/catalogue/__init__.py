"""catalogue blueprint."""

from flask import Blueprint

bp = Blueprint("catalogue", __name__)

from app.catalogue.cached import reads_alone  # noqa: E402

# Public pages only read: no transaction around their statements (cached.reads_alone).
bp.before_request(reads_alone)

from app.catalogue import routes  # noqa: E402, F401

"""admin blueprint: the back office for partnership staff (/<lang>/admin/...)."""

from flask import Blueprint

from app.admin.access import enforce

bp = Blueprint("admin", __name__)
bp.before_request(enforce)

from app.admin import routes  # noqa: E402, F401

"""admin blueprint: the back office for partnership staff (/<lang>/admin/...)."""

from flask import Blueprint

from app.admin.access import enforce

bp = Blueprint("admin", __name__)
bp.before_request(enforce)

from app.admin import (  # noqa: E402
    applications,  # noqa: F401
    audit,  # noqa: F401
    calls,  # noqa: F401
    classes,  # noqa: F401
    imports,  # noqa: F401
    indicators,  # noqa: F401
    offerings,  # noqa: F401
    organisations,  # noqa: F401
    participants,  # noqa: F401
    routes,  # noqa: F401
    teachers,  # noqa: F401
    users,  # noqa: F401
)

"""pages blueprint."""

from flask import Blueprint

from app.pages.operator import operator_detail, operator_email

bp = Blueprint("pages", __name__)
# The legal pages, the footer and the error pages all name the operator the same way.
bp.add_app_template_global(operator_detail)
bp.add_app_template_global(operator_email)

from app.pages import routes  # noqa: E402, F401

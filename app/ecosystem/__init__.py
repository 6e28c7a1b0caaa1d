"""ecosystem blueprint: the public directory of partnership members and mapped agents."""

from flask import Blueprint

bp = Blueprint("ecosystem", __name__)

from app.ecosystem import routes  # noqa: E402, F401

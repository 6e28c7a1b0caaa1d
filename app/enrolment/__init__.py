"""enrolment blueprint: taking a place in an offering, giving it back, its calendar file."""

from flask import Blueprint

bp = Blueprint("enrolment", __name__)

from app.enrolment import routes  # noqa: E402, F401

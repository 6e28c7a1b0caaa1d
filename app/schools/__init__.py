"""schools blueprint: teachers join their school and register whole classes
(/<lang>/schools/...); registration starts from a class-mode offering's page."""

from flask import Blueprint

bp = Blueprint("schools", __name__)

from app.schools import members, routes  # noqa: E402, F401

"""auth blueprint: sign-up, login and logout, email confirmation, passwords, email change."""

from flask import Blueprint

bp = Blueprint("auth", __name__)

from app.auth import routes  # noqa: E402, F401

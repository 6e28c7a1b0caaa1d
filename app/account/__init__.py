"""account blueprint: my enrolments, the inclusion profile, my data, closing the account."""

from flask import Blueprint

bp = Blueprint("account", __name__)

from app.account import routes  # noqa: E402, F401

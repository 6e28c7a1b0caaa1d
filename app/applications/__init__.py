"""applications blueprint: entrepreneurs apply to calls from the offering page and follow
their application in the account; reviewers score the calls they review."""

from flask import Blueprint

bp = Blueprint("applications", __name__)

from app.applications import reviews, routes  # noqa: E402, F401

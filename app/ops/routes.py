"""Probes for the load balancer and the orchestrator: plain JSON, no language, no session."""

from flask import jsonify
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

from app.extensions import db, limiter, talisman
from app.ops import bp
from app.ops.migrations import pending_migrations


@bp.get("/health")
@limiter.exempt
@talisman(force_https=False)  # probes come to the worker itself, not through TLS
def health():
    """Alive and able to reach the database."""
    try:
        db.session.execute(text("SELECT 1"))
    except SQLAlchemyError:
        db.session.rollback()
        return jsonify(status="error", database="unreachable"), 503
    return jsonify(status="ok", database="ok")


@bp.get("/ready")
@limiter.exempt
@talisman(force_https=False)
def ready():
    """Ready for traffic: the database is reachable and its schema is the code's."""
    try:
        pending = pending_migrations()
    except SQLAlchemyError:
        db.session.rollback()
        return jsonify(status="error", database="unreachable"), 503
    if pending:
        return jsonify(status="migrations pending", pending=pending), 503
    return jsonify(status="ok")

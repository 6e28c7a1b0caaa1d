"""Request logs: every response carries a request id (the proxy's ``X-Request-ID`` when it
sends a sane one), and with ``LOG_FORMAT=json`` each request is one JSON line (id, method,
path, status, duration) and every other log record a JSON line with the same id.

Paths are logged without their query string, and no address or account is logged: a log is
not a place for personal data.
"""

import json
import logging
import re
import uuid
from datetime import UTC, datetime
from time import perf_counter

from flask import Flask, g, has_request_context, request

REQUEST_ID = re.compile(r"^[A-Za-z0-9._-]{1,64}$")
requests_log = logging.getLogger("mot.requests")


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        line = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname.lower(),
            "logger": record.name,
            "message": record.getMessage(),
            **getattr(record, "fields", {}),
        }
        if has_request_context() and "request_id" in g:
            line.setdefault("request_id", g.request_id)
        if record.exc_info:
            line["error"] = self.formatException(record.exc_info)
        return json.dumps(line, ensure_ascii=False)


def init_app(app: Flask) -> None:
    if app.config["LOG_FORMAT"] == "json":
        handler = logging.StreamHandler()
        handler.setFormatter(JsonFormatter())
        for logger in (app.logger, requests_log):
            logger.handlers[:] = [handler]
            logger.setLevel(logging.INFO)
            logger.propagate = False

    @app.before_request
    def start() -> None:
        offered = request.headers.get("X-Request-ID", "")
        g.request_id = offered if REQUEST_ID.match(offered) else uuid.uuid4().hex
        g.started = perf_counter()

    @app.after_request
    def finish(response):
        if "request_id" not in g:  # a response made before ``start`` ran
            return response
        response.headers["X-Request-ID"] = g.request_id
        requests_log.info(
            "%s %s %s",
            request.method,
            request.path,
            response.status_code,
            extra={
                "fields": {
                    "request_id": g.request_id,
                    "method": request.method,
                    "path": request.path,
                    "status": response.status_code,
                    "duration_ms": round((perf_counter() - g.started) * 1000, 1),
                }
            },
        )
        return response

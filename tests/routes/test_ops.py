"""Health and readiness probes, request ids and JSON request logs."""

import io
import json
import logging

import pytest
from flask_migrate import downgrade, upgrade
from sqlalchemy.exc import OperationalError

from app import create_app
from app.config import TestConfig
from app.extensions import db
from app.ops.logs import JsonFormatter


def test_health_says_ok_when_the_database_answers(client):
    response = client.get("/health")
    assert response.status_code == 200
    assert response.json == {"status": "ok", "database": "ok"}


def test_health_fails_when_the_database_does_not_answer(client, monkeypatch):
    def unreachable(*args, **kwargs):
        raise OperationalError("SELECT 1", {}, Exception("connection refused"))

    monkeypatch.setattr(db.session, "execute", unreachable)
    response = client.get("/health")
    assert response.status_code == 503
    assert response.json["database"] == "unreachable"


def test_ready_when_the_schema_is_the_codes(client):
    response = client.get("/ready")
    assert (response.status_code, response.json) == (200, {"status": "ok"})


def test_not_ready_while_migrations_are_pending(tmp_path):
    settings = {name: getattr(TestConfig, name) for name in dir(TestConfig) if name.isupper()}
    app = create_app({**settings, "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'old.db'}"})
    with app.app_context():
        upgrade()
        downgrade(revision="0003")
    response = app.test_client().get("/ready")
    assert response.status_code == 503
    # Every revision after 0003, oldest first (later features add theirs after it).
    assert response.json["status"] == "migrations pending"
    assert response.json["pending"][0] == "0004"
    assert response.json["pending"] == sorted(response.json["pending"])
    with app.app_context():
        upgrade()
    assert app.test_client().get("/ready").status_code == 200


def test_every_response_carries_a_request_id_and_a_sane_one_is_kept(client):
    generated = client.get("/es/").headers["X-Request-ID"]
    assert len(generated) == 32
    assert (
        client.get("/es/", headers={"X-Request-ID": "proxy-42.a"}).headers["X-Request-ID"]
        == "proxy-42.a"
    )
    forged = client.get("/es/", headers={"X-Request-ID": "<script>alert(1)</script>"})
    assert "<" not in forged.headers["X-Request-ID"]
    assert len(forged.headers["X-Request-ID"]) == 32


@pytest.fixture
def json_app():
    settings = {name: getattr(TestConfig, name) for name in dir(TestConfig) if name.isupper()}
    app = create_app({**settings, "LOG_FORMAT": "json", "SQLALCHEMY_DATABASE_URI": "sqlite://"})
    output = io.StringIO()
    loggers = [logging.getLogger("mot.requests"), app.logger]
    [ours] = {item for item in loggers[0].handlers if isinstance(item.formatter, JsonFormatter)}
    ours.setStream(output)
    app.read_log = lambda: [json.loads(line) for line in output.getvalue().splitlines()]
    yield app
    for logger in loggers:
        logger.removeHandler(ours)
        logger.propagate = True


def test_json_logs_have_one_line_per_request_without_the_query_string(json_app):
    json_app.test_client().get("/health?email=someone@example.org", headers={"X-Request-ID": "abc"})
    lines = json_app.read_log()
    [request_line] = [line for line in lines if line["logger"] == "mot.requests"]
    assert request_line["request_id"] == "abc"
    assert (request_line["method"], request_line["path"]) == ("GET", "/health")
    assert request_line["status"] in (200, 503)
    assert request_line["duration_ms"] >= 0
    assert "someone" not in json.dumps(lines)


def test_json_logs_carry_the_request_id_into_error_records(json_app):
    @json_app.get("/boom")
    def boom():
        raise RuntimeError("boom")

    response = json_app.test_client().get("/boom", headers={"X-Request-ID": "req-1"})
    assert response.status_code == 500
    lines = json_app.read_log()
    [error] = [line for line in lines if line["level"] == "error"]
    assert error["request_id"] == "req-1"
    assert "RuntimeError: boom" in error["error"]

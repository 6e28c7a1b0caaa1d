"""Rate limits hold across processes and hosts when they share Redis: two gunicorn servers
(as two hosts) count one visitor's login attempts together."""

from app.auth.routes import LOGIN_LIMIT
from tests.processes.servers import Browser, gunicorn, redis_server

ATTEMPTS = int(LOGIN_LIMIT.split("/")[0])


def failed_logins(browser: Browser) -> int:
    status, _ = browser.post_form(
        "/es/auth/login", {"email": "nadie@example.org", "password": "not the password"}
    )
    return status


def test_two_servers_sharing_redis_count_the_attempts_together(app):
    url = app.config["SQLALCHEMY_DATABASE_URI"]
    with redis_server() as storage:
        shared = {"RATELIMIT_STORAGE_URI": storage}
        with gunicorn(url, **shared) as (first, _), gunicorn(url, **shared) as (second, _):
            hosts = [Browser(first), Browser(second)]
            answers = [failed_logins(hosts[number % 2]) for number in range(ATTEMPTS)]
            assert 429 not in answers
            # Each server has seen only half of the attempts, yet both now refuse.
            assert failed_logins(hosts[0]) == 429
            assert failed_logins(hosts[1]) == 429


def test_without_shared_storage_each_process_counts_alone(app):
    """The control: memory storage is per process, which is why production needs Redis."""
    url = app.config["SQLALCHEMY_DATABASE_URI"]
    with gunicorn(url) as (first, _), gunicorn(url) as (second, _):
        hosts = [Browser(first), Browser(second)]
        answers = [failed_logins(hosts[number % 2]) for number in range(ATTEMPTS + 2)]
        assert 429 not in answers

"""Safety settings applied by the factory: a refused start on an unsafe configuration,
bounded ids in URLs, trusted hosts, the reverse proxy, and no caching of personal pages."""

from urllib.parse import urlsplit

from flask import Flask, request
from flask_login import current_user
from werkzeug.middleware.proxy_fix import ProxyFix
from werkzeug.routing import IntegerConverter

from app.config import (
    DEVELOPMENT_SECRET_KEY,
    MIN_SECRET_KEY_LENGTH,
    OPERATOR_SETTINGS,
    REQUIRED_OPERATOR_SETTINGS,
    demo_operator,
)

# The largest id either database stores in an INTEGER column (PostgreSQL's int4).
MAX_ID = 2**31 - 1
LOCAL_HOSTS = ("localhost", "127.0.0.1")
PROXY_HEADERS = ("for", "proto", "host", "port", "prefix")


class UnsafeConfiguration(RuntimeError):
    """The site would run with settings that are only safe on a developer's machine."""


class BoundedIntegerConverter(IntegerConverter):
    """``<int:...>`` up to MAX_ID: a larger id is a plain 404, never an overflow in the
    database driver."""

    def __init__(self, map, fixed_digits=0, min=None, max=MAX_ID, signed=False):
        super().__init__(map, fixed_digits=fixed_digits, min=min, max=max, signed=signed)


def is_development(config) -> bool:
    """The development server or the tests: the only places a weak setting is allowed."""
    if config.get("TESTING"):
        return True
    return config.get("MOT_ENV") == "development" and not config.get("FORCE_HTTPS")


def _operator_problems(config) -> list[str]:
    """Who runs the site must be said on a public site, and not with the demo's words."""
    demo = demo_operator()
    missing = [name for name in REQUIRED_OPERATOR_SETTINGS if not config.get(name)]
    from_demo = [
        name
        for name in OPERATOR_SETTINGS
        if config.get(name) and config.get(name) == demo.get(name)
    ]
    problems = []
    if missing:
        verb = "is" if len(missing) == 1 else "are"
        problems.append(f"{', '.join(missing)} {verb} not set (who runs the site)")
    if from_demo:
        verb = "is" if len(from_demo) == 1 else "are"
        problems.append(f"{', '.join(from_demo)} {verb} still the demo value of demo.env")
    return problems


def check_configuration(app: Flask) -> None:
    """Refuse to start in production with a secret anyone can read, with debug on, or
    without saying who runs the site (the legal notice, privacy notice and accessibility
    statement would show placeholders to every visitor)."""
    if is_development(app.config):
        return
    problems = []
    key = app.config.get("SECRET_KEY")
    if not key:
        problems.append("SECRET_KEY is not set")
    elif key == DEVELOPMENT_SECRET_KEY:
        problems.append("SECRET_KEY is the public development value")
    elif len(key) < MIN_SECRET_KEY_LENGTH:
        problems.append(f"SECRET_KEY is shorter than {MIN_SECRET_KEY_LENGTH} characters")
    if app.debug:
        problems.append("debug mode is on")
    problems.extend(_operator_problems(app.config))
    if problems:
        raise UnsafeConfiguration(
            "Refusing to start in production: "
            + "; ".join(problems)
            + ". Set SECRET_KEY to a long random value (python3 -c 'import secrets; "
            "print(secrets.token_urlsafe(48))') and the operator's details ("
            + ", ".join(REQUIRED_OPERATOR_SETTINGS)
            + "; the README's Configuration), or set MOT_ENV=development on a "
            "developer's machine only."
        )


def trusted_hosts(config) -> list[str]:
    """SITE_URL's host, the ones listed in TRUSTED_HOSTS, and localhost in development."""
    hosts = [urlsplit(config["SITE_URL"]).hostname or "", *config.get("EXTRA_TRUSTED_HOSTS", [])]
    if is_development(config):
        hosts.extend(LOCAL_HOSTS)
    return list(dict.fromkeys(host for host in hosts if host))


def proxy_fix(wsgi_app, config):
    """werkzeug's ProxyFix when PROXY_FIX_X_* says how many proxies set each header."""
    counts = {name: int(config.get(f"PROXY_FIX_X_{name.upper()}") or 0) for name in PROXY_HEADERS}
    if not any(counts.values()):
        return wsgi_app
    return ProxyFix(wsgi_app, **{f"x_{name}": count for name, count in counts.items()})


PUBLIC_FILES = {"media.offering_image"}


def no_store(response):
    """Pages for a logged-in person and the whole back office hold personal data: no copy
    in the browser's history cache or any shared cache."""
    endpoint = request.endpoint or ""
    # Ours and Bootstrap's static files, and the offerings' public images: the same for all.
    if endpoint.rpartition(".")[2] == "static" or endpoint in PUBLIC_FILES:
        return response
    if request.blueprint == "admin" or current_user.is_authenticated:
        response.headers["Cache-Control"] = "no-store"
    return response


def init_app(app: Flask) -> None:
    check_configuration(app)
    if app.config.get("TRUSTED_HOSTS") is None:
        app.config["TRUSTED_HOSTS"] = trusted_hosts(app.config)
    app.wsgi_app = proxy_fix(app.wsgi_app, app.config)
    app.after_request(no_store)

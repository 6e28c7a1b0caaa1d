"""Where the site may start: production-strict unless MOT_ENV=development (`make run`) or the
tests; trusted hosts and the proxy from the environment."""

import ast
import os
import subprocess
import sys
from pathlib import Path

import pytest
from markupsafe import escape
from werkzeug.middleware.proxy_fix import ProxyFix

from app import create_app
from app.config import (
    DEMO_ENV,
    DEVELOPMENT_SECRET_KEY,
    LOCALIZED_OPERATOR_SETTINGS,
    OPERATOR_SETTINGS,
    REQUIRED_OPERATOR_SETTINGS,
    TestConfig,
    demo_operator,
)
from app.security import UnsafeConfiguration, trusted_hosts

ROOT = Path(__file__).resolve().parent.parent
GOOD_KEY = "k" * 48
OPERATOR = {
    "SITE_OWNER_NAME": "Mancomunidad de prueba",
    "SITE_OWNER_ADDRESS": "Plaza Mayor 1, 28230 Las Rozas de Madrid",
    "SITE_OWNER_TAX_ID": "P2812700I",
    "CONTACT_EMAIL": "info@example.org",
    "DPO_EMAIL": "dpd@example.org",
    "ACCESSIBILITY_EMAIL": "accesibilidad@example.org",
    "ACCESSIBILITY_UNIT": "la Unidad de Accesibilidad",
}


def production(**changes) -> dict:
    """TestConfig's settings as production would have them: not testing, MOT_ENV unset."""
    settings = {name: getattr(TestConfig, name) for name in dir(TestConfig) if name.isupper()}
    settings.update(
        TESTING=False,
        MOT_ENV="production",
        SECRET_KEY=GOOD_KEY,
        RATELIMIT_ENABLED=False,
        SQLALCHEMY_DATABASE_URI="sqlite://",
        **OPERATOR,
    )
    settings.update(changes)
    return settings


@pytest.mark.parametrize(
    ("changes", "reason"),
    [
        ({"SECRET_KEY": None}, "SECRET_KEY is not set"),
        ({"SECRET_KEY": ""}, "SECRET_KEY is not set"),
        ({"SECRET_KEY": DEVELOPMENT_SECRET_KEY}, "public development value"),
        ({"SECRET_KEY": "short-but-not-empty"}, "shorter than 32 characters"),
        ({"DEBUG": True}, "debug mode is on"),
        # FORCE_HTTPS means a public site, whatever MOT_ENV claims.
        ({"MOT_ENV": "development", "FORCE_HTTPS": True, "SECRET_KEY": None}, "not set"),
        ({"MOT_ENV": "Development", "SECRET_KEY": DEVELOPMENT_SECRET_KEY}, "development"),
    ],
)
def test_production_refuses_to_start_and_says_why(changes, reason):
    with pytest.raises(UnsafeConfiguration, match=reason) as refused:
        create_app(production(**changes))
    assert "MOT_ENV=development" in str(refused.value)


@pytest.mark.parametrize(
    "changes",
    [
        {},  # a long secret in production
        {"MOT_ENV": "development", "SECRET_KEY": DEVELOPMENT_SECRET_KEY, "DEBUG": True},
        {"TESTING": True, "SECRET_KEY": "test-secret"},
    ],
    ids=["production", "development-server", "tests"],
)
def test_the_site_starts_where_its_settings_are_safe_for_the_place(changes):
    app = create_app(production(**changes))
    assert app.config["SECRET_KEY"]


def run_wsgi(code="print(wsgi.app.config['MOT_ENV'])", **environ) -> subprocess.CompletedProcess:
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in ("SECRET_KEY", "MOT_ENV", "FORCE_HTTPS", "FLASK_DEBUG", *OPERATOR_SETTINGS)
    }
    env.update(DATABASE_URL="sqlite://", **environ)
    return subprocess.run(  # noqa: S603 (this file's own code)
        [sys.executable, "-c", f"import wsgi; {code}"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def test_without_settings_the_app_gunicorn_loads_refuses_the_public_key():
    result = run_wsgi()
    assert result.returncode != 0
    assert "Refusing to start in production: SECRET_KEY is not set" in result.stderr


def test_make_run_starts_without_any_setting():
    result = run_wsgi(MOT_ENV="development")
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "development"


def test_debug_under_a_real_key_is_refused_outside_development():
    result = run_wsgi(SECRET_KEY=GOOD_KEY, FLASK_DEBUG="1", **OPERATOR)
    assert result.returncode != 0
    assert "debug mode is on" in result.stderr


# Who runs the site


@pytest.mark.parametrize("name", REQUIRED_OPERATOR_SETTINGS)
def test_production_refuses_to_start_without_saying_who_runs_the_site(name):
    with pytest.raises(UnsafeConfiguration, match=f"{name} is not set") as refused:
        create_app(production(**{name: ""}))
    assert "README" in str(refused.value)


def test_production_refuses_the_demo_operator_details():
    demo = {name: demo_operator()[name] for name in REQUIRED_OPERATOR_SETTINGS}
    with pytest.raises(UnsafeConfiguration, match=r"still the demo value of demo\.env"):
        create_app(production(**demo))


def test_production_refuses_a_demo_english_version_too():
    with pytest.raises(UnsafeConfiguration, match="SITE_OWNER_NAME_EN is still the demo value"):
        create_app(production(SITE_OWNER_NAME_EN=demo_operator()["SITE_OWNER_NAME_EN"]))


def test_a_fresh_make_run_shows_the_demo_operator_in_the_pages_language():
    code = (
        "c = wsgi.app.test_client(); "
        "pages = {lang: ' '.join(c.get(f'/{lang}/{page}').text "
        "for page in ('legal', 'privacy', 'accessibility')) for lang in ('es', 'en')}; "
        "print(repr(pages))"
    )
    result = run_wsgi(code, MOT_ENV="development")
    assert result.returncode == 0, result.stderr
    pages = ast.literal_eval(result.stdout.strip())
    demo = demo_operator()
    for name in LOCALIZED_OPERATOR_SETTINGS:
        spanish, english = escape(demo[name]), escape(demo[f"{name}_EN"])
        assert english in pages["en"] and spanish not in pages["en"], name
        assert spanish in pages["es"] and english not in pages["es"], name


def test_the_registry_details_are_optional():
    assert create_app(production(SITE_OWNER_REGISTRY="")).config["SITE_OWNER_NAME"]


def test_the_demo_file_is_marked_as_demo_data_and_fills_every_detail():
    text = DEMO_ENV.read_text(encoding="utf-8")
    assert text.startswith("# DEMO DATA.")
    assert all(demo_operator()[name] for name in OPERATOR_SETTINGS)


def test_a_fresh_make_run_shows_the_demo_operator_and_no_placeholder():
    code = (
        "c = wsgi.app.test_client(); "
        "pages = [c.get(f'/{lang}/{page}').text for lang in ('es', 'en') "
        "for page in ('legal', 'privacy', 'accessibility', 'about')]; "
        "print(sum(p.count('operator-placeholder') for p in pages)); "
        "print(all('demo.example.org' in p for p in pages))"
    )
    result = run_wsgi(code, MOT_ENV="development")
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["0", "True"]


def test_the_environment_wins_over_the_demo_file():
    code = "print(wsgi.app.config['SITE_OWNER_NAME'])"
    result = run_wsgi(code, MOT_ENV="development", SITE_OWNER_NAME="Ayuntamiento real")
    assert result.stdout.strip() == "Ayuntamiento real"
    outside = run_wsgi(code, SECRET_KEY=GOOD_KEY, **{**OPERATOR, "SITE_OWNER_NAME": "X"})
    assert outside.stdout.strip() == "X"


def test_the_makefile_runs_the_development_server_in_development():
    makefile = (ROOT / "Makefile").read_text()
    assert "export MOT_ENV ?= development" in makefile


# Trusted hosts


def test_trusted_hosts_come_from_site_url_and_the_environment():
    config = production(
        SITE_URL="https://formacion.example.org", EXTRA_TRUSTED_HOSTS=["mot.example.org"]
    )
    assert trusted_hosts(config) == ["formacion.example.org", "mot.example.org"]
    assert create_app(config).config["TRUSTED_HOSTS"] == [
        "formacion.example.org",
        "mot.example.org",
    ]


def test_development_and_tests_also_trust_localhost():
    config = production(MOT_ENV="development", SITE_URL="http://127.0.0.1:5000")
    assert trusted_hosts(config) == ["127.0.0.1", "localhost"]


def test_production_answers_400_to_localhost_and_a_forged_host():
    app = create_app(production(SITE_URL="https://formacion.example.org"))
    client = app.test_client()
    for host in ("localhost", "evil.example.com", "formacion.example.org.evil.example.com"):
        response = client.get("/es/legal", headers={"Host": host})
        assert response.status_code == 400, host
        assert host not in response.text


# The reverse proxy


def test_proxy_headers_are_trusted_only_when_configured():
    assert not isinstance(create_app(production()).wsgi_app, ProxyFix)
    app = create_app(production(PROXY_FIX_X_FOR=1, PROXY_FIX_X_PROTO=1))
    assert isinstance(app.wsgi_app, ProxyFix)
    assert (app.wsgi_app.x_for, app.wsgi_app.x_proto, app.wsgi_app.x_host) == (1, 1, 0)

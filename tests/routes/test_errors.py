"""Friendly error pages in the visitor's language; JSON errors under /api."""

import pytest
from flask import abort

from app import create_app
from app.config import TestConfig
from app.i18n import LANGUAGES


@pytest.fixture(scope="module")
def fragile_app():
    """A fresh app with routes that fail, so that the real app never carries them."""
    app = create_app(TestConfig)

    @app.get("/<any(es,en):lang>/boom")
    def boom():
        raise RuntimeError("deliberate failure for the test")

    @app.get("/<any(es,en):lang>/gone")
    def gone():
        abort(404, description="This activity has been withdrawn.")

    @app.get("/api/v1/boom")
    def api_boom():
        raise RuntimeError("deliberate failure for the test")

    return app


@pytest.mark.parametrize("lang", LANGUAGES)
def test_an_unknown_page_under_a_language_prefix_gets_a_helpful_404_in_that_language(client, lang):
    response = client.get(f"/{lang}/no-such-page", headers={"Accept-Language": "de"})

    html = response.get_data(as_text=True)
    assert response.status_code == 404
    assert f'<html lang="{lang}">' in html
    assert html.count("<h1") == 1
    assert f'action="/{lang}/offerings/"' in html and 'name="q"' in html
    assert f'href="/{lang}/"' in html and f'href="/{lang}/about"' in html


@pytest.mark.parametrize("lang", LANGUAGES)
def test_an_unknown_page_without_a_prefix_gets_the_browsers_language(client, lang):
    response = client.get("/no-such-page", headers={"Accept-Language": f"{lang};q=0.9"})

    assert response.status_code == 404
    assert f'<html lang="{lang}">' in response.get_data(as_text=True)


def test_a_404_that_says_what_is_missing_keeps_its_explanation(fragile_app):
    response = fragile_app.test_client().get("/en/gone")

    assert response.status_code == 404
    assert "<h1>This activity has been withdrawn.</h1>" in response.get_data(as_text=True)


@pytest.mark.parametrize("lang", LANGUAGES)
def test_an_unexpected_failure_gets_a_friendly_500_with_a_way_out(fragile_app, lang):
    response = fragile_app.test_client().get(f"/{lang}/boom")

    html = response.get_data(as_text=True)
    assert response.status_code == 500
    assert f'<html lang="{lang}">' in html
    assert html.count("<h1") == 1
    assert f'href="/{lang}/"' in html
    assert "deliberate failure" not in html and "Traceback" not in html


def test_the_500_page_gives_the_contact_address_when_configured(fragile_app, monkeypatch):
    monkeypatch.setitem(fragile_app.config, "CONTACT_EMAIL", "help@example.org")

    html = fragile_app.test_client().get("/en/boom").get_data(as_text=True)

    assert '<a href="mailto:help@example.org">help@example.org</a>' in html


def test_an_unknown_api_url_answers_json(client):
    response = client.get("/api/v1/no-such-thing")

    assert response.status_code == 404
    assert response.is_json
    assert response.get_json()["error"]["code"] == "not_found"


def test_an_unexpected_api_failure_answers_json_without_details(fragile_app):
    response = fragile_app.test_client().get("/api/v1/boom")

    assert response.status_code == 500
    assert response.is_json
    error = response.get_json()["error"]
    assert error["code"] == "internal_server_error"
    assert "deliberate" not in error["message"]


@pytest.fixture(scope="module")
def refusing_app():
    """A fresh app whose views let domain refusals escape, as a view without a try does."""
    from flask_babel import lazy_gettext as _l

    from app.services import errors as domain

    app = create_app(TestConfig)
    missing = _l("This offering does not exist or is no longer published.")
    refusals = {
        "missing": domain.NotFound(missing),
        "forbidden": domain.Forbidden(_l("You are not allowed to see this page.")),
        "conflict": domain.Conflict("Someone else changed it first."),
    }

    @app.get("/<any(es,en):lang>/refuse/<kind>")
    def refuse(kind):
        raise refusals[kind]

    @app.get("/api/v1/refuse/<kind>")
    def api_refuse(kind):
        raise refusals[kind]

    return app


DOMAIN_REFUSALS = [
    ("missing", 404, "This offering does not exist", "Esta actividad no existe"),
    ("forbidden", 403, "You are not allowed to see this page.", "No tienes permiso"),
    ("conflict", 409, "Someone else changed it first.", "Someone else changed it first."),
]


@pytest.mark.parametrize("lang", LANGUAGES)
@pytest.mark.parametrize(("kind", "status", "english", "spanish"), DOMAIN_REFUSALS)
def test_a_domain_refusal_that_escapes_a_view_is_its_error_page(
    refusing_app, lang, kind, status, english, spanish
):
    response = refusing_app.test_client().get(f"/{lang}/refuse/{kind}")
    assert response.status_code == status
    html = response.get_data(as_text=True)
    assert f'<html lang="{lang}">' in html
    assert (english if lang == "en" else spanish) in html


@pytest.mark.parametrize(("kind", "status", "english", "_spanish"), DOMAIN_REFUSALS)
def test_a_domain_refusal_under_the_api_is_the_json_error_shape(
    refusing_app, kind, status, english, _spanish
):
    response = refusing_app.test_client().get(f"/api/v1/refuse/{kind}?lang=en")
    assert response.status_code == status
    error = response.get_json()["error"]
    assert error["code"] == {404: "not_found", 403: "forbidden", 409: "conflict"}[status]
    assert english in error["message"]


def test_a_missing_offering_says_so_in_the_api(client):
    response = client.get("/api/v1/offerings/999999?lang=en")
    assert response.status_code == 404
    assert response.get_json()["error"] == {
        "code": "not_found",
        "message": "This offering does not exist or is no longer published.",
    }

"""Defects of the security review (issue 8), walked over the whole URL map where they apply:
hostile query strings, ids too large for the database, request sizes, caching of personal
pages, forged Host headers, the proxy's address and the password-reset path."""

import re

import pytest
from werkzeug.routing import IntegerConverter

from app.extensions import db
from app.models import Role, utcnow
from app.security import MAX_ID, proxy_fix
from app.services import enrolment, schools
from tests.conftest import csrf_token
from tests.factories import (
    class_details,
    make_application,
    make_call,
    make_class_offering,
    make_offering,
    make_school,
    make_teacher,
    make_user,
)
from tests.routes.test_admin_access import world  # noqa: F401  (the back office's fixture)
from tests.routes.test_auth import link_path, outbox, post_form

LANGS = ("es", "en")
# Each one used to reach url_for as a keyword through the language switcher: 500, twice.
HOSTILE_QUERIES = (
    "lang=en",
    "_anchor=x",
    "_method=GET",
    "_scheme=https",
    "_external=1",
    "offering_id=1",
    "enrolment_id=1",
    "fmt=csv",
    "filename=x",
    "page=2&page=x",
)


def page_rules(app, prefix=None):
    """Every GET page under a language prefix (``prefix`` narrows it to one blueprint)."""
    for rule in app.url_map.iter_rules():
        if "lang" not in rule.arguments or "GET" not in rule.methods:
            continue
        if prefix is None and rule.endpoint.startswith("admin."):
            continue
        if prefix is not None and not rule.endpoint.startswith(prefix):
            continue
        yield rule


def build(rule, lang, values):
    filled = {"lang": lang}
    for argument in rule.arguments - {"lang"}:
        assert argument in values, f"{rule.endpoint}: teach this test to fill <{argument}>"
        filled[argument] = values[argument]
    return rule.build(filled, append_unknown=False)[1]


@pytest.fixture
def resident(app):
    """A resident with a place, so that every page of theirs has something to show, and a
    teacher with a class (the schools pages)."""
    with app.app_context():
        offering = make_offering(db.session, title_es="Robótica\neducativa")
        person = make_user(db.session, email="ines@example.org")
        place = enrolment.enrol(
            db.session, offering_id=offering.id, user_id=person.id, now=utcnow()
        )
        application = make_application(db.session, make_call(db.session), person)
        teacher = make_teacher(db.session, make_school(db.session), email="profe@example.org")
        classes = make_class_offering(db.session)
        registration = schools.register_class(
            db.session,
            offering_id=classes.id,
            teacher_id=teacher.id,
            session_ids=[classes.sessions[0].id],
            details=class_details(),
            now=utcnow(),
        )
        db.session.commit()
        return {
            "email": person.email,
            "teacher": teacher.email,
            "offering_id": offering.id,
            "enrolment_id": place.id,
            "application_id": application.id,
            "reg_id": registration.id,
            "token": "not-a-token",
            "fmt": "csv",
        }


def failures(client, paths):
    wrong = []
    for path in paths:
        for query in HOSTILE_QUERIES:
            response = client.get(f"{path}?{query}")
            if response.status_code >= 500:
                wrong.append(f"{path}?{query}: {response.status_code}")
    return wrong


@pytest.mark.parametrize(
    "who", [None, "email", "teacher"], ids=["anonymous", "resident", "teacher"]
)
def test_no_public_or_personal_page_fails_on_hostile_query_parameters(
    app, client, auth, resident, who
):
    if who:
        auth.login(resident[who])
    paths = [build(rule, lang, resident) for rule in page_rules(app) for lang in LANGS]
    assert len(paths) > 20
    assert failures(client, paths) == []


def test_no_back_office_page_fails_on_hostile_query_parameters(app, client, auth, world):  # noqa: F811
    auth.login(world["emails"][Role.ADMIN])
    paths = [build(rule, "es", world) for rule in page_rules(app, prefix="admin.")]
    assert len(paths) > 10
    assert failures(client, paths) == []


@pytest.mark.parametrize("lang", LANGS)
def test_the_switcher_keeps_the_query_string_apart_from_the_route(client, resident, lang):
    other = "en" if lang == "es" else "es"
    offering_id = resident["offering_id"]
    response = client.get(f"/{lang}/offerings/{offering_id}?offering_id=1&_anchor=x&lang={lang}")
    assert response.status_code == 200
    switch = re.search(rf'<a href="([^"]+)" lang="{other}" hreflang="{other}"', response.text)
    assert switch.group(1) == (
        f"/{other}/offerings/{offering_id}?offering_id=1&amp;_anchor=x&amp;lang={lang}"
    )


def test_the_page_links_keep_their_filters_and_change_one(client, resident):
    response = client.get("/es/offerings/?kind=workshop&_anchor=x&format=online")
    assert response.status_code == 200
    # The link that removes one filter keeps the others, hostile ones included, in order.
    assert 'href="/es/offerings/?kind=workshop&amp;_anchor=x"' in response.text


def test_a_missing_page_with_hostile_parameters_still_gets_the_translated_404(client):
    for query in HOSTILE_QUERIES:
        response = client.get(f"/en/nowhere?{query}")
        assert response.status_code == 404
        assert '<html lang="en">' in response.text
        assert "We could not find that page." in response.text


# Ids


def int_rules(app):
    for rule in app.url_map.iter_rules():
        converters = rule._converters  # the rule's own argument -> converter map
        ids = [name for name, conv in converters.items() if isinstance(conv, IntegerConverter)]
        if ids:
            yield rule, ids


def int_urls(app, value, world):  # noqa: F811
    for rule, ids in int_rules(app):
        values = {name: 1 for name in rule.arguments} | world | {"token": "x"}
        values |= {name: value for name in ids}
        values["lang"] = "es"
        filled = {name: values[name] for name in rule.arguments}
        # Build by hand: the bounded converter would refuse to build a too-large id.
        path = rule.rule
        for name, given in filled.items():
            path = re.sub(rf"<(?:[^:>]+:)?{name}>", str(given), path)
            path = re.sub(rf"<[a-z]+\([^)]*\):{name}>", str(given), path)
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            yield rule.endpoint, method, path


def test_every_int_argument_is_bounded(app):
    rules = list(int_rules(app))
    assert len(rules) > 10
    for rule, ids in rules:
        for name in ids:
            assert rule._converters[name].max == MAX_ID, rule.endpoint


@pytest.mark.parametrize("value", [2**31, 2**63, 10**30])
def test_an_id_too_large_for_the_database_is_a_plain_404_everywhere(
    app,
    client,
    auth,
    world,  # noqa: F811
    value,
):
    auth.login(world["emails"][Role.ADMIN])
    wrong = []
    for endpoint, method, path in int_urls(app, value, world):
        response = client.open(path, method=method)
        if response.status_code != 404:
            wrong.append(f"{method} {path} ({endpoint}): {response.status_code}")
    assert wrong == []


def test_the_largest_stored_id_is_looked_up_without_failing(app, client, auth, world):  # noqa: F811
    auth.login(world["emails"][Role.ADMIN])
    wrong = []
    for endpoint, method, path in int_urls(app, MAX_ID, world):
        if method != "GET":
            continue
        response = client.get(path)
        if response.status_code >= 500:
            wrong.append(f"{path} ({endpoint}): {response.status_code}")
    assert wrong == []
    assert client.get(f"/es/offerings/{MAX_ID}").status_code == 404
    assert client.get(f"/api/v1/offerings/{MAX_ID}").status_code == 404


# Request sizes


@pytest.mark.parametrize("lang", LANGS)
def test_a_huge_anonymous_post_is_refused_unread_with_a_translated_413(client, lang):
    body = b"email=" + b"a" * (2 * 1024 * 1024)
    response = client.post(
        f"/{lang}/auth/login", data=body, content_type="application/x-www-form-urlencoded"
    )
    assert response.status_code == 413
    assert f'<html lang="{lang}">' in response.text
    expected = {"es": "demasiado", "en": "too large"}[lang]
    assert expected in response.text


def test_a_form_with_too_many_fields_is_refused(client):
    fields = {f"f{number}": "x" for number in range(2000)}
    response = client.post("/es/auth/login", data=fields, content_type="multipart/form-data")
    assert response.status_code == 413


def test_every_request_body_has_a_limit(app):
    assert app.config["MAX_CONTENT_LENGTH"] <= 1024 * 1024
    assert app.config["MAX_FORM_MEMORY_SIZE"] <= 1024 * 1024
    assert app.config["MAX_FORM_PARTS"] <= 1000


def test_the_import_keeps_its_larger_limit(client, auth, world):  # noqa: F811
    """A spreadsheet over the site-wide limit but within the import's own reaches the form."""
    from app.admin.imports import LIMITS

    assert min(LIMITS.values()) > 1024 * 1024
    auth.login(world["emails"][Role.ADMIN])
    page = client.get("/es/admin/import/")
    assert page.status_code == 200
    big = b"external_id\n" + b"x" * (1536 * 1024)
    import io

    response = client.post(
        "/es/admin/import/",
        data={"csrf_token": csrf_token(page.text), "file": (io.BytesIO(big), "ofertas.csv")},
        content_type="multipart/form-data",
    )
    assert response.status_code != 413


# Caching of personal pages


def test_pages_of_a_logged_in_person_are_never_stored(app, client, auth, resident):
    anonymous = client.get("/es/offerings/")
    assert "no-store" not in anonymous.headers.get("Cache-Control", "")
    for who in ("email", "teacher"):
        auth.login(resident[who])
        paths = [build(rule, "es", resident) for rule in page_rules(app)]
        wrong = [
            path
            for path in paths
            if "no-store" not in client.get(path).headers.get("Cache-Control", "")
        ]
        assert wrong == []
        auth.logout()
    for static in ("/static/css/site.css", "/bootstrap/static/css/bootstrap.min.css"):
        response = client.get(static)
        assert response.status_code == 200, static
        assert "no-store" not in response.headers.get("Cache-Control", ""), static


def test_every_back_office_page_and_export_is_never_stored(app, client, auth, world):  # noqa: F811
    auth.login(world["emails"][Role.ADMIN])
    wrong = []
    for rule in page_rules(app, prefix="admin."):
        response = client.get(build(rule, "es", world))
        if "no-store" not in response.headers.get("Cache-Control", ""):
            wrong.append(f"{rule.endpoint}: {response.status_code}")
    assert wrong == []
    # Even the answer that sends a logged-out visitor to the login page.
    client.post("/es/auth/logout", data={"csrf_token": csrf_token(client.get("/es/").text)})
    assert client.get("/es/admin/").headers["Cache-Control"] == "no-store"


# Host header


@pytest.mark.parametrize("lang", LANGS)
def test_a_forged_host_gets_400_not_a_link_to_it(client, lang):
    response = client.get(f"/{lang}/offerings/", headers={"Host": "evil.example.com"})
    assert response.status_code == 400
    assert "evil.example.com" not in response.text
    assert f'<html lang="{lang}">' in response.text


def test_the_site_and_localhost_are_trusted(app, client):
    site = app.config["SITE_URL"].split("//", 1)[1]
    for host in (site, "localhost", "127.0.0.1:5000"):
        assert client.get("/es/", headers={"Host": host}).status_code == 200, host


def test_emails_and_canonical_links_use_site_url(app, client, resident):
    site = app.config["SITE_URL"]
    page = client.get(f"/es/offerings/{resident['offering_id']}", headers={"Host": "127.0.0.1"})
    assert f'<link rel="canonical" href="{site}/es/offerings/' in page.text
    with app.app_context():
        make_user(db.session, email="pablo@example.org")
        db.session.commit()
    post_form(client, "/es/auth/reset", {"email": "pablo@example.org"})
    [message] = outbox(app, "password_reset")
    assert f"{site}/es/auth/reset/" in message.body_text


# Rate limits behind a proxy


def login_statuses(client, headers_for):
    token = csrf_token(client.get("/es/auth/login").text)
    return [
        client.post(
            "/es/auth/login",
            data={"csrf_token": token, "email": f"guess{number}@example.org", "password": "x"},
            environ_base={"REMOTE_ADDR": "10.0.0.1"},  # the proxy
            headers=headers_for(number),
        ).status_code
        for number in range(11)
    ]


def test_without_proxy_settings_a_forwarded_address_is_ignored(client, rate_limits):
    statuses = login_statuses(client, lambda n: {"X-Forwarded-For": f"192.0.2.{n}"})
    assert statuses == [422] * 10 + [429]


def test_behind_a_configured_proxy_limits_count_the_visitor(app, client, rate_limits, monkeypatch):
    monkeypatch.setattr(app, "wsgi_app", proxy_fix(app.wsgi_app, {"PROXY_FIX_X_FOR": 1}))
    visitors = login_statuses(client, lambda n: {"X-Forwarded-For": f"192.0.2.{n}"})
    assert visitors == [422] * 11
    one_visitor = login_statuses(client, lambda n: {"X-Forwarded-For": "198.51.100.7"})
    assert one_visitor == [422] * 10 + [429]


# Password reset while someone runs up the login limit


def lock_login(client, email):
    token = csrf_token(client.get("/es/auth/login").text)
    statuses = [
        client.post(
            "/es/auth/login",
            data={"csrf_token": token, "email": email, "password": "wrong"},
            environ_base={"REMOTE_ADDR": f"203.0.113.{number}"},
        ).status_code
        for number in range(11)
    ]
    assert statuses[-1] == 429


def test_a_locked_login_never_locks_the_owner_out_of_a_new_password(app, rate_limits):
    with app.app_context():
        make_user(db.session, email="ana@example.org")
        db.session.commit()
    attacker, owner = app.test_client(), app.test_client()
    lock_login(attacker, "ana@example.org")
    # The attacker asks for resets too, from many addresses: the owner's request still works.
    for number in range(8):
        post_form(
            attacker,
            "/es/auth/reset",
            {"email": "ana@example.org"},
            environ_base={"REMOTE_ADDR": f"198.51.100.{number}"},
        )
    asked = post_form(owner, "/es/auth/reset", {"email": "ana@example.org"})
    assert asked.status_code == 302
    # The inbox is capped, but never empty: each link works until the password changes.
    messages = outbox(app, "password_reset")
    assert 1 <= len(messages) <= 5
    path = link_path(messages[-1], "reset")
    assert owner.get(path).status_code == 200
    new_password = "Un-nuevo-sitio-para-aprender-2031"
    done = post_form(owner, path, {"password": new_password, "confirm": new_password})
    assert done.status_code == 302
    # ...and the owner logs in with it at once, the attacker's count forgotten.
    token = csrf_token(owner.get("/es/auth/login").text)
    login = owner.post(
        "/es/auth/login",
        data={"csrf_token": token, "email": "ana@example.org", "password": new_password},
    )
    assert login.status_code == 302

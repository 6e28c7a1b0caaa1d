"""Defects of the security review (issue 8), walked over the whole URL map where they apply:
hostile query strings, the password-reset path."""

import re

import pytest

from app.extensions import db
from app.models import Role, utcnow
from app.services import enrolment
from tests.conftest import csrf_token
from tests.factories import make_offering, make_user
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
    """A resident with a place, so that every page of theirs has something to show."""
    with app.app_context():
        offering = make_offering(db.session, title_es="Robótica\neducativa")
        person = make_user(db.session, email="ines@example.org")
        place = enrolment.enrol(
            db.session, offering_id=offering.id, user_id=person.id, now=utcnow()
        )
        db.session.commit()
        return {
            "email": person.email,
            "offering_id": offering.id,
            "enrolment_id": place.id,
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


@pytest.mark.parametrize("logged_in", [False, True], ids=["anonymous", "resident"])
def test_no_public_or_personal_page_fails_on_hostile_query_parameters(
    app, client, auth, resident, logged_in
):
    if logged_in:
        auth.login(resident["email"])
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

"""Account pages through HTTP: sign-up, confirmation, login and logout, passwords, email."""

import re
import time
from http.cookies import SimpleCookie

import pytest
from flask_login import login_url
from itsdangerous import TimestampSigner
from sqlalchemy import func, select

from app.extensions import db
from app.models import OutboxMessage, User
from app.services import accounts
from tests.conftest import csrf_token
from tests.factories import DEFAULT_PASSWORD, make_offering, make_user, municipality

NEW_PASSWORD = "violet kettle across seventeen"
LANGS = ["es", "en"]


@pytest.fixture
def user(app):
    with app.app_context():
        user = make_user(db.session, email="ana@example.org", name="Ana García")
        db.session.commit()
        return user.id


def post_form(client, page_url, data, action=None, **kwargs):
    """Open the page, then send its form with the page's CSRF token, as a browser would."""
    page = client.get(page_url)
    return client.post(
        action or page_url, data={"csrf_token": csrf_token(page.text), **data}, **kwargs
    )


def outbox(app, template=None):
    with app.app_context():
        query = select(OutboxMessage).order_by(OutboxMessage.id)
        if template:
            query = query.filter_by(template=template)
        return list(db.session.scalars(query))


def link_path(message, path):
    match = re.search(rf"http://[^/]+(/(?:es|en)/auth/{path}/[A-Za-z0-9_.\-]+)", message.body_text)
    assert match, message.body_text
    return match.group(1)


def load_user(app, user_id):
    with app.app_context():
        return db.session.get(User, user_id)


def sign_up_data(app, **changes):
    with app.app_context():
        place = municipality(db.session, "boadilla-del-monte").id
    data = {
        "name": "Lucía Pérez",
        "email": "lucia@example.org",
        "password": NEW_PASSWORD,
        "confirm": NEW_PASSWORD,
        "language": "en",
        "municipality": str(place),
    }
    data.update(changes)
    return data


def flashes(response) -> str:
    return " ".join(re.findall(r'<div class="alert[^"]*">(.*?)</div>', response.text, re.S))


def session_cookie(client):
    return client.get_cookie("session").value


# Pages


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("page", ["signup", "login", "reset", "confirm"])
def test_account_forms_render_in_both_languages(client, lang, page):
    response = client.get(f"/{lang}/auth/{page}")
    assert response.status_code == 200
    assert f'<html lang="{lang}">' in response.text
    assert response.text.count("<h1") == 1
    assert 'name="csrf_token"' in response.text
    assert 'autocomplete="email"' in response.text


@pytest.mark.parametrize("lang", LANGS)
def test_the_sign_up_form_has_labels_autocomplete_the_rules_and_the_page_language(client, lang):
    html = client.get(f"/{lang}/auth/signup").text
    for name in ("name", "email", "password", "confirm", "language", "municipality"):
        assert f'<label class="form-label" for="{name}">' in html
    assert 'autocomplete="name"' in html
    assert html.count('autocomplete="new-password"') == 2
    assert 'aria-describedby="password-hint"' in html and 'id="password-hint"' in html
    assert "12" in re.search(r'id="password-hint"[^>]*>([^<]*)<', html).group(1)
    assert f'<option lang="{lang}" selected value="{lang}">' in html
    assert "Boadilla del Monte" in html and "Majadahonda" in html
    assert ">Online<" not in html and ">En línea<" not in html


def test_the_login_form_asks_for_the_current_password(client):
    html = client.get("/en/auth/login").text
    assert 'autocomplete="current-password"' in html
    assert 'name="remember"' in html


# Sign-up and confirmation


def test_signing_up_then_confirming_then_logging_in(app, client, auth):
    response = post_form(client, "/en/auth/signup", sign_up_data(app))
    assert response.status_code == 302
    assert response.headers["Location"] == "/en/auth/login"
    [message] = outbox(app, "confirm_email")
    assert message.to_address == "lucia@example.org"
    # Not before the address is confirmed; the page offers a new link.
    refused = auth.login("lucia@example.org", NEW_PASSWORD, lang="en")
    assert refused.status_code == 403
    assert "/en/auth/confirm" in refused.text
    confirmed = client.get(link_path(message, "confirm"))
    assert confirmed.status_code == 302
    assert auth.login("lucia@example.org", NEW_PASSWORD, lang="en").status_code == 302
    assert client.get("/en/auth/password").status_code == 200


def test_signing_up_with_a_known_address_answers_like_a_new_one(app, client, user):
    new = post_form(client, "/es/auth/signup", sign_up_data(app), follow_redirects=True)
    known = post_form(
        client, "/es/auth/signup", sign_up_data(app, email="ana@example.org"), follow_redirects=True
    )
    assert new.status_code == known.status_code == 200
    assert flashes(new).replace("lucia@example.org", "X") == flashes(known).replace(
        "ana@example.org", "X"
    )
    assert [m.template for m in outbox(app)] == ["confirm_email", "account_exists"]
    assert outbox(app)[1].to_address == "ana@example.org"


@pytest.mark.parametrize("lang", LANGS)
def test_a_weak_password_is_refused_at_its_field(app, client, lang):
    response = post_form(
        client,
        f"/{lang}/auth/signup",
        sign_up_data(app, password="password12345", confirm="password12345"),
    )
    assert response.status_code == 422
    html = response.text
    assert 'aria-invalid="true"' in html
    assert 'aria-describedby="password-hint password-error"' in html
    assert 'id="password-error"' in html
    assert "top-10" not in html and "This is a very common password" not in html
    assert outbox(app) == []


def test_an_invalid_sign_up_form_keeps_what_was_typed_except_passwords(app, client):
    response = post_form(client, "/en/auth/signup", sign_up_data(app, email="not-an-address"))
    assert response.status_code == 422
    assert 'value="Lucía Pérez"' in response.text
    assert NEW_PASSWORD not in response.text
    assert 'id="email-error"' in response.text


def test_confirmation_links_tampered_expired_or_reused(app, client, monkeypatch):
    with app.app_context():
        waiting = make_user(db.session, email="new@example.org", confirmed=False)
        token = accounts.confirmation_token(waiting)
        monkeypatch.setattr(
            TimestampSigner, "get_timestamp", lambda self: int(time.time() - 4 * 86400)
        )
        old = accounts.confirmation_token(waiting)
        monkeypatch.undo()
        db.session.commit()
        waiting_id = waiting.id
    for lang in LANGS:
        tampered = client.get(f"/{lang}/auth/confirm/{token[:-4]}")
        assert tampered.status_code == 400
        assert f'<html lang="{lang}">' in tampered.text
        assert client.get(f"/{lang}/auth/confirm/{old}").status_code == 410
    assert load_user(app, waiting_id).email_confirmed_at is None
    assert client.get(f"/es/auth/confirm/{token}").status_code == 302
    assert client.get(f"/es/auth/confirm/{token}").status_code == 410


def test_a_new_confirmation_link_answers_the_same_for_any_address(app, client):
    with app.app_context():
        make_user(db.session, email="waiting@example.org", confirmed=False)
        db.session.commit()
    answers = []
    for email in ("waiting@example.org", "nobody@example.org"):
        response = post_form(client, "/en/auth/confirm", {"email": email}, follow_redirects=True)
        answers.append(flashes(response).replace(email, "X"))
    assert answers[0] == answers[1]
    assert [m.to_address for m in outbox(app)] == ["waiting@example.org"]


# Login and logout


@pytest.mark.parametrize("lang", LANGS)
def test_a_failed_login_says_the_same_for_a_wrong_password_and_an_unknown_address(
    client, auth, user, lang
):
    wrong = auth.login("ana@example.org", "not my password", lang=lang)
    unknown = auth.login("nobody@example.org", "not my password", lang=lang)
    assert wrong.status_code == unknown.status_code == 422
    # At the password field, tied to it for screen readers.
    error = re.compile(r'<div id="password-error" class="invalid-feedback d-block">(.*?)</div>')
    assert error.search(wrong.text).group(1) == error.search(unknown.text).group(1)
    for page in (wrong.text, unknown.text):
        field = re.search(r'<input[^>]*id="password"[^>]*>', page).group(0)
        assert 'aria-invalid="true"' in field and 'aria-describedby="password-error"' in field


def test_logging_in_starts_a_new_session(app, client, auth, user):
    client.get("/es/auth/login")
    with client.session_transaction() as session:
        session["planted"] = "by an attacker"
    before = session_cookie(client)
    auth.login("ana@example.org")
    with client.session_transaction() as session:
        assert "planted" not in session
        assert session["_user_id"] == load_user(app, user).session_token
        assert session["_fresh"] is True
    assert session_cookie(client) != before
    assert load_user(app, user).last_login_at is not None


def test_logging_out_ends_every_copy_of_the_session(app, client, auth, user):
    auth.login("ana@example.org")
    thief = app.test_client()
    thief.set_cookie("session", session_cookie(client))
    assert thief.get("/es/auth/password").status_code == 200
    response = auth.logout()
    assert response.status_code == 302
    assert client.get("/es/auth/password").status_code == 302
    stolen = thief.get("/es/auth/password")
    assert stolen.status_code == 302
    assert stolen.headers["Location"].startswith("/es/auth/login")


def test_logout_needs_a_post_with_csrf(client, auth, user):
    auth.login("ana@example.org")
    assert client.get("/es/auth/logout").status_code == 405
    assert client.post("/es/auth/logout").status_code == 400
    assert client.get("/es/auth/password").status_code == 200


def test_the_header_offers_login_and_signup_then_account_and_a_logout_form(client, auth, user):
    html = client.get("/en/").text
    assert 'href="/en/auth/login?next=/en/"' in html
    assert 'href="/en/auth/signup?next=/en/"' in html
    auth.login("ana@example.org", lang="en")
    html = client.get("/en/").text
    assert 'href="/en/account/"' in html
    logout = re.search(r'<form method="post" action="/en/auth/logout".*?</form>', html, re.S)
    assert 'name="csrf_token"' in logout.group(0)
    assert 'href="/en/auth/login"' not in html


def test_remember_me_is_optional_and_bounded(app, client, auth, user):
    auth.login("ana@example.org")
    assert client.get_cookie("remember_token") is None
    auth.logout()
    response = auth.login("ana@example.org", remember=True)
    cookie = SimpleCookie()
    for header in response.headers.getlist("Set-Cookie"):
        cookie.load(header)
    remember = cookie["remember_token"]
    assert remember["httponly"]
    assert (
        0 < int(remember["max-age"] or 0) <= app.config["REMEMBER_COOKIE_DURATION"].total_seconds()
        or remember["expires"]
    )
    # The remember-me cookie alone logs back in, not fresh; a logout makes it worthless.
    copy = remember.value
    client.delete_cookie("session")
    assert client.get("/es/auth/password").status_code == 200
    auth.logout()
    other = app.test_client()
    other.set_cookie("remember_token", copy)
    assert other.get("/es/auth/password").status_code == 302


@pytest.mark.parametrize(
    "target",
    [
        "//evil.example/x",
        "http://evil.example/",
        "https://evil.example/es/",
        "/\\evil.example",
        "\\\\evil.example",
        "javascript:alert(1)",
        "/\t/evil.example",
        "evil.example",
    ],
)
def test_next_never_leads_to_another_site(client, auth, user, target):
    page = client.get("/es/auth/login", query_string={"next": target})
    response = client.post(
        "/es/auth/login",
        query_string={"next": target},
        data={
            "csrf_token": csrf_token(page.text),
            "email": "ana@example.org",
            "password": DEFAULT_PASSWORD,
        },
    )
    assert response.status_code == 302
    assert response.headers["Location"] == "/es/"


def test_next_leads_back_to_a_page_of_this_site(client, user):
    target = "/es/offerings/?q=python&page=2"
    page = client.get("/es/auth/login", query_string={"next": target})
    response = client.post(
        "/es/auth/login",
        query_string={"next": target},
        data={
            "csrf_token": csrf_token(page.text),
            "email": "ana@example.org",
            "password": DEFAULT_PASSWORD,
        },
    )
    assert response.headers["Location"] == target


def test_a_page_that_needs_login_sends_to_login_and_back(client, auth, user):
    response = client.get("/en/auth/password")
    assert response.status_code == 302
    assert response.headers["Location"] == "/en/auth/login?next=%2Fen%2Fauth%2Fpassword"


# CSRF and rate limits


@pytest.mark.parametrize("lang", LANGS)
def test_a_post_without_csrf_token_gets_our_translated_400_page(client, user, lang):
    response = client.post(
        f"/{lang}/auth/login", data={"email": "ana@example.org", "password": DEFAULT_PASSWORD}
    )
    assert response.status_code == 400
    assert f'<html lang="{lang}">' in response.text
    assert "MOT Formación" in response.text
    assert "CSRF" not in response.text


@pytest.mark.parametrize("lang", LANGS)
def test_login_is_limited_per_ip_with_a_translated_429_and_retry_after(
    client, user, rate_limits, lang
):
    token = csrf_token(client.get(f"/{lang}/auth/login").text)
    statuses = []
    for number in range(11):
        response = client.post(
            f"/{lang}/auth/login",
            data={"csrf_token": token, "email": f"guess{number}@example.org", "password": "x"},
        )
        statuses.append(response.status_code)
    assert statuses == [422] * 10 + [429]
    assert int(response.headers["Retry-After"]) > 0
    assert f'<html lang="{lang}">' in response.text
    assert "per 1 minute" not in response.text
    assert "429" in response.text


def test_login_is_limited_per_address_across_ips(client, user, rate_limits):
    token = csrf_token(client.get("/es/auth/login").text)
    statuses = [
        client.post(
            "/es/auth/login",
            data={"csrf_token": token, "email": "ana@example.org", "password": "x"},
            environ_base={"REMOTE_ADDR": f"10.0.0.{number}"},
        ).status_code
        for number in range(11)
    ]
    assert statuses == [422] * 10 + [429]


@pytest.mark.parametrize(("page", "limit"), [("signup", 5), ("reset", 5), ("confirm", 5)])
def test_sign_up_and_email_links_are_limited(app, client, rate_limits, page, limit):
    token = csrf_token(client.get(f"/es/auth/{page}").text)
    statuses = []
    for number in range(limit + 1):
        data = (
            sign_up_data(app, email=f"p{number}@example.org")
            if page == "signup"
            else {"email": f"p{number}@example.org"}
        )
        statuses.append(
            client.post(f"/es/auth/{page}", data={"csrf_token": token, **data}).status_code
        )
    assert statuses == [302] * limit + [429]


# Password reset and change


def test_a_reset_request_answers_the_same_for_any_address(app, client, user):
    answers = []
    for email in ("ana@example.org", "nobody@example.org"):
        response = post_form(client, "/es/auth/reset", {"email": email}, follow_redirects=True)
        answers.append((response.status_code, flashes(response).replace(email, "X")))
    assert answers[0] == answers[1]
    assert [m.to_address for m in outbox(app)] == ["ana@example.org"]


def test_resetting_the_password_by_the_link_and_the_link_dies(app, client, auth, user):
    auth.login("ana@example.org")
    thief = app.test_client()
    thief.set_cookie("session", session_cookie(client))
    post_form(client, "/es/auth/reset", {"email": "ana@example.org"})
    path = link_path(outbox(app, "password_reset")[0], "reset")
    for lang in LANGS:
        page = client.get(path.replace("/es/", f"/{lang}/"))
        assert page.status_code == 200
        assert 'autocomplete="new-password"' in page.text
    response = post_form(client, path, {"password": NEW_PASSWORD, "confirm": NEW_PASSWORD})
    assert response.status_code == 302
    assert thief.get("/es/auth/password").status_code == 302
    assert [m.template for m in outbox(app)][-1] == "password_changed"
    # The link is spent: the password it was issued for has changed.
    assert client.get(path).status_code == 410
    assert auth.login("ana@example.org", NEW_PASSWORD).status_code == 302


def test_a_reset_link_that_expired_or_was_tampered_with_changes_nothing(app, client, monkeypatch):
    with app.app_context():
        person = make_user(db.session)
        monkeypatch.setattr(
            TimestampSigner, "get_timestamp", lambda self: int(time.time() - 3 * 3600)
        )
        old = accounts.reset_token(person)
        monkeypatch.undo()
        token = accounts.reset_token(person)
        db.session.commit()
        person_id = person.id
    assert client.get(f"/en/auth/reset/{old}").status_code == 410
    assert client.get(f"/en/auth/reset/x{token}").status_code == 400
    page = client.get(f"/en/auth/reset/{token}")
    response = client.post(
        f"/en/auth/reset/{old}",
        data={
            "csrf_token": csrf_token(page.text),
            "password": NEW_PASSWORD,
            "confirm": NEW_PASSWORD,
        },
    )
    assert response.status_code == 410
    assert accounts.check_password(load_user(app, person_id), DEFAULT_PASSWORD)


def test_changing_the_password_keeps_this_session_and_ends_the_others(app, client, auth, user):
    auth.login("ana@example.org")
    thief = app.test_client()
    thief.set_cookie("session", session_cookie(client))
    response = post_form(
        client,
        "/es/auth/password",
        {"current_password": DEFAULT_PASSWORD, "password": NEW_PASSWORD, "confirm": NEW_PASSWORD},
    )
    assert response.status_code == 302
    assert client.get("/es/auth/password").status_code == 200
    assert thief.get("/es/auth/password").status_code == 302
    assert [m.template for m in outbox(app)] == ["password_changed"]


@pytest.mark.parametrize("lang", LANGS)
def test_changing_the_password_with_a_wrong_current_one_is_refused(app, client, auth, user, lang):
    auth.login("ana@example.org", lang=lang)
    page = client.get(f"/{lang}/auth/password")
    assert 'autocomplete="current-password"' in page.text
    response = post_form(
        client,
        f"/{lang}/auth/password",
        {"current_password": "nope", "password": NEW_PASSWORD, "confirm": NEW_PASSWORD},
    )
    assert response.status_code == 422
    assert 'id="current_password-error"' in response.text
    assert outbox(app) == []


# Email change


def test_changing_the_email_through_the_link_sent_to_the_new_address(app, client, auth, user):
    auth.login("ana@example.org", lang="en")
    assert 'autocomplete="email"' in client.get("/en/auth/email").text
    response = post_form(
        client, "/en/auth/email", {"email": "ana.new@example.org", "password": DEFAULT_PASSWORD}
    )
    assert response.status_code == 302
    [link] = outbox(app, "email_change_confirm")
    assert link.to_address == "ana.new@example.org"
    path = link_path(link, "email/confirm")
    assert client.get(path).status_code == 302
    assert load_user(app, user).email == "ana.new@example.org"
    assert outbox(app, "email_change_notice")[0].to_address == "ana@example.org"
    assert client.get(path).status_code == 410


def test_changing_the_email_to_a_taken_address_answers_as_usual(app, client, auth, user):
    with app.app_context():
        make_user(db.session, email="taken@example.org")
        db.session.commit()
    auth.login("ana@example.org", lang="en")
    answers = []
    for email in ("free@example.org", "taken@example.org"):
        response = post_form(
            client,
            "/en/auth/email",
            {"email": email, "password": DEFAULT_PASSWORD},
            follow_redirects=True,
        )
        answers.append((response.status_code, flashes(response).replace(email, "X")))
    assert answers[0] == answers[1]
    assert [(m.template, m.to_address) for m in outbox(app)] == [
        ("email_change_confirm", "free@example.org"),
        ("account_exists", "taken@example.org"),
    ]


def test_a_tampered_email_change_link_is_refused(client):
    assert client.get("/es/auth/email/confirm/abc.def.ghi").status_code == 400


# Re-authentication


def test_a_sensitive_page_asks_for_the_password_again_and_returns(app, client, auth, user):
    with app.test_request_context("/es/account/delete"):
        target = login_url("auth.reauthenticate", "/es/account/delete")
    assert target == "/es/auth/reauthenticate?next=%2Fes%2Faccount%2Fdelete"
    auth.login("ana@example.org")
    with client.session_transaction() as session:
        session["_fresh"] = False
    page = client.get(target)
    assert page.status_code == 200
    assert 'autocomplete="current-password"' in page.text
    wrong = client.post(target, data={"csrf_token": csrf_token(page.text), "password": "nope"})
    assert wrong.status_code == 422
    right = client.post(
        target, data={"csrf_token": csrf_token(page.text), "password": DEFAULT_PASSWORD}
    )
    assert right.headers["Location"] == "/es/account/delete"
    with client.session_transaction() as session:
        assert session["_fresh"] is True


def test_a_login_stops_being_fresh_after_the_configured_time(app, client, auth, user):
    auth.login("ana@example.org")
    max_age = app.config["FRESH_LOGIN_MAX_AGE"]
    with client.session_transaction() as session:
        session["_fresh_at"] = time.time() - max_age.total_seconds() - 1
    client.get("/es/")
    with client.session_transaction() as session:
        assert session["_fresh"] is False


def test_re_authentication_needs_a_login(client):
    response = client.get("/es/auth/reauthenticate")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/es/auth/login")


@pytest.mark.parametrize("lang", LANGS)
def test_a_form_sent_with_mistakes_lists_each_one_at_the_top_linked_to_its_field(app, client, lang):
    data = sign_up_data(app, name="", email="not-an-address", confirm="something else")
    response = post_form(client, f"/{lang}/auth/signup", data)
    assert response.status_code == 422
    summary = re.search(r'<div class="alert[^"]*error-summary.*?</ul>', response.text, re.S).group()
    title = {"es": "Hay 3 problemas", "en": "There are 3 problems"}[lang]
    assert f'<h2 class="h5" id="form-errors-title">{title}</h2>' in summary
    linked = re.findall(r'<a href="#([\w-]+)">', summary)
    assert linked == ["name", "email", "confirm"]
    for field in linked:  # each link reaches its input, which names the same message
        assert f'id="{field}"' in response.text
        assert f'aria-describedby="{field}-error"' in response.text
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(User)) == 0


@pytest.mark.parametrize("lang", LANGS)
def test_sign_up_chooses_no_municipality_for_the_person(app, client, lang):
    html = client.get(f"/{lang}/auth/signup").text
    select_html = re.search(r'<select[^>]*id="municipality".*?</select>', html, re.S).group()
    chosen = re.findall(r"<option [^>]*selected[^>]*>", select_html)
    assert len(chosen) == 1 and 'value=""' in chosen[0]  # only "Choose…", the first option
    response = post_form(client, f"/{lang}/auth/signup", sign_up_data(app, municipality=""))
    assert response.status_code == 422
    message = {"es": "Elige dónde vives", "en": "Choose where you live"}[lang]
    assert message in response.text


# Where the person was going follows them through sign-up, the emailed link and the login


@pytest.mark.parametrize("lang", LANGS)
def test_the_course_follows_the_person_through_sign_up_confirmation_and_login(app, client, lang):
    target = f"/{lang}/offerings/7/enrol"
    login_page = client.get(f"/{lang}/auth/login", query_string={"next": target}).text
    sign_up_url = f"/{lang}/auth/signup?next=/{lang}/offerings/7/enrol"
    assert f'href="{sign_up_url}"' in login_page
    # The sign-up form posts to itself with the destination; it says where to log in next.
    assert f'action="{sign_up_url}"' in client.get(sign_up_url).text
    signed_up = post_form(client, sign_up_url, sign_up_data(app, language=lang))
    assert signed_up.status_code == 302
    login_url_with_next = f"/{lang}/auth/login?next=/{lang}/offerings/7/enrol"
    assert signed_up.headers["Location"] == login_url_with_next
    [message] = outbox(app, "confirm_email")
    link = re.search(r"http://[^/\s]+(/\S+/auth/confirm/\S+)", message.body_text).group(1)
    assert link.endswith(f"?next={target}")
    assert f"next={target}" in message.body_html
    confirmed = client.get(link)
    assert confirmed.headers["Location"] == login_url_with_next
    logged_in = post_form(
        client, login_url_with_next, {"email": "lucia@example.org", "password": NEW_PASSWORD}
    )
    assert logged_in.headers["Location"] == target


@pytest.mark.parametrize(
    "target", ["//evil.example/x", "https://evil.example/es/", "/\\evil.example", "/\t/x"]
)
def test_another_site_never_rides_along_sign_up_or_the_emailed_link(app, client, target):
    sign_up_page = client.get("/es/auth/signup", query_string={"next": target})
    assert 'action="/es/auth/signup"' in sign_up_page.text
    assert 'href="/es/auth/login">' in sign_up_page.text
    response = client.post(
        "/es/auth/signup",
        query_string={"next": target},
        data={"csrf_token": csrf_token(sign_up_page.text), **sign_up_data(app, language="es")},
    )
    assert response.headers["Location"] == "/es/auth/login"
    [message] = outbox(app, "confirm_email")
    assert "next=" not in message.body_text and "evil" not in message.body_html
    # A link whose destination was changed by hand still only leads to the login page.
    confirmed = client.get(link_path(message, "confirm"), query_string={"next": target})
    assert confirmed.headers["Location"] == "/es/auth/login"


def test_a_new_confirmation_link_keeps_the_destination(app, client):
    post_form(client, "/es/auth/signup", sign_up_data(app, language="es"))
    target = "/es/offerings/3/enrol"
    page_url = "/es/auth/confirm?next=/es/offerings/3/enrol"
    assert f'action="{page_url}"' in client.get(page_url).text
    response = post_form(client, page_url, {"email": "lucia@example.org"})
    assert response.headers["Location"] == "/es/auth/login?next=/es/offerings/3/enrol"
    first, second = outbox(app, "confirm_email")
    assert "next=" not in first.body_text
    assert link_path(second, "confirm") and f"next={target}" in second.body_text


# The header's links come back to the page they were followed from


def header_links(page: str) -> list[str]:
    """The hrefs of the header's account menu (Log in, Sign up), unescaped."""
    menu = re.search(
        r'<nav aria-label="[^"]+">\s*<ul class="site-nav[^"]*align-items-center.*?</nav>',
        page,
        re.S,
    )
    return [href.replace("&amp;", "&") for href in re.findall(r'href="([^"]+)"', menu.group())]


@pytest.mark.parametrize("lang", ["es", "en"])
def test_logging_in_from_the_header_comes_back_to_the_page(app, client, user, lang):
    with app.app_context():
        offering_id = make_offering(db.session).id
        db.session.commit()
    here = f"/{lang}/offerings/{offering_id}"
    login, sign_up = header_links(client.get(here).text)
    assert login == f"/{lang}/auth/login?next={here}"
    assert sign_up == f"/{lang}/auth/signup?next={here}"

    response = post_form(client, login, {"email": "ana@example.org", "password": DEFAULT_PASSWORD})
    assert response.status_code == 302
    assert response.headers["Location"] == here


def test_the_header_keeps_a_search_and_leaves_the_login_page_out(client):
    [login, _] = header_links(client.get("/es/offerings/?q=python&page=1").text)
    assert login == "/es/auth/login?next=/es/offerings/?q%3Dpython%26page%3D1"
    # On the login and sign-up pages the header does not point back at them...
    for page in ("/es/auth/login", "/es/auth/signup"):
        assert header_links(client.get(page).text) == ["/es/auth/login", "/es/auth/signup"]
    # ...but carries on where the person was already going.
    target = "/es/offerings/?q=python"
    page = client.get("/es/auth/login", query_string={"next": target}).text
    assert header_links(page)[0] == "/es/auth/login?next=/es/offerings/?q%3Dpython"


@pytest.mark.parametrize("target", ["//evil.example/x", "https://evil.example/", "/\\evil.example"])
def test_the_header_never_carries_a_next_to_another_site(client, target):
    for page in ("/es/auth/login", "/es/auth/signup"):
        links = header_links(client.get(page, query_string={"next": target}).text)
        assert links == ["/es/auth/login", "/es/auth/signup"]
    # A page that does not exist is not somewhere to come back to either.
    missing = client.get("/es/no-such-page")
    assert missing.status_code == 404
    assert header_links(missing.text) == ["/es/auth/login", "/es/auth/signup"]

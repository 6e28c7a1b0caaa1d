"""The participant's own pages through HTTP: my enrolments, profile, data export, closing."""

import json
import re
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from app.extensions import db
from app.models import (
    EnrolmentStatus,
    Gender,
    OutboxMessage,
    ParticipantProfile,
    Role,
    User,
    utcnow,
)
from app.services import enrolment as service
from tests.conftest import csrf_token
from tests.factories import (
    DEFAULT_PASSWORD,
    make_offering,
    make_user,
    set_sessions,
    templates_to,
)

LANGS = ("es", "en")


@pytest.fixture
def person(app, auth):
    """A logged-in resident: (id, email)."""
    with app.app_context():
        user = make_user(db.session, name="Ana García")
        db.session.commit()
        user_id, email = user.id, user.email
    assert auth.login(email).status_code == 302
    return user_id, email


def load(app, model, key):
    with app.app_context():
        return db.session.get(model, key)


def token(client):
    return csrf_token(client.get("/en/account/profile").text)


def test_every_account_page_needs_a_login(client):
    for path in ("", "profile", "export", "delete"):
        response = client.get(f"/en/account/{path}")
        assert response.status_code == 302
        assert "/en/auth/login" in response.location


@pytest.mark.parametrize("lang", LANGS)
def test_my_enrolments_shows_upcoming_waiting_and_past(app, client, person, lang):
    user_id, _email = person
    with app.app_context():
        now = utcnow()
        coming = make_offering(db.session, title_en="Coming soon", capacity=3)
        full = make_offering(db.session, title_en="Full house", capacity=0)
        finished = make_offering(db.session, title_en="Already done")
        places = [
            service.enrol(db.session, offering_id=offering.id, user_id=user_id, now=now)
            for offering in (coming, full, finished)
        ]
        last_month = now - timedelta(days=30)
        set_sessions(finished, [(last_month, last_month + timedelta(hours=2))])
        db.session.commit()
        coming_id, waiting_id, finished_id = (place.id for place in places)

    html = client.get(f"/{lang}/account/").text

    upcoming, rest = html.split('id="waiting-heading"')
    waiting, past = rest.split('id="past-heading"')
    assert f"/{lang}/enrolments/{coming_id}.ics" in upcoming
    assert f"/{lang}/enrolments/{coming_id}/cancel" in upcoming
    assert f"/{lang}/enrolments/{waiting_id}/cancel" in waiting
    assert f"/{lang}/enrolments/{finished_id}" not in html  # over: nothing to do
    assert html.count('<th scope="col">') == 11  # every table has its headers
    if lang == "en":
        assert "Coming soon" in upcoming
        assert "Number 1 on the waiting list" in waiting
        assert "the first person waiting gets the place automatically" in waiting
        assert "Already done" in past
        # A screen reader hears which offering each link is about.
        assert 'Cancel<span class="visually-hidden">: Coming soon</span>' in upcoming


def test_past_the_deadline_a_confirmed_place_says_so_instead_of_offering_to_cancel(
    app, client, person
):
    with app.app_context():
        offering = make_offering(db.session, starts_in=timedelta(hours=6))
        place = service.enrol(db.session, offering_id=offering.id, user_id=person[0], now=utcnow())
        db.session.commit()
        place_id = place.id
    html = client.get("/en/account/").text
    assert f"/enrolments/{place_id}/cancel" not in html
    assert "The deadline to cancel has passed" in html


@pytest.mark.parametrize("lang", LANGS)
def test_my_account_links_to_changing_the_email_and_the_password(client, person, lang):
    """Nothing else on the site led to those two pages."""
    html = client.get(f"/{lang}/account/").text
    assert f'href="/{lang}/auth/email"' in html
    assert f'href="/{lang}/auth/password"' in html


@pytest.mark.parametrize("lang", LANGS)
def test_the_profile_states_why_each_question_is_asked(client, person, lang):
    response = client.get(f"/{lang}/account/profile")
    assert response.status_code == 200
    html = response.text
    for field in ("birth_year", "age_band", "gender", "employment_status", "education_level"):
        assert f'aria-describedby="{field}-hint"' in html
    assert 'name="disability_consent"' in html
    assert f'href="/{lang}/privacy"' in html


def test_saving_the_profile_sets_only_the_profile(app, client, person):
    user_id, _email = person
    response = client.post(
        "/en/account/profile",
        data={
            "csrf_token": token(client),
            "birth_year": "1988",
            "gender": "woman",
            "employment_status": "unemployed",
            "education_level": "undisclosed",
            # Not on the form: never copied onto the account.
            "role": "admin",
            "user_id": "1",
            "email": "someone@example.org",
        },
    )
    assert response.status_code == 302
    assert "Your profile has been saved." in client.get(response.location).text
    profile = load(app, ParticipantProfile, user_id)
    assert (profile.birth_year, profile.gender) == (1988, Gender.WOMAN)
    assert profile.education_level.value == "undisclosed"
    user = load(app, User, user_id)
    assert user.role == Role.RESIDENT
    assert user.email != "someone@example.org"


def test_a_disability_answer_without_consent_is_not_stored_and_the_person_is_told(
    app, client, person
):
    user_id, _email = person
    response = client.post(
        "/en/account/profile", data={"csrf_token": token(client), "disability": "yes"}
    )
    assert "was not saved" in client.get(response.location).text
    assert load(app, ParticipantProfile, user_id).disability is None

    client.post(
        "/en/account/profile",
        data={"csrf_token": token(client), "disability": "yes", "disability_consent": "y"},
    )
    profile = load(app, ParticipantProfile, user_id)
    assert profile.disability is True and profile.disability_consent_at is not None
    html = client.get("/en/account/profile").text
    assert re.search(r'<input[^>]* checked[^>]* name="disability_consent"', html)

    # Unticking the consent withdraws it, and the answer goes with it.
    client.post("/en/account/profile", data={"csrf_token": token(client), "disability": "yes"})
    profile = load(app, ParticipantProfile, user_id)
    assert (profile.disability, profile.disability_consent_at) == (None, None)


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"birth_year": "1850"}, "birth_year"),
        ({"birth_year": "<script>"}, "birth_year"),
        ({"gender": "robot"}, "gender"),
        ({"disability": "maybe"}, "disability"),
    ],
)
def test_bad_profile_answers_are_shown_at_their_field(app, client, person, data, field):
    response = client.post("/en/account/profile", data={"csrf_token": token(client), **data})
    assert response.status_code == 422
    assert f'id="{field}-error"' in response.text
    assert "<script>" not in response.text
    assert load(app, ParticipantProfile, person[0]) is None


def test_a_year_of_birth_in_the_future_is_refused_by_the_service(app, client, person):
    next_year = utcnow().year + 1
    response = client.post(
        "/en/account/profile", data={"csrf_token": token(client), "birth_year": str(next_year)}
    )
    assert response.status_code == 422
    assert 'id="birth_year-error"' in response.text


def test_the_export_is_a_json_download_of_the_persons_data(app, client, person):
    user_id, email = person
    with app.app_context():
        offering = make_offering(db.session)
        service.enrol(db.session, offering_id=offering.id, user_id=user_id, now=utcnow())
        db.session.commit()
        password_hash = db.session.get(User, user_id).password_hash

    response = client.get("/en/account/export")

    assert response.status_code == 200
    assert response.mimetype == "application/json"
    assert response.headers["Content-Disposition"].startswith("attachment;")
    assert "no-store" in response.headers["Cache-Control"]
    data = json.loads(response.data)
    assert data["account"]["email"] == email
    assert data["account"]["name"] == "Ana García"
    assert [row["status"] for row in data["enrolments"]] == ["confirmed"]
    assert [message["template"] for message in data["emails"]] == ["enrolment_confirmed"]
    assert password_hash not in response.text


@pytest.mark.parametrize("lang", LANGS)
def test_the_closing_page_explains_what_happens_and_asks_for_the_password(client, person, lang):
    response = client.get(f"/{lang}/account/delete")
    assert response.status_code == 200
    assert 'type="password"' in response.text
    assert 'autocomplete="current-password"' in response.text


def test_a_wrong_password_does_not_close_the_account(app, client, person):
    user_id, _email = person
    response = client.post(
        "/en/account/delete", data={"csrf_token": token(client), "password": "not it at all"}
    )
    assert response.status_code == 422
    assert 'id="password-error"' in response.text
    assert load(app, User, user_id).erased_at is None
    assert client.get("/en/account/").status_code == 200


def test_closing_the_account_releases_places_erases_data_and_logs_out(app, client, person):
    user_id, email = person
    with app.app_context():
        offering = make_offering(db.session, capacity=1)
        waiting = make_user(db.session)
        db.session.flush()
        for participant in (user_id, waiting.id):
            service.enrol(db.session, offering_id=offering.id, user_id=participant, now=utcnow())
        db.session.commit()
        waiting_email, offering_id = waiting.email, offering.id
    cookie = client.get_cookie("session").value

    response = client.post(
        "/en/account/delete", data={"csrf_token": token(client), "password": DEFAULT_PASSWORD}
    )

    assert response.status_code == 302
    assert response.location == "/en/"
    assert "Your account has been closed" in client.get(response.location).text
    assert client.get("/en/account/").status_code == 302  # logged out
    # A copy of the old cookie does not bring the session back either.
    copy = app.test_client()
    copy.set_cookie("session", cookie)
    assert copy.get("/en/account/").status_code == 302

    erased = load(app, User, user_id)
    assert erased.erased_at is not None and erased.email is None
    with app.app_context():
        live = service.live_enrolment(db.session, offering_id, user_id)
        promoted = db.session.scalar(
            select(func.count()).where(
                OutboxMessage.to_address == waiting_email,
                OutboxMessage.template == "enrolment_promoted",
            )
        )
        goodbye = templates_to(db.session, email)
        waiting_place = service.live_enrolment(
            db.session,
            offering_id,
            db.session.scalar(select(User.id).filter_by(email=waiting_email)),
        )
        assert waiting_place.status == EnrolmentStatus.CONFIRMED
    assert live is None
    assert promoted == 1
    assert goodbye == ["account_closed"]


@pytest.mark.parametrize("lang", LANGS)
def test_closing_the_account_is_apart_from_the_tabs(client, person, lang):
    html = client.get(f"/{lang}/account/").text
    tabs = re.search(r'<nav aria-label="[^"]*" class="account-nav.*?</nav>', html, re.S).group()
    assert f"/{lang}/account/delete" not in tabs
    closing = re.search(r'<section aria-labelledby="close-heading".*?</section>', html, re.S)
    assert f'href="/{lang}/account/delete"' in closing.group()

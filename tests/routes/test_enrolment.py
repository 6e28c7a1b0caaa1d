"""Enrolling from an offering's page and cancelling, through HTTP, in both languages."""

import re
import threading
from datetime import timedelta

import pytest
from icalendar import Calendar
from sqlalchemy import select

from app.extensions import db
from app.models import (
    Enrolment,
    EnrolmentStatus,
    Gender,
    OfferingStatus,
    utcnow,
)
from app.services import accounts as service_accounts
from app.services import enrolment as service
from tests.conftest import csrf_token
from tests.factories import make_offering, make_user, templates_to

LANGS = ("es", "en")


def create_offering(app, **fields) -> int:
    with app.app_context():
        offering = make_offering(db.session, title_en="Data for everyone", **fields)
        db.session.commit()
        return offering.id


def create_user(app, **fields) -> tuple[int, str]:
    with app.app_context():
        user = make_user(db.session, **fields)
        db.session.commit()
        return user.id, user.email


def enrol_directly(app, offering_id, user_id) -> int:
    """A place taken by someone else, without going through this test's client."""
    with app.app_context():
        place = service.enrol(db.session, offering_id=offering_id, user_id=user_id, now=utcnow())
        db.session.commit()
        return place.id


def places(app, offering_id):
    with app.app_context():
        return db.session.execute(
            select(Enrolment.user_id, Enrolment.status)
            .where(Enrolment.offering_id == offering_id)
            .order_by(Enrolment.id)
        ).all()


def templates_sent_to(app, address):
    with app.app_context():
        return templates_to(db.session, address)


@pytest.fixture
def person(app, auth):
    """A logged-in resident: (id, email)."""
    user_id, email = create_user(app)
    assert auth.login(email).status_code == 302
    return user_id, email


def token(client, lang="en"):
    """A CSRF token of this client's session (any of our forms would give the same)."""
    return csrf_token(client.get(f"/{lang}/account/profile").text)


def post_enrol(client, offering_id, lang="en"):
    return client.post(
        f"/{lang}/offerings/{offering_id}/enrol", data={"csrf_token": token(client, lang)}
    )


@pytest.mark.parametrize("lang", LANGS)
def test_the_offering_page_invites_to_enrol_and_the_link_asks_to_log_in(app, client, lang):
    offering_id = create_offering(app)
    html = client.get(f"/{lang}/offerings/{offering_id}").text
    link = f'href="/{lang}/offerings/{offering_id}/enrol"'
    assert link in html

    response = client.get(f"/{lang}/offerings/{offering_id}/enrol")
    assert response.status_code == 302
    assert f"/{lang}/auth/login" in response.location


@pytest.mark.parametrize(
    ("fields", "label"),
    [({"capacity": 3}, "Enrol"), ({"capacity": 0}, "Join the waiting list")],
)
def test_the_call_to_action_follows_the_availability(app, client, fields, label):
    offering_id = create_offering(app, **fields)
    html = client.get(f"/en/offerings/{offering_id}").text
    assert f"{label}</a>" in html


@pytest.mark.parametrize(
    "fields",
    [
        {"status": OfferingStatus.CANCELLED},
        {"enrolment_closes": utcnow() - timedelta(hours=1)},
        {"enrolment_opens": utcnow() + timedelta(days=1)},
    ],
)
def test_no_call_to_action_when_nobody_can_enrol(app, client, fields):
    offering_id = create_offering(app, **fields)
    html = client.get(f"/en/offerings/{offering_id}").text
    assert f"/offerings/{offering_id}/enrol" not in html


@pytest.mark.parametrize("lang", LANGS)
def test_enrolling_confirms_a_place_and_tells_the_person(app, client, person, lang):
    user_id, email = person
    offering_id = create_offering(app, capacity=2)

    page = client.get(f"/{lang}/offerings/{offering_id}/enrol")
    assert page.status_code == 200
    assert "Data for everyone" in page.text or "Curso de prueba" in page.text
    assert f'action="/{lang}/offerings/{offering_id}/enrol"' in page.text

    response = post_enrol(client, offering_id, lang)
    assert response.status_code == 302
    assert response.location.endswith(f"/{lang}/account/")
    assert places(app, offering_id) == [(user_id, EnrolmentStatus.CONFIRMED)]
    assert templates_sent_to(app, email) == ["enrolment_confirmed"]
    landing = client.get(response.location)
    said = {"en": "Your place in Data for everyone is confirmed.", "es": "Tu plaza en Curso de"}
    assert said[lang] in landing.text  # the message names the course
    detail = client.get(f"/{lang}/offerings/{offering_id}").text
    assert f"/offerings/{offering_id}/enrol" not in detail
    assert f'href="/{lang}/account/"' in detail


def test_a_full_offering_puts_the_person_on_the_waiting_list_with_a_position(app, client, person):
    user_id, _email = person
    offering_id = create_offering(app, capacity=1)
    enrol_directly(app, offering_id, create_user(app)[0])

    response = post_enrol(client, offering_id)
    assert response.status_code == 302
    said = "You are number 1 on the waiting list of Data for everyone."
    assert said in client.get(response.location).text
    assert places(app, offering_id)[-1] == (user_id, EnrolmentStatus.WAITING)
    assert (
        "You are number 1 on the waiting list." in client.get(f"/en/offerings/{offering_id}").text
    )


def test_an_enrol_post_without_csrf_token_is_refused(app, client, person):
    offering_id = create_offering(app)
    response = client.post(f"/en/offerings/{offering_id}/enrol")
    assert response.status_code == 400
    assert places(app, offering_id) == []


def test_submitting_twice_keeps_one_place(app, client, person):
    offering_id = create_offering(app)
    csrf = token(client)
    for _ in range(2):
        response = client.post(f"/en/offerings/{offering_id}/enrol", data={"csrf_token": csrf})
        assert response.status_code == 302
    assert len(places(app, offering_id)) == 1
    assert "Your place in Data for everyone is confirmed." in client.get("/en/account/").text


def test_a_double_click_arriving_at_once_gives_one_place_and_two_successes(app, client, person):
    """Five copies of the same browser request, released together in separate threads."""
    offering_id = create_offering(app)
    csrf = token(client)
    cookie = client.get_cookie("session")
    barrier = threading.Barrier(5)
    statuses = []

    def click():
        copy = app.test_client()
        copy.set_cookie(cookie.key, cookie.value, domain=cookie.domain)
        barrier.wait()
        response = copy.post(f"/en/offerings/{offering_id}/enrol", data={"csrf_token": csrf})
        statuses.append((response.status_code, response.location))

    threads = [threading.Thread(target=click) for _ in range(5)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert statuses == [(302, "/en/account/")] * 5
    assert places(app, offering_id) == [(person[0], EnrolmentStatus.CONFIRMED)]


@pytest.mark.parametrize(
    ("fields", "user_fields", "status", "message"),
    [
        ({"residents_only": True}, {"municipality_slug": "other"}, 409, "reserved to residents"),
        ({"enrolment_opens": utcnow() + timedelta(days=1)}, {}, 409, "not opened yet"),
        ({"enrolment_closes": utcnow() - timedelta(hours=1)}, {}, 410, "closed"),
        ({"status": OfferingStatus.CANCELLED}, {}, 410, "cancelled"),
        ({"status": OfferingStatus.DRAFT}, {}, 404, None),
    ],
)
def test_a_refusal_says_why_with_its_status_and_changes_nothing(
    app, client, auth, fields, user_fields, status, message
):
    offering_id = create_offering(app, **fields)
    _user_id, email = create_user(app, **user_fields)
    auth.login(email)

    for lang in LANGS:
        page = client.get(f"/{lang}/offerings/{offering_id}/enrol")
        assert page.status_code == status
        response = post_enrol(client, offering_id, lang)
        assert response.status_code == status
        if message and lang == "en":
            assert message in response.text
            assert "<form" not in response.text.split('id="main"')[1]
    assert places(app, offering_id) == []


def year_of_birth(app, user_id):
    with app.app_context():
        profile = service_accounts.get_profile(db.session, user_id)
        return profile and (profile.birth_year, profile.gender)


def post_year(client, offering_id, year, lang="en"):
    return client.post(
        f"/{lang}/offerings/{offering_id}/enrol/birth-year",
        data={"csrf_token": token(client, lang), "birth_year": year},
    )


@pytest.mark.parametrize("lang", LANGS)
def test_an_age_limited_offering_asks_only_the_year_of_birth_on_the_enrol_step(
    app, client, person, lang
):
    offering_id = create_offering(app, min_age=16, max_age=30)
    page = client.get(f"/{lang}/offerings/{offering_id}/enrol")
    assert page.status_code == 200
    main = page.text.split('id="main"')[1]
    action = f'action="/{lang}/offerings/{offering_id}/enrol/birth-year"'
    assert action in main and 'name="birth_year"' in main
    assert 'aria-describedby="birth_year-hint"' in main
    why = re.search(r'<p id="why-year">([^<]*)</p>', main).group(1)
    assert "16" in why and "30" in why
    # Not the inclusion profile, and no button that would take a place yet.
    for other in ("gender", "employment_status", "education_level", "disability"):
        assert f'name="{other}"' not in main
    assert f'action="/{lang}/offerings/{offering_id}/enrol"' not in main
    # Posting the enrolment around the question is refused as before.
    assert post_enrol(client, offering_id, lang).status_code == 409
    assert places(app, offering_id) == []


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("year", ["", "abc", "19 90", "1800", "3000", "-1990", "1990.5"])
def test_a_bad_year_of_birth_is_refused_at_its_field_and_nothing_is_saved(
    app, client, person, lang, year
):
    offering_id = create_offering(app, min_age=16)
    response = post_year(client, offering_id, year, lang)
    assert response.status_code == 422
    assert 'id="birth_year-error"' in response.text
    assert 'aria-invalid="true"' in response.text
    assert 'href="#birth_year"' in response.text  # the summary at the top links to it
    assert year_of_birth(app, person[0]) is None


def test_the_year_is_kept_in_the_profile_and_the_enrol_step_follows(app, client, person):
    offering_id = create_offering(app, min_age=16)
    with app.app_context():
        service_accounts.save_profile(
            db.session, person[0], service_accounts.ProfileAnswers(gender=Gender.WOMAN), utcnow()
        )
        db.session.commit()
    response = post_year(client, offering_id, "1990")
    assert response.status_code == 302
    assert response.location == f"/en/offerings/{offering_id}/enrol"
    assert year_of_birth(app, person[0]) == (1990, Gender.WOMAN)  # the rest stays as it was
    step = client.get(response.location)
    assert step.status_code == 200
    assert f'action="/en/offerings/{offering_id}/enrol"' in step.text
    assert post_enrol(client, offering_id).status_code == 302
    assert places(app, offering_id) == [(person[0], EnrolmentStatus.CONFIRMED)]


def test_a_year_outside_the_limits_says_so_and_links_to_the_profile(app, client, person):
    offering_id = create_offering(app, min_age=18)
    this_year = utcnow().year
    assert post_year(client, offering_id, str(this_year - 10)).status_code == 302
    page = client.get(f"/en/offerings/{offering_id}/enrol")
    assert page.status_code == 409
    assert "aged 18 or over" in page.text
    assert f"/en/account/profile?offering={offering_id}" in page.text
    assert 'name="birth_year"' not in page.text.split('id="main"')[1]


def test_other_reasons_come_before_the_question(app, client, auth):
    offering_id = create_offering(app, min_age=18, residents_only=True)
    _user_id, email = create_user(app, municipality_slug="other")
    auth.login(email)
    page = client.get(f"/en/offerings/{offering_id}/enrol")
    assert page.status_code == 409
    assert "reserved to residents" in page.text
    assert 'name="birth_year"' not in page.text


def test_the_year_question_needs_a_login_and_a_public_offering(app, client, person):
    draft = create_offering(app, min_age=18, status=OfferingStatus.DRAFT)
    assert post_year(client, draft, "1990").status_code == 404
    assert post_year(client, 999999, "1990").status_code == 404
    anonymous = app.test_client()
    assert anonymous.post(f"/en/offerings/{draft}/enrol/birth-year").status_code in (302, 400)


def test_an_unknown_offering_is_not_found(client, person):
    assert client.get("/en/offerings/999999/enrol").status_code == 404
    assert post_enrol(client, 999999).status_code == 404


def test_enrolling_is_rate_limited_per_person(app, client, auth, rate_limits):
    offering_id = create_offering(app)
    url = f"/en/offerings/{offering_id}/enrol"
    first, second = create_user(app), create_user(app)
    auth.login(first[1])
    csrf = token(client)
    for _ in range(20):
        assert client.post(url, data={"csrf_token": csrf}).status_code == 302
    assert client.post(url, data={"csrf_token": csrf}).status_code == 429

    # Someone else behind the same address has their own allowance.
    auth.logout()
    auth.login(second[1])
    assert client.post(url, data={"csrf_token": token(client)}).status_code == 302
    assert [user for user, _status in places(app, offering_id)] == [first[0], second[0]]


@pytest.mark.parametrize("lang", LANGS)
def test_cancelling_a_confirmed_place_gives_it_to_the_first_waiting(app, client, person, lang):
    user_id, _email = person
    offering_id = create_offering(app, capacity=1)
    place_id = enrol_directly(app, offering_id, user_id)
    waiting_id, waiting_email = create_user(app)
    enrol_directly(app, offering_id, waiting_id)

    page = client.get(f"/{lang}/enrolments/{place_id}/cancel")
    assert page.status_code == 200
    assert f'action="/{lang}/enrolments/{place_id}/cancel"' in page.text
    response = client.post(
        f"/{lang}/enrolments/{place_id}/cancel", data={"csrf_token": csrf_token(page.text)}
    )

    assert response.status_code == 302
    assert response.location == f"/{lang}/account/"
    assert places(app, offering_id) == [
        (user_id, EnrolmentStatus.CANCELLED),
        (waiting_id, EnrolmentStatus.CONFIRMED),
    ]
    assert templates_sent_to(app, waiting_email) == ["enrolment_waiting", "enrolment_promoted"]
    if lang == "en":
        assert "has been cancelled" in client.get(response.location).text


def test_a_confirmed_place_cannot_be_cancelled_after_the_deadline(app, client, person):
    user_id, _email = person
    # Starts in 12 hours; places can be given back until 24 hours before.
    offering_id = create_offering(app, starts_in=timedelta(hours=12))
    place_id = enrol_directly(app, offering_id, user_id)

    page = client.get(f"/en/enrolments/{place_id}/cancel")
    assert page.status_code == 409
    assert "deadline" in page.text
    response = client.post(f"/en/enrolments/{place_id}/cancel", data={"csrf_token": token(client)})
    assert response.status_code == 409
    assert places(app, offering_id) == [(user_id, EnrolmentStatus.CONFIRMED)]


def test_cancelling_again_says_it_is_already_cancelled(app, client, person):
    user_id, _email = person
    offering_id = create_offering(app)
    place_id = enrol_directly(app, offering_id, user_id)
    csrf = token(client)
    url = f"/en/enrolments/{place_id}/cancel"
    assert client.post(url, data={"csrf_token": csrf}).status_code == 302
    assert client.post(url, data={"csrf_token": csrf}).status_code == 410
    assert client.get(url).status_code == 410


def test_someone_elses_enrolment_is_not_found(app, client, person):
    offering_id = create_offering(app)
    other_id, _email = create_user(app)
    place_id = enrol_directly(app, offering_id, other_id)

    assert client.get(f"/en/enrolments/{place_id}/cancel").status_code == 404
    response = client.post(f"/en/enrolments/{place_id}/cancel", data={"csrf_token": token(client)})
    assert response.status_code == 404
    assert client.get(f"/en/enrolments/{place_id}.ics").status_code == 404
    assert places(app, offering_id) == [(other_id, EnrolmentStatus.CONFIRMED)]


@pytest.mark.parametrize("lang", LANGS)
def test_an_enrolment_downloads_as_a_calendar_file(app, client, person, lang):
    offering_id = create_offering(app, sessions=2)
    place_id = enrol_directly(app, offering_id, person[0])

    response = client.get(f"/{lang}/enrolments/{place_id}.ics")

    assert response.status_code == 200
    assert response.content_type.startswith("text/calendar")
    assert "attachment" in response.headers["Content-Disposition"]
    events = Calendar.from_ical(response.data).walk("VEVENT")
    assert len(events) == 2
    expected = "Data for everyone" if lang == "en" else "Curso de prueba"
    assert str(events[0]["SUMMARY"]).startswith(expected)


def test_a_cancelled_enrolment_has_no_calendar_file(app, client, person):
    offering_id = create_offering(app)
    place_id = enrol_directly(app, offering_id, person[0])
    client.post(f"/en/enrolments/{place_id}/cancel", data={"csrf_token": token(client)})
    assert client.get(f"/en/enrolments/{place_id}.ics").status_code == 410


def test_enrolment_pages_need_a_login(app, client):
    offering_id = create_offering(app)
    other_id, _email = create_user(app)
    place_id = enrol_directly(app, offering_id, other_id)
    for url in (f"/en/enrolments/{place_id}/cancel", f"/en/enrolments/{place_id}.ics"):
        response = client.get(url)
        assert response.status_code == 302
        assert "/en/auth/login" in response.location

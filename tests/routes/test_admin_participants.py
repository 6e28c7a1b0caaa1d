"""The participants area of the back office through HTTP, in both languages."""

import io
import re
from types import SimpleNamespace

import openpyxl
import pytest
from sqlalchemy import func, select

from app.extensions import db
from app.models import (
    Attendance,
    AuditEntry,
    Enrolment,
    EnrolmentStatus,
    Offering,
    OutboxMessage,
    Role,
    User,
    utcnow,
)
from app.services import enrolment as places
from tests.conftest import csrf_token
from tests.factories import (
    make_offering,
    make_organisation,
    make_user,
    municipality,
    templates_to,
)
from tests.services.test_participants import bulk_enrol

LANGS = ("es", "en")


@pytest.fixture
def world(app):
    """Staff of one organisation, its offering (2 seats: Ana, Ben; Carla waiting) and
    another organisation's offering with a participant."""
    with app.app_context():
        session = db.session
        own = make_organisation(session)
        offering = make_offering(
            session, provider=own, capacity=2, sessions=2, title_en="Data for everyone"
        )
        foreign = make_offering(session, provider=make_organisation(session))
        staff = make_user(
            session, email="staff@example.org", role=Role.ORGANISATION_STAFF, organisation=own
        )
        resident = make_user(session, email="resident@example.org")

        def enrol(target, name, email):
            user = make_user(session, name=name, email=email)
            return places.enrol(session, offering_id=target.id, user_id=user.id, now=utcnow())

        ana = enrol(offering, "Ana Alonso", "ana@example.org")
        ben = enrol(offering, "Ben Bravo", "ben@example.org")
        carla = enrol(offering, "Carla Cruz", "carla@example.org")
        stranger = enrol(foreign, "Olga Otra", "olga@example.org")
        session.commit()
        return SimpleNamespace(
            offering=offering.id,
            session=offering.sessions[0].id,
            foreign=foreign.id,
            foreign_session=foreign.sessions[0].id,
            staff=staff.email,
            resident=resident.email,
            ana=ana.id,
            ben=ben.id,
            carla=carla.id,
            stranger=stranger.id,
        )


@pytest.fixture
def as_staff(auth, world):
    auth.login(world.staff)
    return world


def base(lang, world):
    return f"/{lang}/admin/offerings/{world.offering}"


def status_of(app, enrolment_id) -> EnrolmentStatus:
    with app.app_context():
        return db.session.get(Enrolment, enrolment_id).status


def audit_actions(app) -> list[str]:
    with app.app_context():
        return list(db.session.scalars(select(AuditEntry.action).order_by(AuditEntry.id)))


def post_form(client, url, data, page_url=None):
    """Submit a form as a browser would: with the CSRF token of the page it is on."""
    page = client.get(page_url or url)
    return client.post(url, data={"csrf_token": csrf_token(page.text), **data})


def input_tag(html: str, element_id: str) -> str:
    match = re.search(rf'<input[^>]*\bid="{element_id}"[^>]*>', html)
    assert match, f"no input #{element_id}"
    return match.group(0)


# The list


@pytest.mark.parametrize("lang", LANGS)
def test_the_list_shows_confirmed_and_waiting_with_position(client, as_staff, lang):
    response = client.get(f"{base(lang, as_staff)}/participants")

    assert response.status_code == 200
    page = response.text
    assert f'<html lang="{lang}">' in page
    assert page.index("Ana Alonso") < page.index("Ben Bravo") < page.index("Carla Cruz")
    assert "carla@example.org" in page
    assert f"/admin/enrolments/{as_staff.carla}/promote" in page
    assert f"/admin/enrolments/{as_staff.ana}/promote" not in page
    assert f"/sessions/{as_staff.session}/attendance" in page
    assert "what=attendance&amp;format=csv" in page
    carla_row = re.search(r"<tr>\s*<th scope=\"row\">Carla Cruz</th>.*?</tr>", page, re.S).group(0)
    assert re.search(r"<td[^>]*>1</td>", carla_row)  # first on the waiting list
    if lang == "en":
        assert "2 confirmed places of 2" in page


@pytest.mark.parametrize("lang", LANGS)
def test_search_and_filter_the_list(client, as_staff, lang):
    found = client.get(f"{base(lang, as_staff)}/participants?q=BRAVO")
    waiting = client.get(f"{base(lang, as_staff)}/participants?status=waiting")

    assert "Ben Bravo" in found.text and "Ana Alonso" not in found.text
    assert "Carla Cruz" in waiting.text and "Ben Bravo" not in waiting.text


@pytest.mark.parametrize(
    "query", ["per_page=7", "per_page=x", "page=abc", "page=0", "status=lost", "q=" + "x" * 101]
)
def test_bad_list_parameters_are_a_400_with_the_message(client, as_staff, query):
    response = client.get(f"{base('en', as_staff)}/participants?{query}")

    assert response.status_code == 400
    assert "Ana Alonso" not in response.text


def test_a_page_past_the_end_shows_the_last(client, as_staff):
    response = client.get(f"{base('en', as_staff)}/participants?page=99")

    assert response.status_code == 200
    assert "Ana Alonso" in response.text


def page_queries(client, count_queries, url) -> int:
    with count_queries() as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries)


def test_the_page_costs_the_same_queries_for_two_page_sizes_and_2000_people(
    app, client, as_staff, count_queries
):
    url = f"{base('en', as_staff)}/participants"
    few = page_queries(client, count_queries, f"{url}?per_page=25")
    with app.app_context():
        offering = db.session.get(Offering, as_staff.offering)
        bulk_enrol(db.session, offering, confirmed=1500, waiting=500)
        db.session.commit()

    small_pages = page_queries(client, count_queries, f"{url}?per_page=25")
    large_pages = page_queries(client, count_queries, f"{url}?per_page=200&page=9")
    waiting = page_queries(client, count_queries, f"{url}?status=waiting&q=bulk")

    assert few == small_pages == large_pages == waiting


def test_other_organisations_offerings_and_places_are_not_found(client, as_staff):
    world = as_staff
    urls = [
        f"/en/admin/offerings/{world.foreign}/participants",
        f"/en/admin/offerings/{world.foreign}/participants/enrol",
        f"/en/admin/offerings/{world.foreign}/completion",
        f"/en/admin/offerings/{world.foreign}/participants/message",
        f"/en/admin/offerings/{world.foreign}/participants/export",
        f"/en/admin/offerings/{world.foreign}/sessions/{world.foreign_session}/attendance",
        f"/en/admin/enrolments/{world.stranger}/promote",
        f"/en/admin/enrolments/{world.stranger}/cancel",
        # A session of another offering, under one's own offering.
        f"/en/admin/offerings/{world.offering}/sessions/{world.foreign_session}/attendance",
        f"/en/admin/offerings/{world.offering}/sessions/{world.foreign_session}/sign-in-sheet",
        "/en/admin/offerings/999999/participants",
    ]
    for url in urls:
        assert client.get(url).status_code == 404, url
    assert client.post(f"/en/admin/enrolments/{world.stranger}/cancel").status_code in (400, 404)


def test_residents_are_refused(client, auth, world):
    auth.login(world.resident)

    assert client.get(f"{base('en', world)}/participants").status_code == 403


def test_a_coordinator_sees_every_organisations_participants(app, client, auth, world):
    with app.app_context():
        coordinator = make_user(db.session, role=Role.COORDINATOR)
        db.session.commit()
        email = coordinator.email
    auth.login(email)

    assert client.get(f"/en/admin/offerings/{world.foreign}/participants").status_code == 200


# Enrolling on someone's behalf


@pytest.mark.parametrize("lang", LANGS)
def test_staff_enrol_an_existing_account_and_the_offering_being_full_they_wait(
    app, client, as_staff, lang
):
    with app.app_context():
        make_user(db.session, email="dora@example.org", name="Dora Díaz")
        db.session.commit()
    url = f"{base(lang, as_staff)}/participants/enrol"

    response = post_form(client, url, {"email": "Dora@Example.org", "language": "es"})

    assert response.status_code == 302
    assert response.location.endswith(f"/{lang}/admin/offerings/{as_staff.offering}/participants")
    listing = client.get(response.location).text
    assert "Dora Díaz" in listing
    if lang == "en":
        assert "The offering is full: Dora Díaz is number 2 on the waiting list." in listing
    assert audit_actions(app) == ["enrolment.create-on-behalf"]


def test_staff_open_an_account_for_a_new_address(app, client, as_staff):
    with app.app_context():
        majadahonda = municipality(db.session, "majadahonda").id
    url = f"{base('en', as_staff)}/participants/enrol"

    response = post_form(
        client,
        url,
        {
            "email": "eva@example.org",
            "name": "Eva Estévez",
            "municipality": str(majadahonda),
            "language": "en",
        },
    )

    assert response.status_code == 302
    assert "emailed a link to choose a password" in client.get(response.location).text
    with app.app_context():
        user = db.session.scalar(select(User).where(User.email == "eva@example.org"))
        assert user.name == "Eva Estévez" and user.municipality_id == majadahonda
        sent = templates_to(db.session, user.email)
    assert sent == ["account_opened_by_staff", "enrolment_waiting"]


@pytest.mark.parametrize("lang", LANGS)
def test_enrol_form_errors_are_shown_at_the_field(app, client, as_staff, lang):
    url = f"{base(lang, as_staff)}/participants/enrol"

    missing = post_form(client, url, {"email": "", "language": "es"})
    no_name = post_form(client, url, {"email": "new@example.org", "language": "es"})

    assert missing.status_code == 422
    email = input_tag(missing.text, "email")
    assert 'aria-invalid="true"' in email and "email-error" in email
    assert no_name.status_code == 422
    assert 'id="name-error"' in no_name.text
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(AuditEntry)) == 0
        assert db.session.scalar(select(User).where(User.email == "new@example.org")) is None


def test_an_ineligible_person_is_refused_with_the_reason(app, client, as_staff):
    with app.app_context():
        db.session.get(Offering, as_staff.offering).residents_only = True
        make_user(db.session, email="far@example.org", municipality_slug="other")
        db.session.commit()

    response = post_form(
        client,
        f"{base('en', as_staff)}/participants/enrol",
        {"email": "far@example.org", "language": "es"},
    )

    assert response.status_code == 409
    assert "reserved to residents" in response.text


# Promoting and cancelling by hand


@pytest.mark.parametrize("lang", LANGS)
def test_promoting_needs_a_free_seat_then_gives_it(app, client, as_staff, lang):
    url = f"/{lang}/admin/enrolments/{as_staff.carla}/promote"

    full = client.get(url)
    refused = post_form(client, url, {})
    assert full.status_code == 200
    assert "Carla Cruz" in full.text
    assert refused.status_code == 409
    assert status_of(app, as_staff.carla) == EnrolmentStatus.WAITING

    with app.app_context():
        db.session.get(Offering, as_staff.offering).capacity = 3
        db.session.commit()
    promoted = post_form(client, url, {})

    assert promoted.status_code == 302
    assert status_of(app, as_staff.carla) == EnrolmentStatus.CONFIRMED
    assert audit_actions(app) == ["enrolment.promote"]


@pytest.mark.parametrize("lang", LANGS)
def test_cancelling_a_place_gives_it_to_the_first_waiting(app, client, as_staff, lang):
    url = f"/{lang}/admin/enrolments/{as_staff.ana}/cancel"

    confirm = client.get(url)
    response = post_form(client, url, {})

    assert confirm.status_code == 200 and "Ana Alonso" in confirm.text
    assert response.status_code == 302
    assert status_of(app, as_staff.ana) == EnrolmentStatus.CANCELLED
    assert status_of(app, as_staff.carla) == EnrolmentStatus.CONFIRMED
    if lang == "en":
        assert "The place went to Carla Cruz" in client.get(response.location).text

    again = post_form(client, url, {})
    assert again.status_code == 410


# Attendance, completion, sign-in sheet


@pytest.mark.parametrize("lang", LANGS)
def test_attendance_at_the_door(app, client, as_staff, lang):
    url = f"{base(lang, as_staff)}/sessions/{as_staff.session}/attendance"

    form = client.get(url)
    assert form.status_code == 200
    assert f'value="{as_staff.ana}"' in form.text and "Ana Alonso" in form.text
    assert "Carla Cruz" not in form.text  # waiting: not expected at the door
    assert "css/participants.css" in form.text

    saved = post_form(client, url, {"present": [str(as_staff.ana)], "save": "1"})
    assert saved.status_code == 302
    again = client.get(saved.location).text
    assert " checked" in input_tag(again, "present-0")  # Ana, ticked as saved
    assert " checked" not in input_tag(again, "present-1")
    with app.app_context():
        marks = dict(db.session.execute(select(Attendance.enrolment_id, Attendance.present)).all())
    assert marks == {as_staff.ana: True, as_staff.ben: False}

    post_form(client, url, {"all_present": "1"})
    with app.app_context():
        assert db.session.scalar(select(func.count()).where(Attendance.present)) == 2

    nobody = post_form(client, url, {"save": "1"})  # no box ticked: everyone absent
    assert nobody.status_code == 302
    with app.app_context():
        assert db.session.scalar(select(func.count()).where(Attendance.present)) == 0


def test_attendance_refuses_someone_not_in_the_list(client, as_staff):
    url = f"{base('en', as_staff)}/sessions/{as_staff.session}/attendance"

    response = post_form(client, url, {"present": [str(as_staff.stranger)]})
    garbage = post_form(client, url, {"present": ["abc"]})

    assert response.status_code == 422
    assert garbage.status_code == 422


@pytest.mark.parametrize("lang", LANGS)
def test_completion_in_bulk(app, client, as_staff, lang):
    url = f"{base(lang, as_staff)}/completion"

    response = post_form(client, url, {"all_completed": "1"})

    assert response.status_code == 302
    with app.app_context():
        done = db.session.scalars(
            select(Enrolment.id).where(Enrolment.completed_at.is_not(None))
        ).all()
    assert sorted(done) == sorted([as_staff.ana, as_staff.ben])


@pytest.mark.parametrize("lang", LANGS)
def test_the_sign_in_sheet_lists_the_confirmed_with_a_signature_column(client, as_staff, lang):
    response = client.get(f"{base(lang, as_staff)}/sessions/{as_staff.session}/sign-in-sheet")

    assert response.status_code == 200
    page = response.text
    assert "Ana Alonso" in page and "Ben Bravo" in page and "Carla Cruz" not in page
    assert 'class="sign-in-signature"' in page
    assert "css/participants.css" in page
    assert "admin-nav" not in page


# Messages


@pytest.mark.parametrize("lang", LANGS)
def test_message_everyone_confirmed_and_waiting(app, client, as_staff, lang):
    url = f"{base(lang, as_staff)}/participants/message"

    response = post_form(
        client,
        url,
        {"audience": ["confirmed", "waiting"], "subject": "Room 2", "body": "See you there."},
    )

    assert response.status_code == 302
    with app.app_context():
        sent = db.session.scalars(
            select(OutboxMessage.to_address).where(OutboxMessage.template == "staff_message")
        ).all()
    assert sorted(sent) == ["ana@example.org", "ben@example.org", "carla@example.org"]
    assert audit_actions(app) == ["offering.message"]


def test_a_message_without_subject_or_audience_is_refused_at_the_fields(client, as_staff):
    url = f"{base('en', as_staff)}/participants/message"

    response = post_form(client, url, {"subject": "", "body": ""})

    assert response.status_code == 422
    assert 'id="audience-error"' in response.text
    assert 'id="subject-error"' in response.text


# Exports


@pytest.mark.parametrize("lang", LANGS)
def test_participants_export_in_excel(app, client, as_staff, lang):
    response = client.get(f"{base(lang, as_staff)}/participants/export?what=participants")

    assert response.status_code == 200
    assert response.mimetype.endswith("spreadsheetml.sheet")
    assert "attachment" in response.headers["Content-Disposition"]
    assert response.headers["Cache-Control"] == "no-store"
    sheet = openpyxl.load_workbook(io.BytesIO(response.data)).active
    assert [sheet.cell(row, 1).value for row in (2, 3, 4)] == [
        "Ana Alonso",
        "Ben Bravo",
        "Carla Cruz",
    ]
    if lang == "en":
        assert sheet["A1"].value == "Name"
    assert audit_actions(app) == ["export"]


@pytest.mark.parametrize("what", ["participants", "attendance", "waiting-list"])
def test_a_control_character_in_a_name_is_dropped_from_the_workbook(app, client, as_staff, what):
    """Sign-up takes any name but a NUL; one with a control character in it (the
    property tests found it) used to make every Excel export of the offering fail with 500:
    XML cannot carry the character, and openpyxl refused it."""
    with app.app_context():
        person = db.session.get(Enrolment, as_staff.carla).user
        person.name = "Carla\x01 Cruz\x1b"
        db.session.get(Enrolment, as_staff.ana).user.name = "Ana\x0b Alonso"
        db.session.commit()

    response = client.get(f"{base('es', as_staff)}/participants/export?what={what}")

    assert response.status_code == 200
    sheet = openpyxl.load_workbook(io.BytesIO(response.data)).active
    names = {cell.value for row in sheet.iter_rows(min_row=2) for cell in row}
    assert names & {"Carla Cruz", "Ana Alonso"}


def test_attendance_export_as_csv(client, as_staff):
    response = client.get(f"{base('en', as_staff)}/participants/export?what=attendance&format=csv")

    assert response.status_code == 200
    assert response.mimetype == "text/csv"
    assert response.data.startswith(b"\xef\xbb\xbfName;Email;")


@pytest.mark.parametrize("what", ["participants", "attendance"])
def test_a_csv_export_names_its_charset_once(client, as_staff, what):
    response = client.get(f"{base('es', as_staff)}/participants/export?what={what}&format=csv")

    assert response.status_code == 200
    assert response.headers.getlist("Content-Type") == ["text/csv; charset=utf-8"]


def test_an_unknown_export_is_not_found(client, as_staff):
    response = client.get(f"{base('en', as_staff)}/participants/export?what=all&format=pdf")

    assert response.status_code == 404


def test_exports_ask_for_the_password_again_after_a_while(app, client, as_staff):
    with client.session_transaction() as cookie:
        cookie["_fresh"] = False

    response = client.get(f"{base('en', as_staff)}/participants/export")

    assert response.status_code == 302
    assert "/auth/reauthenticate" in response.location
    assert audit_actions(app) == []

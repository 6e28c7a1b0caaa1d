"""Teachers and their classes through HTTP, in both languages: the offering page, joining a
school, registering a class, changing and cancelling it, and what a teacher may never see."""

import re

import pytest
from sqlalchemy import select

from app.models import (
    ClassRegistration,
    ClassRules,
    ClassStatus,
    MembershipStatus,
    OrganisationKind,
    OutboxMessage,
    Role,
    SchoolMembership,
    SchoolProposal,
    User,
    utcnow,
)
from app.services import schools
from tests.conftest import csrf_token
from tests.factories import (
    class_details,
    make_class_offering,
    make_school,
    make_teacher,
    make_user,
    municipality,
)

LANGS = ("es", "en")


@pytest.fixture
def world(session):
    school = make_school(session, name="CEIP Las Encinas")
    offering = make_class_offering(
        session, capacity=30, title_es="Laboratorio de luz", title_en="Light lab"
    )
    teacher = make_teacher(session, school, coordinator=True)
    session.commit()
    return {"school": school, "offering": offering, "teacher": teacher}


def post_form(client, page: str, data: dict, action: str | None = None):
    """GET the page, then POST ``data`` with its CSRF token to ``action`` (or the page)."""
    token = csrf_token(client.get(page).text)
    return client.post(action or page, data={"csrf_token": token, **data})


def class_form(offering, **fields) -> dict:
    data = {
        "session": offering.sessions[0].id,
        "group_name": "4º B",
        "stage": "primaria",
        "grade": "4º",
        "pupils": "20",
        "teachers": "2",
        "phone": "600 111 222",
    }
    return {**data, **fields}


def registrations(session) -> list[ClassRegistration]:
    session.expire_all()
    return session.scalars(select(ClassRegistration).order_by(ClassRegistration.id)).all()


@pytest.mark.parametrize("lang", LANGS)
def test_the_offering_page_says_how_classes_register_and_offers_it_to_a_teacher(
    client, auth, world, lang
):
    page = f"/{lang}/offerings/{world['offering'].id}"
    anonymous = client.get(page)
    auth.login(world["teacher"].email, lang=lang)
    teacher = client.get(page)

    register = f"/{lang}/schools/offerings/{world['offering'].id}/register"
    assert anonymous.status_code == teacher.status_code == 200
    assert register not in anonymous.text and "/auth/sign" in anonymous.text
    assert register in teacher.text
    assert teacher.text.count('<time datetime="') >= 2  # a row per session with its seats
    words = {"es": "Las plazas son alumnos", "en": "Seats are pupils"}
    assert words[lang] in teacher.text


@pytest.mark.parametrize("lang", LANGS)
def test_open_data_cards_and_page_give_the_pupils_seats_still_free(client, session, world, lang):
    """Two sessions of 30 and a class of 20 in the first: 40 seats are free, not the 30 of
    the offering's capacity, in the API, the catalogue's card and the offering's page."""
    offering = world["offering"]
    schools.register_class(
        session,
        offering_id=offering.id,
        teacher_id=world["teacher"].id,
        session_ids=[offering.sessions[0].id],
        details=class_details(pupils=20),
        now=utcnow(),
    )
    session.commit()
    free = sum(meeting.left for meeting in schools.session_seats(session, offering))
    assert free == 2 * offering.capacity - 20

    listed = client.get("/api/v1/offerings?kind=science-week-activity").get_json()["items"]
    one = client.get(f"/api/v1/offerings/{offering.id}").get_json()
    said = {"es": f"{free} plazas de alumnado libres", "en": f"{free} pupil seats left"}[lang]
    card = client.get(f"/{lang}/offerings/?q=Laboratorio").text
    page = client.get(f"/{lang}/offerings/{offering.id}").text

    assert [item["places_left"] for item in listed if item["id"] == offering.id] == [free]
    assert one["places_left"] == free and one["capacity"] == offering.capacity
    assert said in card and said in page


@pytest.mark.parametrize("lang", LANGS)
def test_a_teacher_registers_a_class_and_sees_it_on_the_school_page(
    client, auth, session, world, lang
):
    auth.login(world["teacher"].email, lang=lang)
    page = f"/{lang}/schools/offerings/{world['offering'].id}/register"

    response = post_form(client, page, class_form(world["offering"]))

    assert response.status_code == 302
    (reg,) = registrations(session)
    assert (reg.status, reg.pupils, reg.school_id) == (
        ClassStatus.CONFIRMED,
        20,
        world["school"].id,
    )
    school_page = client.get(f"/{lang}/schools/")
    assert f'id="registration-{reg.id}"' in school_page.text


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize(
    ("fields", "field", "words"),
    [
        ({"pupils": "31"}, "pupils", {"es": "más grande que la sesión", "en": "bigger than"}),
        ({"pupils": "0"}, "pupils", {"es": "al menos un alumno", "en": "one pupil at least"}),
        ({"pupils": "-4"}, "pupils", {"es": "al menos un alumno", "en": "one pupil at least"}),
        ({"teachers": "0"}, "teachers", {"es": "docentes acompañantes", "en": "accompanying"}),
    ],
)
def test_bad_input_is_refused_at_its_field_in_the_language_and_nothing_is_stored(
    client, auth, session, world, lang, fields, field, words
):
    auth.login(world["teacher"].email, lang=lang)
    page = f"/{lang}/schools/offerings/{world['offering'].id}/register"

    response = post_form(client, page, class_form(world["offering"], **fields))

    assert response.status_code == 422
    error = re.search(rf'id="{field}-error"[^>]*>([^<]+)<', response.text)
    assert error and words[lang] in error.group(1)
    assert registrations(session) == []


def test_a_session_of_another_offering_is_refused(client, auth, session, world):
    other = make_class_offering(session)
    session.commit()
    auth.login(world["teacher"].email)
    page = f"/es/schools/offerings/{world['offering'].id}/register"

    response = post_form(client, page, class_form(world["offering"], session=other.sessions[0].id))

    assert response.status_code == 422
    assert registrations(session) == []


def test_a_second_class_over_the_cap_is_refused_with_the_reason(client, auth, session, world):
    session.add(ClassRules(offering_id=world["offering"].id, max_classes_per_school=1))
    session.commit()
    auth.login(world["teacher"].email, lang="en")
    page = f"/en/schools/offerings/{world['offering'].id}/register"
    post_form(client, page, class_form(world["offering"]))

    response = post_form(client, page, class_form(world["offering"], group_name="5º A"))

    assert response.status_code == 409
    assert "1 classes at most" in response.text
    assert len(registrations(session)) == 1


def test_a_closed_offering_says_so_on_the_registration_page(client, auth, session, world):
    world["offering"].enrolment_closes = utcnow()
    session.commit()
    auth.login(world["teacher"].email, lang="en")

    response = client.get(f"/en/schools/offerings/{world['offering'].id}/register")

    assert response.status_code == 410
    assert "deadline" in response.text


def test_someone_not_a_teacher_is_told_how_to_join(client, auth, session, world):
    resident = make_user(session)
    session.commit()
    auth.login(resident.email, lang="en")

    response = client.get(f"/en/schools/offerings/{world['offering'].id}/register")

    assert response.status_code == 403
    assert "/en/schools/join" in response.text


@pytest.mark.parametrize("lang", LANGS)
def test_the_teacher_changes_the_headcount_then_cancels(client, auth, session, world, lang):
    reg = schools.register_class(
        session,
        offering_id=world["offering"].id,
        teacher_id=world["teacher"].id,
        session_ids=[world["offering"].sessions[0].id],
        details=class_details(pupils=20),
        now=utcnow(),
    )
    session.commit()
    auth.login(world["teacher"].email, lang=lang)

    edited = post_form(
        client, f"/{lang}/schools/registrations/{reg.id}/edit", {"pupils": "18", "teachers": "2"}
    )
    too_many = post_form(
        client, f"/{lang}/schools/registrations/{reg.id}/edit", {"pupils": "40", "teachers": "2"}
    )
    cancelled = post_form(client, f"/{lang}/schools/registrations/{reg.id}/cancel", {})

    assert (edited.status_code, too_many.status_code, cancelled.status_code) == (302, 422, 302)
    (stored,) = registrations(session)
    assert (stored.status, stored.pupils) == (ClassStatus.CANCELLED, 18)
    assert stored.headcount_confirmed_at is not None


def test_a_teacher_never_reaches_another_schools_registration_by_id(client, auth, session, world):
    other_school = make_school(session)
    other_teacher = make_teacher(session, other_school)
    theirs = schools.register_class(
        session,
        offering_id=world["offering"].id,
        teacher_id=other_teacher.id,
        session_ids=[world["offering"].sessions[0].id],
        details=class_details(group_name="Clase secreta"),
        now=utcnow(),
    )
    session.commit()
    auth.login(world["teacher"].email)

    answers = [
        client.get(f"/es/schools/registrations/{theirs.id}/{action}").status_code
        for action in ("edit", "move", "cancel")
    ]
    posted = post_form(
        client,
        "/es/schools/",
        {"pupils": "1", "teachers": "1"},
        action=f"/es/schools/registrations/{theirs.id}/edit",
    )

    assert answers == [404, 404, 404]
    assert posted.status_code == 404
    assert "Clase secreta" not in client.get("/es/schools/").text
    assert registrations(session)[0].pupils == 20


def test_a_teacher_asks_to_join_and_a_colleague_approves(client, auth, session, world):
    newcomer = make_user(session, email="nueva@example.org")
    session.commit()
    auth.login(newcomer.email)
    asked = post_form(client, "/es/schools/join", {"school": world["school"].id})
    auth.logout()
    auth.login(world["teacher"].email)
    membership = session.scalars(
        select(SchoolMembership).where(SchoolMembership.user_id == newcomer.id)
    ).one()

    approved = post_form(
        client, "/es/schools/teachers", {}, action=f"/es/schools/teachers/{membership.id}/approve"
    )

    assert (asked.status_code, approved.status_code) == (302, 302)
    session.expire_all()
    user = session.get(User, newcomer.id)
    assert (user.role, user.organisation_id) == (Role.SCHOOL_STAFF, world["school"].id)
    assert session.get(SchoolMembership, membership.id).status == MembershipStatus.APPROVED


def test_a_school_not_on_the_map_is_proposed_and_waits_for_review(client, auth, session):
    newcomer = make_user(session)
    session.commit()
    auth.login(newcomer.email, lang="en")

    response = post_form(
        client,
        "/en/schools/join",
        {"school": "", "name": "IES Nuevo Horizonte", "municipality": municipality(session).id},
    )

    assert response.status_code == 302
    proposal = session.scalars(select(SchoolProposal)).one()
    assert proposal.organisation.kind == OrganisationKind.SCHOOL and proposal.is_pending
    # Not offered to other teachers until staff have reviewed it.
    assert proposal.organisation not in schools.joinable_schools(session)


def test_the_coordinator_invites_and_the_link_makes_a_teacher(client, auth, session, world):
    invited = make_user(session, email="invitada@example.org")
    session.commit()
    auth.login(world["teacher"].email)
    sent = post_form(
        client,
        "/es/schools/teachers",
        {"email": "invitada@example.org"},
        action="/es/schools/teachers/invite",
    )
    message = session.scalars(
        select(OutboxMessage).where(OutboxMessage.template == "school_invitation")
    ).one()
    link = re.search(r"(/es/schools/invitations/[^\s\"<]+)", message.body_text).group(1)
    auth.logout()
    auth.login(invited.email)

    accepted = post_form(client, link, {})

    assert (sent.status_code, accepted.status_code) == (302, 302)
    session.expire_all()
    assert session.get(User, invited.id).organisation_id == world["school"].id


def test_an_invitation_for_another_address_is_refused(client, auth, session, world):
    token = schools.invite(
        session,
        actor=world["teacher"],
        school_id=world["school"].id,
        email="someone@example.org",
        coordinator=False,
        lang="es",
    )
    intruder = make_user(session)
    session.commit()
    auth.login(intruder.email)

    response = post_form(client, f"/es/schools/invitations/{token}", {})

    assert response.status_code == 403
    session.expire_all()
    assert session.get(User, intruder.id).role == Role.RESIDENT
    assert client.get("/es/schools/invitations/not-a-token").status_code == 400


@pytest.mark.parametrize("lang", LANGS)
def test_a_teachers_data_copy_holds_their_classes_and_schools(client, auth, session, world, lang):
    offering, teacher = world["offering"], world["teacher"]
    mine = schools.register_class(
        session,
        offering_id=offering.id,
        teacher_id=teacher.id,
        session_ids=[offering.sessions[0].id],
        details=class_details(group_name="5º A", pupils=12, phone="611 222 333"),
        now=utcnow(),
    )
    colleague = make_teacher(session, world["school"])
    schools.register_class(
        session,
        offering_id=offering.id,
        teacher_id=colleague.id,
        session_ids=[offering.sessions[0].id],
        details=class_details(group_name="5º B"),
        now=utcnow(),
    )
    session.commit()
    auth.login(teacher.email, lang=lang)

    said = {"es": "los grupos que inscribiste", "en": "the classes you registered"}[lang]
    assert said in client.get(f"/{lang}/account/").text
    data = client.get(f"/{lang}/account/export").get_json()

    [exported] = data["class_registrations"]  # not the colleague's class of the same school
    assert exported["id"] == mine.id
    assert exported["offering"]["title"] == {"es": "Laboratorio de luz", "en": "Light lab"}
    assert (exported["school"], exported["group_name"]) == ("CEIP Las Encinas", "5º A")
    assert (exported["pupils"], exported["phone"], exported["status"]) == (
        12,
        "611 222 333",
        "confirmed",
    )
    assert [event["reason"] for event in exported["history"]] == ["registered"]
    [membership] = data["school_memberships"]
    assert (membership["school"], membership["status"], membership["coordinator"]) == (
        "CEIP Las Encinas",
        "approved",
        True,
    )
    assert data["schools_proposed"] == []

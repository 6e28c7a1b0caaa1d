"""The back office's class registrations and teachers, through HTTP: lists and filters,
exports, confirm, move, decline, pupils who came, rules per session, approvals; and staff
never reach another organisation's classes."""

import csv
import io
from datetime import timedelta

import pytest
from openpyxl import load_workbook
from sqlalchemy import select

from app.models import (
    AuditEntry,
    ClassRegistration,
    ClassRules,
    ClassSession,
    ClassStatus,
    OutboxMessage,
    Role,
    SchoolProposal,
    User,
    utcnow,
)
from app.services import schools
from tests.conftest import csrf_token
from tests.factories import (
    class_details,
    make_class_offering,
    make_organisation,
    make_school,
    make_teacher,
    make_user,
)

LANGS = ("es", "en")


@pytest.fixture
def world(session):
    provider = make_organisation(session, name="Fundación Ciencia")
    offering = make_class_offering(session, provider=provider, capacity=30, sessions=2)
    school = make_school(session, name="IES Los Robles")
    teacher = make_teacher(session, school, email="profe@example.org")
    staff = make_user(session, role=Role.ORGANISATION_STAFF, organisation=provider)

    def register(pupils, **fields):
        return schools.register_class(
            session,
            offering_id=offering.id,
            teacher_id=teacher.id,
            session_ids=[offering.sessions[0].id],
            details=class_details(pupils=pupils, **fields),
            now=utcnow(),
        )

    confirmed = register(25, group_name="3º A")
    waiting = register(10, group_name="3º B")
    session.commit()
    return {
        "offering": offering,
        "staff": staff,
        "teacher": teacher,
        "confirmed": confirmed,
        "waiting": waiting,
    }


def post_form(client, page, data, action=None):
    token = csrf_token(client.get(page).text)
    return client.post(action or page, data={"csrf_token": token, **data})


def fresh(session, reg) -> ClassRegistration:
    session.expire_all()
    return session.get(ClassRegistration, reg.id)


@pytest.mark.parametrize("lang", LANGS)
def test_staff_list_and_filter_the_classes_of_their_offering(client, auth, world, lang):
    auth.login(world["staff"].email, lang=lang)
    base = f"/{lang}/admin/offerings/{world['offering'].id}/classes"

    everything = client.get(base)
    waiting = client.get(f"{base}?status=waiting")
    bad = client.get(f"{base}?page=0")

    assert everything.status_code == waiting.status_code == 200
    assert f'id="class-{world["confirmed"].id}"' in everything.text
    assert f'id="class-{world["waiting"].id}"' in waiting.text
    assert f'id="class-{world["confirmed"].id}"' not in waiting.text
    assert bad.status_code == 400


def test_staff_of_another_organisation_never_reach_these_classes(client, auth, session, world):
    outsider = make_user(
        session, role=Role.ORGANISATION_STAFF, organisation=make_organisation(session)
    )
    session.commit()
    auth.login(outsider.email)
    reg = world["confirmed"].id

    answers = [
        client.get(f"/es/admin/offerings/{world['offering'].id}/classes").status_code,
        *(
            client.get(f"/es/admin/classes/{reg}/{action}").status_code
            for action in ("confirm", "move", "decline", "attendance")
        ),
    ]

    assert answers == [404] * 5


@pytest.mark.parametrize("fmt", ["xlsx", "csv"])
def test_the_export_lists_every_class_and_is_audited(client, auth, session, world, fmt):
    auth.login(world["staff"].email)

    response = client.get(f"/es/admin/offerings/{world['offering'].id}/classes/export?format={fmt}")

    assert response.status_code == 200
    if fmt == "csv":
        assert response.data.startswith(b"\xef\xbb\xbf")  # the BOM Excel needs
        rows = list(csv.reader(io.StringIO(response.data.decode("utf-8-sig")), delimiter=";"))
    else:
        sheet = load_workbook(io.BytesIO(response.data)).active
        rows = [[cell.value for cell in row] for row in sheet.iter_rows()]
    assert rows[0][:2] == ["Centro educativo", "Grupo"]
    assert sorted(row[1] for row in rows[1:]) == ["3º A", "3º B"]
    entry = session.scalars(select(AuditEntry).where(AuditEntry.action == "export")).one()
    assert entry.after == {"what": "classes", "format": fmt, "rows": 2}


def test_declining_with_a_reason_emails_it_and_promotes_the_waiting(client, auth, session, world):
    auth.login(world["staff"].email)
    page = f"/es/admin/classes/{world['confirmed'].id}/decline"

    empty = post_form(client, page, {"reason": ""})
    declined = post_form(client, page, {"reason": "El aula no es accesible"})

    assert (empty.status_code, declined.status_code) == (422, 302)
    assert fresh(session, world["confirmed"]).status == ClassStatus.DECLINED
    assert fresh(session, world["waiting"]).status == ClassStatus.CONFIRMED
    templates = session.scalars(select(OutboxMessage.template)).all()
    assert {"class_declined", "class_promoted"} <= set(templates)
    assert session.scalars(select(AuditEntry).where(AuditEntry.action == "class.decline")).one()


def test_staff_move_a_class_to_a_session_with_room(client, auth, session, world):
    auth.login(world["staff"].email, lang="en")
    page = f"/en/admin/classes/{world['confirmed'].id}/move"
    second = world["offering"].sessions[1].id

    nothing = post_form(client, page, {"session": ""})
    moved = post_form(client, page, {"session": second})

    assert (nothing.status_code, moved.status_code) == (422, 302)
    reg = fresh(session, world["confirmed"])
    assert (reg.status, reg.session_id) == (ClassStatus.CONFIRMED, second)
    assert fresh(session, world["waiting"]).status == ClassStatus.CONFIRMED


def test_confirming_a_class_that_does_not_fit_is_refused_and_changes_nothing(
    client, auth, session, world
):
    big = schools.register_class(
        session,
        offering_id=world["offering"].id,
        teacher_id=world["teacher"].id,
        session_ids=[world["offering"].sessions[0].id],
        details=class_details(pupils=30, group_name="4º C"),
        now=utcnow(),
    )
    session.commit()
    auth.login(world["staff"].email)

    response = post_form(client, f"/es/admin/classes/{big.id}/confirm", {})

    assert response.status_code == 409
    assert fresh(session, big).status == ClassStatus.WAITING
    assert session.get(ClassSession, world["offering"].sessions[0].id).pupils_taken == 25


def test_marking_the_pupils_who_came(client, auth, session, world):
    auth.login(world["staff"].email)
    page = f"/es/admin/classes/{world['confirmed'].id}/attendance"

    too_many = post_form(client, page, {"pupils_present": "26"})
    saved = post_form(client, page, {"pupils_present": "23"})

    assert (too_many.status_code, saved.status_code) == (422, 302)
    assert fresh(session, world["confirmed"]).pupils_present == 23


def test_rules_per_offering_and_capacity_per_session(client, auth, session, world):
    auth.login(world["staff"].email)
    page = f"/es/admin/offerings/{world['offering'].id}/classes/rules"
    data = {
        "stages": ["primaria", "eso"],
        "max_classes_per_school": "2",
        "pupils_per_teacher": "12",
        "capacities-0": "35",
        "capacities-1": "30",
    }

    below = post_form(client, page, {**data, "capacities-0": "20"})
    saved = post_form(client, page, data)

    assert (below.status_code, saved.status_code) == (422, 302)
    session.expire_all()
    rules = session.get(ClassRules, world["offering"].id)
    assert (rules.stages, rules.max_classes_per_school, rules.pupils_per_teacher) == (
        "primaria|eso",
        2,
        12,
    )
    assert session.get(ClassSession, world["offering"].sessions[0].id).capacity == 35
    assert fresh(session, world["waiting"]).status == ClassStatus.CONFIRMED  # 25 + 10 <= 35


def test_partnership_staff_approve_a_teacher_and_a_proposed_school(client, auth, session):
    coordinator = make_user(session, role=Role.COORDINATOR)
    newcomer = make_user(session)
    membership = schools.request_membership(
        session,
        user_id=newcomer.id,
        proposed_name="Colegio Nuevo",
        municipality_id=newcomer.municipality_id,
        now=utcnow(),
    )
    session.commit()
    auth.login(coordinator.email, lang="en")

    page = client.get("/en/admin/teachers")
    approved = post_form(
        client, "/en/admin/teachers", {}, f"/en/admin/teachers/{membership.id}/approve"
    )
    school = post_form(
        client, "/en/admin/teachers", {}, f"/en/admin/schools/{membership.organisation_id}/approve"
    )

    assert page.status_code == 200 and "Colegio Nuevo" in page.text
    assert (approved.status_code, school.status_code) == (302, 302)
    session.expire_all()
    assert session.get(User, newcomer.id).role == Role.SCHOOL_STAFF
    assert not session.get(SchoolProposal, membership.organisation_id).is_pending


def test_a_declined_class_keeps_its_reason_on_the_school_page(client, auth, session, world):
    schools.end_class(
        session,
        world["confirmed"],
        actor_id=world["staff"].id,
        now=utcnow() + timedelta(minutes=1),
        reason="Aforo reducido",
    )
    session.commit()
    auth.login(world["teacher"].email)

    assert "Aforo reducido" in client.get("/es/schools/").text


@pytest.mark.parametrize("lang", LANGS)
def test_cancelling_a_class_offering_ends_its_classes_and_tells_the_teacher(
    client, auth, session, world, lang
):
    auth.login(world["staff"].email, lang=lang)
    page = f"/{lang}/admin/offerings/{world['offering'].id}/cancel"
    counted = {"es": "2 grupos están confirmados", "en": "2 classes are confirmed or waiting"}

    assert counted[lang] in client.get(page).text
    response = post_form(client, page, {"confirm": "y"})

    assert response.status_code == 302
    told = {"es": "al profesorado de 2 grupos", "en": "teachers of 2 classes"}
    assert told[lang] in client.get(response.location).text
    for reg in (world["confirmed"], world["waiting"]):
        assert fresh(session, reg).status == ClassStatus.OFFERING_CANCELLED
    templates = session.scalars(select(OutboxMessage.template)).all()
    assert templates.count("class_offering_cancelled") == 2

    auth.login(world["teacher"].email, lang=lang)
    school_page = client.get(f"/{lang}/schools/").text
    assert {"es": "Actividad cancelada", "en": "Offering cancelled"}[lang] in school_page

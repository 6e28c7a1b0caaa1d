"""A teacher's whole way in, in a real browser and in both languages: sign up, ask to join
the school (its coordinator approves it), register a class from the offering's page with
the keyboard alone, change its headcount, register a second class that waits, and cancel
the first, which gives its seats to the second. Every page on the way passes axe.

Selectors are ids, names, URLs and landmarks, never translated words.
"""

import re

import pytest
from sqlalchemy import select

from app.extensions import db
from app.models import ClassRegistration, ClassStatus, OutboxMessage
from tests.browser.helpers import check_page, log_in, path, press_enter, submit, tab_to
from tests.factories import (
    DEFAULT_PASSWORD,
    make_class_offering,
    make_school,
    make_teacher,
    municipality,
)

CONFIRM_LINK = re.compile(r"https?://\S+(/(?:es|en)/auth/confirm/\S+)")


@pytest.fixture
def world(app):
    """A Science Week activity with one session of 30 pupils, and a school whose
    coordinator approves newcomers."""
    with app.app_context():
        offering = make_class_offering(
            db.session, capacity=30, sessions=1, title_es="Luz y color", title_en="Light and colour"
        )
        school = make_school(db.session, name="CEIP Las Acacias")
        coordinator = make_teacher(db.session, school, coordinator=True)
        db.session.commit()
        return {
            "offering": offering.id,
            "school": school.id,
            "coordinator": coordinator.email,
            "las_rozas": municipality(db.session).id,
        }


def type_into(page, selector: str, text: str) -> None:
    """Reach a field with Tab and type, replacing what it held."""
    tab_to(page, selector)
    page.keyboard.press("Control+A")
    page.keyboard.type(text)


def classes(app) -> list[tuple[str, ClassStatus, int]]:
    with app.app_context():
        return db.session.execute(
            select(
                ClassRegistration.group_name, ClassRegistration.status, ClassRegistration.pupils
            ).order_by(ClassRegistration.id)
        ).all()


def class_ids(app) -> list[int]:
    with app.app_context():
        return db.session.scalars(select(ClassRegistration.id).order_by(ClassRegistration.id)).all()


def sign_up(app, page, lang, email, world):
    page.goto(f"/{lang}/auth/signup")
    page.fill("#name", "Elena Profesora")
    page.fill("#email", email)
    page.fill("#password", DEFAULT_PASSWORD)
    page.fill("#confirm", DEFAULT_PASSWORD)
    page.select_option("#municipality", str(world["las_rozas"]))
    submit(page)
    with app.app_context():
        message = db.session.scalars(select(OutboxMessage).filter_by(to_address=email)).one()
    page.goto(CONFIRM_LINK.search(message.body_text).group(1))
    assert log_in(page, email, lang=lang) == 200


@pytest.mark.parametrize("lang", ["es", "en"])
def test_a_teacher_joins_registers_a_class_by_keyboard_changes_it_and_cancels(
    app, open_page, assert_accessible, world, lang
):
    email = f"elena.{lang}@example.org"
    offering_page = f"/{lang}/offerings/{world['offering']}"
    register_path = f"/{lang}/schools/offerings/{world['offering']}/register"
    page = open_page(locale="en-GB" if lang == "en" else "es-ES")
    sign_up(app, page, lang, email, world)

    # Ask to join the school; until approved, the offering page says what to do.
    check_page(page, assert_accessible, lang, "/schools/join")
    page.select_option("#school", str(world["school"]))
    assert submit(page) == 200
    check_page(page, assert_accessible, lang, f"/offerings/{world['offering']}")
    assert page.locator(f"main a[href='{register_path}']").count() == 0

    # The coordinator approves the request from the school's teachers page.
    colleague = open_page()
    log_in(colleague, world["coordinator"], lang=lang)
    check_page(colleague, assert_accessible, lang, "/schools/teachers")
    submit(colleague, "main form[action*='/approve']")
    assert path(colleague) == f"/{lang}/schools/teachers"

    # Register a class with Tab, Space, arrows and Enter only.
    check_page(page, assert_accessible, lang, f"/offerings/{world['offering']}")
    tab_to(page, f"main a[href='{register_path}']")
    press_enter(page)
    assert path(page) == register_path
    check_page(page, assert_accessible, lang)
    tab_to(page, "#session-0")
    page.keyboard.press("Space")
    type_into(page, "#group_name", "4º B")
    tab_to(page, "#stage")
    page.keyboard.press("ArrowDown")
    page.keyboard.press("ArrowDown")  # the second stage: Primaria
    type_into(page, "#grade", "4º")
    type_into(page, "#pupils", "20")
    type_into(page, "#teachers", "2")
    type_into(page, "#phone", "600 123 456")
    assert press_enter(page) == 200
    assert path(page) == f"/{lang}/schools/"
    assert classes(app) == [("4º B", ClassStatus.CONFIRMED, 20)]
    check_page(page, assert_accessible, lang)

    # Fewer pupils: the headcount is changed and confirmed.
    (first_id,) = class_ids(app)
    tab_to(page, f"main a[href='/{lang}/schools/registrations/{first_id}/edit']")
    press_enter(page)
    check_page(page, assert_accessible, lang)
    type_into(page, "#pupils", "18")
    assert press_enter(page) == 200
    assert classes(app) == [("4º B", ClassStatus.CONFIRMED, 18)]

    # A second class of 15 does not fit in the 12 seats left: it waits, whole.
    page.goto(register_path)
    page.check("#session-0")
    page.fill("#group_name", "5º A")
    page.select_option("#stage", "primaria")
    page.fill("#grade", "5º")
    page.fill("#pupils", "15")
    page.fill("#teachers", "2")
    page.fill("#phone", "600 123 456")
    submit(page, f"main form[action='{register_path}']")
    assert classes(app)[1] == ("5º A", ClassStatus.WAITING, 15)

    # Cancelling the first gives its seats to the second, whose teacher is told.
    cancel_path = f"/{lang}/schools/registrations/{first_id}/cancel"
    tab_to(page, f"main a[href='{cancel_path}']")
    press_enter(page)
    check_page(page, assert_accessible, lang)
    tab_to(page, f"main form[action='{cancel_path}'] button[type=submit]")
    press_enter(page)
    assert [status for _name, status, _pupils in classes(app)] == [
        ClassStatus.CANCELLED,
        ClassStatus.CONFIRMED,
    ]
    with app.app_context():
        told = db.session.scalars(select(OutboxMessage.template).filter_by(to_address=email))
        assert "class_promoted" in told.all()
    check_page(page, assert_accessible, lang, offering_page.removeprefix(f"/{lang}"))

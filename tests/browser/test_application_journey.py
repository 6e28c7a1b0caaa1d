"""Calls for applications in a real browser, keyboard only, axe-clean in both languages: a
founder applies with a PDF pitch deck, a staff reviewer scores and accepts, the decisions
are sent and the founder confirms; then a second founder, on the reserve list, is offered
the place when the first withdraws (without JavaScript).

Selectors are ids, names, URLs and landmarks, never translated words.
"""

import pytest
from sqlalchemy import select

from app.extensions import db
from app.models import (
    Application,
    ApplicationStatus,
    CallReviewer,
    Decision,
    Offering,
    OutboxMessage,
    Role,
    User,
    utcnow,
)
from app.services import applications
from tests.browser.helpers import check_page, log_in, path, press_enter, tab_to
from tests.factories import make_application, make_call, make_organisation, make_user

PDF = b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n"


@pytest.fixture
def world(app):
    with app.app_context():
        session = db.session
        own = make_organisation(session, name="Impulsa Oeste Pruebas")
        call = make_call(session, provider=own, capacity=1, title_es="Aceleradora de prueba")
        staff = make_user(session, role=Role.ORGANISATION_STAFF, organisation=own)
        session.add(CallReviewer(offering_id=call.id, user_id=staff.id))
        founder = make_user(session)
        session.commit()
        return {"call": call.id, "staff": staff.email, "founder": founder.email}


def type_into(page, selector, text):
    tab_to(page, selector)
    page.keyboard.type(text)


def log_out(page):
    page.locator("header form[action$='/auth/logout'] button").click()
    page.wait_for_load_state()


@pytest.mark.parametrize("lang", ["es", "en"])
def test_a_founder_applies_staff_score_and_accept_the_founder_confirms(
    app, open_page, world, assert_accessible, tmp_path, lang
):
    call = world["call"]
    deck = tmp_path / "pitch.pdf"
    deck.write_bytes(PDF)
    page = open_page(locale="es-ES" if lang == "es" else "en-GB")

    # The founder finds the call on the offering's page and applies, by keyboard.
    log_in(page, world["founder"], lang=lang)
    check_page(page, assert_accessible, lang, f"/offerings/{call}")
    page.evaluate("() => document.activeElement.blur()")
    tab_to(page, f"main a[href='/{lang}/offerings/{call}/apply']")
    assert press_enter(page) == 200
    check_page(page, assert_accessible, lang)
    page.evaluate("() => document.activeElement.blur()")
    type_into(page, "#project_name", "Huerta Digital")
    type_into(page, "#description", "Sensores para huertos urbanos municipales.")
    tab_to(page, "#stage")
    page.keyboard.press("ArrowDown")  # the first stage after "choose one"
    type_into(page, "#sector", "Agricultura")
    type_into(page, "#team_size", "2")
    type_into(page, "#expectations", "Mentoría y primeros clientes.")
    tab_to(page, "#pitch_deck")
    page.set_input_files("#pitch_deck", str(deck))  # a file chooser cannot be typed into
    tab_to(page, "#submit")
    assert press_enter(page) == 200
    assert path(page).startswith(f"/{lang}/applications/")
    check_page(page, assert_accessible, lang)
    check_page(page, assert_accessible, lang, "/account/applications")
    log_out(page)

    # The reviewer scores it, then staff accept it and send the decisions.
    log_in(page, world["staff"], lang=lang)
    with app.app_context():
        application = db.session.scalars(select(Application)).one()
        criteria = applications.criteria(db.session, call)
    check_page(page, assert_accessible, lang, f"/reviews/calls/{call}")
    check_page(page, assert_accessible, lang, f"/reviews/{application.id}")
    page.evaluate("() => document.activeElement.blur()")
    for criterion in criteria:
        type_into(page, f"#score_{criterion.id}", str(criterion.scale_max))
    type_into(page, "#comment", "Equipo sólido")
    tab_to(page, f"main form[action$='/reviews/{application.id}'] button[type=submit]")
    assert press_enter(page) == 200
    check_page(page, assert_accessible, lang)  # now with every review shown
    check_page(page, assert_accessible, lang, f"/admin/offerings/{call}/applications")
    check_page(page, assert_accessible, lang, f"/admin/applications/{application.id}")
    page.evaluate("() => document.activeElement.blur()")
    tab_to(page, "#decision")
    page.keyboard.press("ArrowDown")  # shortlist
    page.keyboard.press("ArrowDown")  # accept
    assert page.input_value("#decision") == Decision.ACCEPT.value
    tab_to(page, f"main form[action$='/admin/applications/{application.id}'] button")
    assert press_enter(page) == 200
    check_page(page, assert_accessible, lang, f"/admin/offerings/{call}/applications/send")
    page.evaluate("() => document.activeElement.blur()")
    tab_to(page, "main form[method=post] button[type=submit]")
    assert press_enter(page) == 200
    check_page(page, assert_accessible, lang, f"/admin/offerings/{call}/criteria")
    check_page(page, assert_accessible, lang, f"/admin/offerings/{call}/reviewers")
    log_out(page)

    # The founder confirms the place from the account.
    log_in(page, world["founder"], lang=lang)
    page.goto(f"/{lang}/account/applications")
    tab_to(page, f"main a[href='/{lang}/applications/{application.id}/confirm']")
    assert press_enter(page) == 200
    check_page(page, assert_accessible, lang)
    page.evaluate("() => document.activeElement.blur()")
    tab_to(page, "main form[method=post] button[type=submit]")
    assert press_enter(page) == 200
    with app.app_context():
        confirmed = db.session.get(Application, application.id)
        assert confirmed.status == ApplicationStatus.CONFIRMED
        assert confirmed.enrolment_id is not None


@pytest.mark.parametrize("lang", ["es", "en"])
def test_the_first_on_the_reserve_list_is_offered_the_place_when_a_founder_withdraws(
    app, open_page, world, assert_accessible, lang
):
    with app.app_context():
        session = db.session
        call = session.get(Offering, world["call"])
        staff = session.scalars(select(User).filter_by(email=world["staff"])).one()
        founder = session.scalars(select(User).filter_by(email=world["founder"])).one()
        first = make_application(session, call, founder)
        second = make_application(session, call, make_user(session, language=lang))
        applications.set_decision(session, first, Decision.ACCEPT, actor_id=staff.id)
        applications.set_decision(session, second, Decision.RESERVE, actor_id=staff.id)
        applications.send_decisions(session, call, actor_id=staff.id, now=utcnow())
        session.commit()
        first_id, second_id = first.id, second.id
        second_email = second.user.email
    withdraw = f"/applications/{first_id}/withdraw"

    # The page is checked with axe (which needs scripts), then used without them.
    checked = open_page(locale="es-ES" if lang == "es" else "en-GB")
    log_in(checked, world["founder"], lang=lang)
    check_page(checked, assert_accessible, lang, withdraw)
    page = open_page(java_script_enabled=False)
    log_in(page, world["founder"], lang=lang)
    page.goto(f"/{lang}{withdraw}")
    tab_to(page, "main form[method=post] button[type=submit]")
    assert press_enter(page) == 200
    assert path(page) == f"/{lang}/account/applications"

    with app.app_context():
        assert db.session.get(Application, first_id).status == ApplicationStatus.WITHDRAWN
        assert db.session.get(Application, second_id).status == ApplicationStatus.ACCEPTED
        told = db.session.scalars(
            select(OutboxMessage).filter_by(to_address=second_email).order_by(OutboxMessage.id)
        ).all()
    assert ("confirma" if lang == "es" else "confirm") in told[-1].body_text.lower()

    # The second founder sees the offer in the account, with the date to confirm by.
    other = open_page(locale="es-ES" if lang == "es" else "en-GB")
    log_in(other, second_email, lang=lang)
    check_page(other, assert_accessible, lang, "/account/applications")
    assert other.locator(f"main a[href='/{lang}/applications/{second_id}/confirm']").count() == 1

from datetime import timedelta

import pytest
from sqlalchemy import select

from app.extensions import db
from app.models import CallReviewer, Decision, Role, SearchAlert, utcnow
from app.services import alerts, applications, enrolment, offerings, schools
from app.services.accounts.tokens import confirmation_token, email_change_token, reset_token
from app.services.catalogue import Filters
from tests.factories import (
    DEFAULT_PASSWORD,
    make_application,
    make_call,
    make_offering,
    make_organisation,
    make_school,
    make_teacher,
    make_user,
)
from tests.images import photo
from tests.property.routes import ErrorLog
from tests.url_map import url_map_world


@pytest.fixture
def world(app):
    """Something behind every argument of the URL map (tests.url_map), with names that
    carry markup: an organisation's offering with two sessions, one confirmed place and one
    waiting, a person of every role, calls at every stage, and the tokens the e-mail links
    carry."""
    with app.app_context():
        session = db.session
        own = make_organisation(session, name="Organisation <b>propia</b>")
        offering = make_offering(session, provider=own, capacity=1, sessions=2)
        # One with free places, for enrolling: the resident already holds one in the first.
        other = make_offering(session, provider=own, title_es="Taller <i>abierto</i>")
        resident = make_user(session, email="resident@example.org")
        waiting = make_user(session, email="waiting@example.org")
        admin = make_user(session, email="admin@example.org", role=Role.ADMIN, organisation=own)
        unconfirmed = make_user(session, email="new@example.org", confirmed=False)
        forgetful = make_user(session, email="forgetful@example.org")
        school = make_school(session, name="Colegio <b>Pinar</b>")
        teacher = make_teacher(session, school, coordinator=True, email="teacher@example.org")
        world = url_map_world(
            session,
            own=own,
            offering=offering,
            participant=resident,
            teacher=teacher,
            actor_id=admin.id,
            title_es="Visita <i>escolar</i>",
        )
        classes = world.pop("classes")
        world.pop("users")  # they log in as the personas below
        invitation = schools.invite(
            session,
            actor=teacher,
            school_id=school.id,
            email=teacher.email,
            coordinator=True,
            lang="es",
        )
        queued = enrolment.enrol(session, offering_id=offering.id, user_id=waiting.id, now=utcnow())
        # A free place beside the waiting list (capacity raised behind the service's back),
        # so that staff may promote by hand.
        offering.capacity = 2
        calls = _calls_world(session, own, resident, admin)
        robotics = alerts.saved_search(session, Filters(q="robótica <b>majadahonda</b>"))
        alerts.alert_by_email(
            session, email="visitor@example.org", search=robotics, lang="es", now=utcnow()
        )
        asked = session.scalars(select(SearchAlert).filter_by(email="visitor@example.org")).one()
        own_alert = alerts.alert_for_account(
            session, user_id=resident.id, search=robotics, lang="es", now=utcnow()
        )
        picture = offerings.ImageUpload(photo(600, 400), alt_es="Un aula", alt_en="A classroom")
        offerings.set_image(session, other, picture, actor_id=admin.id, max_bytes=10**7)
        session.commit()
        return {
            **world,
            "user_id": waiting.id,
            "enrolment.enrol:offering_id": other.id,
            "schools.registration_create:offering_id": classes.id,
            "schools.invitation_accept:token": invitation,
            "admin.participant_promote:enrolment_id": queued.id,
            "fmt": "csv",
            "filename": "css/site.css",
            "media.offering_image:key": other.image_key,
            "bootstrap.static:filename": "css/bootstrap.min.css",
            "auth.confirm_email:token": confirmation_token(unconfirmed),
            "auth.reset_password:token": reset_token(forgetful),
            "auth.confirm_email_change:token": email_change_token(resident, "new@example.net"),
            **calls,
            "alerts.new:?": "?q=rob%C3%B3tica+majadahonda&free=1",
            "alerts.confirm:token": alerts.confirm_token(asked),
            "alerts.stop:token": alerts.stop_token(own_alert),
            "account.stop_alert:alert_id": own_alert.id,
            "password": DEFAULT_PASSWORD,
            "emails": {
                "resident": resident.email,
                "admin": admin.email,
                "teacher": teacher.email,
            },
        }


def _calls_world(session, own, resident, admin) -> dict:
    """A call the admin reviews, with the resident's application (and pitch deck) in it, a
    pending decision on another; a second call open to the resident; a third where the
    resident has a place offered to confirm."""
    call = make_call(session, provider=own)
    mine = make_application(session, call, resident, pitch_deck=PDF)
    session.add(CallReviewer(offering_id=call.id, user_id=admin.id))
    other = make_application(session, call)
    applications.set_decision(session, other, Decision.SHORTLIST, actor_id=admin.id)
    open_call = make_call(session, provider=own)
    offered_call = make_call(session, provider=own)
    offered = make_application(session, offered_call, resident)
    applications.set_decision(session, offered, Decision.ACCEPT, actor_id=admin.id)
    applications.send_decisions(session, offered_call, actor_id=admin.id, now=utcnow())
    # Criteria change only before a call opens: their pages are about one still to open.
    coming = make_call(session, provider=own, opens_in=timedelta(days=3))
    criterion = applications.criteria(session, coming.id)[0]
    keys = {
        "application_id": mine.id,
        "applications.apply:offering_id": open_call.id,
        "applications.application_confirm:application_id": offered.id,
        "applications.review_call:offering_id": call.id,
        "admin.reviewer_remove:user_id": admin.id,
        "criterion_id": criterion.id,
    }
    for endpoint in CALL_ENDPOINTS:
        keys[f"admin.{endpoint}:offering_id"] = call.id
    for endpoint in CRITERION_ENDPOINTS:
        keys[f"admin.{endpoint}:offering_id"] = coming.id
    return keys


CALL_ENDPOINTS = (
    "applications_index",
    "applications_send",
    "applications_export",
    "criteria_index",
    "reviewers_index",
    "reviewer_remove",
)
CRITERION_ENDPOINTS = ("criterion_create", "criterion_edit", "criterion_delete")
PDF = b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n"


@pytest.fixture
def errors(app):
    """What the app logs at ERROR level during the test."""
    handler = ErrorLog()
    app.logger.addHandler(handler)
    yield handler
    app.logger.removeHandler(handler)

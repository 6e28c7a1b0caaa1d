"""Enrolment emails (every template, both languages), reminders, and staff changes."""

import re
import threading
from datetime import timedelta

import pytest
from babel.dates import format_date
from flask_babel import force_locale
from sqlalchemy import select

from app.extensions import db
from app.localtime import MADRID
from app.models import (
    Enrolment,
    EnrolmentStatus,
    OfferingStatus,
    OutboxMessage,
    utcnow,
)
from app.services import enrolment, offerings
from app.services import enrolment as enrolment_service
from app.services.errors import Conflict, NotFound
from app.services.mail import render_email
from app.services.offerings import OfferingChange
from tests.factories import make_offering, make_user

ENROLMENT_TEMPLATES = [
    "enrolment_confirmed",
    "enrolment_waiting",
    "enrolment_promoted",
    "enrolment_cancelled",
    "enrolment_reminder",
    "offering_changed",
    "offering_cancelled",
]
# The templates that show when the offering takes place.
WITH_DATES = {"enrolment_confirmed", "enrolment_promoted", "enrolment_reminder", "offering_changed"}


def enrol(session, offering, user, now=None):
    return enrolment_service.enrol(
        session, offering_id=offering.id, user_id=user.id, now=now or utcnow()
    )


def outbox_rows(session, template):
    return list(
        session.scalars(
            select(OutboxMessage)
            .where(OutboxMessage.template == template)
            .order_by(OutboxMessage.id)
        )
    )


def links(text):
    return re.findall(r"https?://[^\s\"'<>]+", text)


@pytest.mark.parametrize("lang", ["es", "en"])
@pytest.mark.parametrize("template", ENROLMENT_TEMPLATES)
def test_every_enrolment_email_renders_in_both_languages(app, session, template, lang):
    offering = make_offering(session, title_es="Datos con Python", title_en="Data with Python")
    person = make_user(session, name="Lucía Pérez", language=lang)
    place = enrol(session, offering, person)
    now = utcnow()

    subject, text, html = render_email(
        template,
        lang,
        user=person,
        enrolment=place,
        offering=offering,
        position=3,
        changes=[OfferingChange.DATES, OfferingChange.VENUE],
        now=now,
    )

    title = {"es": "Datos con Python", "en": "Data with Python"}[lang]
    other_title = {"es": "Data with Python", "en": "Datos con Python"}[lang]
    assert subject and "\n" not in subject
    assert title in subject
    for body in (text, html):
        assert title in body
        assert other_title not in body
        assert "Lucía Pérez" in body
        assert links(body)
        assert all(link.startswith(app.config["SITE_URL"] + f"/{lang}/") for link in links(body))
        assert f"/{lang}/offerings/{offering.id}" in body
        assert f"/{lang}/privacy" in body
    assert f'<html lang="{lang}">' in html
    assert "<h1" in html and "</html>" in html
    assert "<p" not in text and "<a " not in text
    if template in WITH_DATES:
        # As in Spain in both languages: British English puts the day before the month.
        locale = {"es": "es_ES", "en": "en_GB"}[lang]
        first_day = format_date(offering.starts_at.astimezone(MADRID).date(), "full", locale=locale)
        assert first_day in text and first_day in html
    if template == "enrolment_waiting":
        assert "3" in subject
    if template == "offering_changed":
        with force_locale(lang):
            labels = [str(OfferingChange.DATES.label), str(OfferingChange.VENUE.label)]
        assert all(label in text and label in html for label in labels)


def test_an_offering_title_is_escaped_in_html_and_marked_when_in_the_other_language(session):
    offering = make_offering(session, title_es="Taller <script>alert(1)</script>", title_en=None)
    person = make_user(session, language="en")
    place = enrol(session, offering, person)

    subject, text, html = render_email(
        "enrolment_confirmed", "en", user=person, enrolment=place, offering=offering
    )

    assert "<script>" not in html
    assert '<strong lang="es">Taller &lt;script&gt;' in html
    assert "(in Spanish)" in html
    assert "Taller <script>alert(1)</script>" in subject and "Taller <script>" in text


def test_enrolling_queues_the_email_in_the_persons_language(session):
    offering = make_offering(session, capacity=1, title_es="Robótica", title_en="Robotics")
    first = make_user(session, language="en")
    second = make_user(session, language="es")
    enrol(session, offering, first)
    enrol(session, offering, second)

    [confirmed] = outbox_rows(session, "enrolment_confirmed")
    [waiting] = outbox_rows(session, "enrolment_waiting")
    assert confirmed.to_address == first.email and "Robotics" in confirmed.subject
    assert waiting.to_address == second.email and "Robótica" in waiting.subject
    assert '<html lang="es">' in waiting.body_html


# --- reminders ---------------------------------------------------------------------------


def test_reminders_go_to_confirmed_places_of_offerings_starting_soon_once(session):
    now = utcnow()
    soon = make_offering(
        session, starts_in=timedelta(hours=24), capacity=2, title_es="Pronto", title_en="Soon"
    )
    later = make_offering(session, starts_in=timedelta(hours=72))
    spanish = make_user(session, language="es")
    english = make_user(session, language="en")
    waiting = make_user(session)
    cancelled = make_user(session)
    in_later = make_user(session)
    confirmed_es = enrol(session, soon, spanish, now)
    confirmed_en = enrol(session, soon, english, now)
    enrol(session, soon, waiting, now)
    enrolment_service.cancel_enrolment(
        session,
        enrolment_id=enrol(session, later, cancelled, now).id,
        user_id=cancelled.id,
        now=now,
    )
    enrol(session, later, in_later, now)

    reminded = enrolment.remind_upcoming(session, now, timedelta(hours=48))

    assert reminded == [confirmed_es, confirmed_en]
    assert confirmed_es.reminded_at == now and confirmed_en.reminded_at == now
    rows = outbox_rows(session, "enrolment_reminder")
    assert [row.to_address for row in rows] == [spanish.email, english.email]
    assert "Pronto" in rows[0].subject and "Soon" in rows[1].subject
    assert '<html lang="es">' in rows[0].body_html and '<html lang="en">' in rows[1].body_html

    assert enrolment.remind_upcoming(session, now + timedelta(hours=1)) == []
    assert len(outbox_rows(session, "enrolment_reminder")) == 2


def test_no_reminder_for_offerings_cancelled_or_already_started(session):
    now = utcnow()
    started = make_offering(session, starts_in=timedelta(hours=2))
    cancelled = make_offering(session, starts_in=timedelta(hours=20))
    for offering in (started, cancelled):
        enrol(session, offering, make_user(session), now)
    cancelled.status = OfferingStatus.CANCELLED
    session.flush()

    assert enrolment.remind_upcoming(session, now + timedelta(hours=3)) == []
    assert outbox_rows(session, "enrolment_reminder") == []


def test_two_reminder_runs_at_once_remind_each_place_once(app, session):
    now = utcnow()
    offering = make_offering(session, starts_in=timedelta(hours=24), capacity=10)
    for _ in range(6):
        enrol(session, offering, make_user(session), now)
    session.commit()
    start = threading.Barrier(2)
    counts, errors = [], []

    def run():
        try:
            with app.app_context():
                start.wait()
                counts.append(len(enrolment.remind_upcoming(db.session, now)))
                db.session.commit()
                db.session.remove()
        except Exception as error:  # the assertion below shows it
            errors.append(error)

    threads = [threading.Thread(target=run) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert errors == []
    assert sum(counts) == 6
    session.expire_all()
    rows = outbox_rows(session, "enrolment_reminder")
    assert len(rows) == 6 and len({row.to_address for row in rows}) == 6


# --- staff changes -----------------------------------------------------------------------


def test_a_change_is_told_to_every_live_participant_with_what_changed(session):
    now = utcnow()
    offering = make_offering(session, capacity=1)
    confirmed = enrol(session, offering, make_user(session, language="en"), now)
    waiting = enrol(session, offering, make_user(session, language="en"), now)
    gone = make_user(session)
    enrolment_service.cancel_enrolment(
        session, enrolment_id=enrol(session, offering, gone, now).id, user_id=gone.id, now=now
    )

    told = offerings.notify_offering_changed(
        session, offering, now, [OfferingChange.DATES, OfferingChange.FORMAT]
    )

    assert told == [confirmed, waiting]
    rows = outbox_rows(session, "offering_changed")
    assert [row.to_address for row in rows] == [confirmed.user.email, waiting.user.email]
    assert "Dates and times" in rows[0].body_text
    assert "Format (in person or online)" in rows[0].body_html
    assert "in which you have a place" in rows[0].body_text
    assert "on the waiting list" in rows[1].body_text
    assert f"/enrolments/{confirmed.id}" in rows[0].body_text
    assert f"/enrolments/{waiting.id}" not in rows[1].body_text


def test_nothing_is_told_about_an_offering_that_has_ended(session):
    offering = make_offering(session)
    enrol(session, offering, make_user(session))

    later = offering.ends_at + timedelta(days=1)
    told = offerings.notify_offering_changed(session, offering, later, [OfferingChange.DATES])
    assert told == []
    with pytest.raises(ValueError, match="at least one"):
        offerings.notify_offering_changed(session, offering, utcnow(), [])


def test_cancelling_an_offering_ends_every_place_frees_the_seats_and_tells_everyone(session):
    now = utcnow()
    staff = make_user(session)
    offering = make_offering(session, capacity=2)
    people = [make_user(session, language=lang) for lang in ("es", "en", "es")]
    places = [enrol(session, offering, person, now) for person in people]
    earlier = make_user(session)
    enrolment_service.cancel_enrolment(
        session, enrolment_id=enrol(session, offering, earlier, now).id, user_id=earlier.id, now=now
    )
    assert [place.status for place in places] == [
        EnrolmentStatus.CONFIRMED,
        EnrolmentStatus.CONFIRMED,
        EnrolmentStatus.WAITING,
    ]

    ended = offerings.cancel_offering(session, offering.id, now, actor_id=staff.id)

    assert ended == places
    assert offering.status == OfferingStatus.CANCELLED
    assert offering.seats_taken == 0
    for place in places:
        assert place.status == EnrolmentStatus.OFFERING_CANCELLED
        last = place.events[-1]
        assert (last.reason, last.actor_id) == ("offering-cancelled", staff.id)
    rows = outbox_rows(session, "offering_cancelled")
    assert [row.to_address for row in rows] == [person.email for person in people]
    assert "/en/offerings/" in rows[1].body_text and "/es/offerings/" in rows[0].body_text
    assert outbox_rows(session, "enrolment_promoted") == []

    assert offerings.cancel_offering(session, offering.id, now) == []
    assert len(outbox_rows(session, "offering_cancelled")) == 3


def test_cancelling_an_offering_stays_in_the_callers_transaction(session):
    offering = make_offering(session)
    place = enrol(session, offering, make_user(session))
    session.commit()

    offerings.cancel_offering(session, offering.id, utcnow())
    session.rollback()

    assert offering.status == OfferingStatus.PUBLISHED
    assert offering.seats_taken == 1
    assert session.get(Enrolment, place.id).status == EnrolmentStatus.CONFIRMED
    assert outbox_rows(session, "offering_cancelled") == []


def test_only_a_published_offering_can_be_cancelled(session):
    draft = make_offering(session, status=OfferingStatus.DRAFT)

    with force_locale("en"), pytest.raises(Conflict, match="published"):
        offerings.cancel_offering(session, draft.id, utcnow())
    with pytest.raises(NotFound):
        offerings.cancel_offering(session, draft.id + 1000, utcnow())
    assert draft.status == OfferingStatus.DRAFT

"""Applying to a call: drafts, submitting, editing, withdrawing, the pitch deck."""

from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa

from app.models import Application, ApplicationEvent, ApplicationStatus, ProjectStage
from app.services import applications, storage
from app.services.errors import DomainError, NotFound
from tests.factories import make_application, make_call, make_user

PDF = b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n"


def now():
    return datetime.now(UTC)


def answers(**changes):
    fields = dict(
        project_name="Tienda Cercana",
        description="Pedidos en línea para comercios de barrio.",
        stage=ProjectStage.FIRST_CUSTOMERS,
        sector="Comercio",
        team_size=3,
        website="https://tienda.example.org",
        expectations="Mentoría en ventas.",
    )
    fields.update(changes)
    return applications.ApplicationAnswers(**fields)


def stored_files(app) -> list:
    from pathlib import Path

    return [p for p in Path(app.config["STORAGE_FOLDER"]).rglob("*") if p.is_file()]


def test_a_draft_is_kept_then_submitted_with_the_applicants_municipality(session):
    call = make_call(session)
    founder = make_user(session, municipality_slug="majadahonda")
    draft = applications.save_application(
        session,
        offering=call,
        user=founder,
        answers=applications.ApplicationAnswers(project_name="Idea en bruto"),
        now=now(),
        submit=False,
    )
    assert draft.status == ApplicationStatus.DRAFT
    assert draft.submitted_at is None

    sent = applications.save_application(
        session,
        offering=call,
        user=founder,
        answers=answers(),
        now=now(),
        submit=True,
        application=draft,
    )
    assert sent.id == draft.id
    assert sent.status == ApplicationStatus.SUBMITTED
    assert sent.submitted_at is not None
    assert sent.municipality.slug == "majadahonda"
    events = session.scalars(sa.select(ApplicationEvent.status)).all()
    assert events == [ApplicationStatus.SUBMITTED]


def test_submitting_needs_every_answer_each_said_at_its_field(session):
    call = make_call(session)
    with pytest.raises(DomainError) as refusal:
        applications.save_application(
            session,
            offering=call,
            user=make_user(session),
            answers=applications.ApplicationAnswers(project_name="Solo nombre"),
            now=now(),
            submit=True,
        )
    fields = {field for field, _ in refusal.value.problems}
    assert fields == {"description", "stage", "sector", "team_size", "expectations"}
    assert session.scalar(sa.select(sa.func.count()).select_from(Application)) == 0


def test_a_description_with_html_is_refused(session):
    call = make_call(session)
    with pytest.raises(DomainError) as refusal:
        make_application(session, call, description="<script>alert(1)</script> Hola")
    assert refusal.value.problems[0][0] == "description"
    assert refusal.value.status_code == 422


def test_one_application_per_person_and_call(session):
    call = make_call(session)
    founder = make_user(session)
    make_application(session, call, founder)
    with pytest.raises(applications.AlreadyApplied) as refusal:
        make_application(session, call, founder)
    assert refusal.value.status_code == 409


def test_applying_after_the_deadline_or_before_the_opening_is_refused(session):
    closed = make_call(session, opens_in=timedelta(days=-20), closes_in=timedelta(days=-1))
    with pytest.raises(DomainError) as late:
        make_application(session, closed)
    assert late.value.status_code == 410
    early = make_call(session, opens_in=timedelta(days=2), closes_in=timedelta(days=9))
    with pytest.raises(DomainError) as soon:
        make_application(session, early)
    assert soon.value.status_code == 409


def test_editing_stops_at_the_deadline(session):
    call = make_call(session)
    application = make_application(session, call)
    later = call.enrolment_closes + timedelta(minutes=1)
    with pytest.raises(DomainError) as refusal:
        applications.save_application(
            session,
            offering=call,
            user=application.user,
            answers=answers(project_name="Cambio tardío"),
            now=later,
            submit=True,
            application=application,
        )
    assert refusal.value.status_code == 410


def test_a_pdf_is_recognised_by_its_content_not_its_name():
    assert applications.is_pdf(PDF)
    assert not applications.is_pdf(b"<html><body>not a pdf</body></html>")
    assert not applications.is_pdf(b"\x89PNG\r\n\x1a\n" + b"\x00" * 100)
    assert not applications.is_pdf(b"%PDF-1.4\n truncated without objects or end")


def test_a_pitch_deck_is_stored_under_a_random_key_and_read_back(app, session):
    call = make_call(session)
    application = applications.save_application(
        session,
        offering=call,
        user=make_user(session),
        answers=answers(),
        now=now(),
        submit=True,
        pitch_deck=applications.Upload(PDF),
    )
    session.commit()
    key = application.pitch_deck_key
    assert key and "pdf" not in key.lower()
    assert applications.pitch_deck(application) == PDF
    assert application.pitch_deck_size == len(PDF)
    assert storage.storage().exists(key)


def test_replacing_a_pitch_deck_deletes_the_old_file_only_once_committed(app, session):
    call = make_call(session)
    application = applications.save_application(
        session,
        offering=call,
        user=make_user(session),
        answers=answers(),
        now=now(),
        submit=True,
        pitch_deck=applications.Upload(PDF),
    )
    session.commit()
    old = application.pitch_deck_key
    applications.save_application(
        session,
        offering=call,
        user=application.user,
        answers=answers(),
        now=now(),
        submit=True,
        application=application,
        pitch_deck=applications.Upload(PDF + b"\n"),
    )
    assert storage.storage().exists(old)  # not yet committed
    session.commit()
    assert not storage.storage().exists(old)
    assert storage.storage().exists(application.pitch_deck_key)


@pytest.mark.parametrize(
    ("content", "status"),
    [
        (b"<html>not a pdf</html>", 422),
        (PDF + b"0" * 2048, 422),  # the end-of-file mark is no longer at the end
        (b"", 422),
    ],
)
def test_a_bad_pitch_deck_is_refused_at_its_field_and_nothing_is_stored(
    app, session, content, status
):
    call = make_call(session)
    before = stored_files(app)
    with pytest.raises(DomainError) as refusal:
        applications.save_application(
            session,
            offering=call,
            user=make_user(session),
            answers=answers(),
            now=now(),
            submit=True,
            pitch_deck=applications.Upload(content),
        )
    assert refusal.value.problems[0][0] == "pitch_deck"
    assert refusal.value.status_code == status
    assert stored_files(app) == before


def test_an_oversized_pitch_deck_is_refused_with_413(app, session):
    call = make_call(session)
    app.config["PITCH_DECK_MAX_BYTES"] = 100
    try:
        with pytest.raises(DomainError) as refusal:
            applications.save_application(
                session,
                offering=call,
                user=make_user(session),
                answers=answers(),
                now=now(),
                submit=True,
                pitch_deck=applications.Upload(PDF + b" " * 200 + b"%%EOF"),
            )
    finally:
        app.config["PITCH_DECK_MAX_BYTES"] = 10 * 1024 * 1024
    assert refusal.value.status_code == 413
    assert refusal.value.problems == [("pitch_deck", refusal.value.message)]


def test_a_file_stored_in_a_transaction_that_rolls_back_is_deleted(app, session):
    call = make_call(session)
    before = stored_files(app)
    applications.save_application(
        session,
        offering=call,
        user=make_user(session),
        answers=answers(),
        now=now(),
        submit=True,
        pitch_deck=applications.Upload(PDF),
    )
    assert len(stored_files(app)) == len(before) + 1
    session.rollback()
    assert stored_files(app) == before


def test_an_applicant_never_reaches_another_ones_application(session):
    call = make_call(session)
    mine = make_application(session, call)
    other = make_user(session)
    with pytest.raises(NotFound):
        applications.get_own_application(session, mine.id, other.id)
    assert applications.get_own_application(session, mine.id, mine.user_id) is mine


def test_a_call_for_residents_or_adults_refuses_others_at_submission(session):
    from app.services.enrolment import EnrolmentRefused

    residents = make_call(session, residents_only=True)
    outsider = make_user(session, municipality_slug="other")
    with pytest.raises(EnrolmentRefused):
        make_application(session, residents, outsider)
    adults = make_call(session, min_age=18)
    with pytest.raises(EnrolmentRefused) as refusal:
        make_application(session, adults, make_user(session))  # no year of birth given
    assert "año de nacimiento" in str(refusal.value.message)
    draft = make_application(session, adults, make_user(session), submit=False)
    assert draft.status == ApplicationStatus.DRAFT  # a draft can wait for the profile


def test_a_submitted_application_cannot_be_emptied_by_saving_it_as_a_draft(session):
    call = make_call(session)
    application = make_application(session, call)
    with pytest.raises(DomainError) as refusal:
        applications.save_application(
            session,
            offering=call,
            user=application.user,
            answers=applications.ApplicationAnswers(project_name="Vacía"),
            now=now(),
            submit=False,
            application=application,
        )
    assert "description" in dict(refusal.value.problems)

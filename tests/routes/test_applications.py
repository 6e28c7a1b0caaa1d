"""Applying from the offering's page, in both languages: the call, the form, the pitch
deck, and every refusal with its message at the field and its status."""

import re
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import sqlalchemy as sa

from app.models import Application, ApplicationStatus
from tests.conftest import csrf_token
from tests.factories import make_application, make_call, make_user

PDF = b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n"


def files(app):
    return sorted(p for p in Path(app.config["STORAGE_FOLDER"]).rglob("*") if p.is_file())


def applications_count(session):
    return session.scalar(sa.select(sa.func.count()).select_from(Application))


@pytest.fixture
def call(session):
    offering = make_call(session)
    session.commit()
    return offering


def fields(token, **changes):
    data = {
        "csrf_token": token,
        "project_name": "Huerta Digital",
        "description": "Sensores para huertos urbanos.",
        "stage": "prototype",
        "sector": "Agricultura",
        "team_size": "2",
        "website": "https://huerta.example.org",
        "expectations": "Mentoría y primeros clientes.",
        "submit": "1",
    }
    data.update(changes)
    return {key: value for key, value in data.items() if value is not None}


def post_application(client, call, lang="es", deck=None, **changes):
    page = client.get(f"/{lang}/offerings/{call.id}/apply")
    data = fields(csrf_token(page.text), **changes)
    if deck is not None:
        data["pitch_deck"] = deck
    return client.post(
        f"/{lang}/offerings/{call.id}/apply", data=data, content_type="multipart/form-data"
    )


@pytest.mark.parametrize(
    ("lang", "until", "never"),
    [
        ("es", "hasta el 19 de diciembre de 2030, 23:59", "20 de diciembre de 2030"),
        ("en", "until 19 December 2030, 23:59", "20 December 2030"),
    ],
)
def test_a_deadline_at_midnight_reads_as_the_end_of_the_day_before(
    client, auth, session, lang, until, never
):
    """The call's closing, stored as midnight of 20 December in Madrid (23:00 UTC)."""
    offering = make_call(session, starts_in=timedelta(days=3650))
    offering.enrolment_closes = datetime(2030, 12, 19, 23, 0, tzinfo=UTC)
    founder = make_user(session)
    session.commit()
    auth.login(founder.email, lang=lang)

    for path in (f"/{lang}/offerings/{offering.id}", f"/{lang}/offerings/{offering.id}/apply"):
        text = re.sub(r"<[^>]+>", "", client.get(path).text)
        assert until in text, path
        assert never not in text, path


@pytest.mark.parametrize(
    ("lang", "words"),
    [
        ("es", ["Convocatoria", "Criterio 1", "75 %", "Solicitar"]),
        ("en", ["Call for applications", "Criterion 1", "75 %", "Apply"]),
    ],
)
def test_the_offering_page_shows_the_call_with_its_weighted_criteria(client, call, lang, words):
    page = client.get(f"/{lang}/offerings/{call.id}")
    assert page.status_code == 200
    for word in words:
        assert word in page.text
    assert f"/{lang}/offerings/{call.id}/apply" in page.text


def test_applying_needs_an_account(client, call):
    answer = client.get(f"/es/offerings/{call.id}/apply")
    assert answer.status_code == 302
    assert "/auth/login" in answer.location


@pytest.mark.parametrize("lang", ["es", "en"])
def test_a_founder_applies_with_a_pdf_and_downloads_it_as_an_attachment(
    app, client, auth, session, call, lang
):
    founder = make_user(session, language=lang)
    session.commit()
    auth.login(founder.email, lang=lang)
    import io

    answer = post_application(client, call, lang, deck=(io.BytesIO(PDF), "deck.pdf"))
    assert answer.status_code == 302, answer.text
    application = session.scalars(sa.select(Application)).one()
    assert application.status == ApplicationStatus.SUBMITTED
    download = client.get(f"/{lang}/applications/{application.id}/pitch-deck")
    assert download.status_code == 200
    assert download.data == PDF
    assert download.headers["Content-Disposition"].startswith("attachment")
    assert download.mimetype == "application/pdf"
    mine = client.get(f"/{lang}/account/applications")
    assert "Huerta Digital" in mine.text


def test_another_applicant_never_sees_the_application_or_its_file(client, auth, session, call):
    import io

    owner = make_user(session)
    session.commit()
    auth.login(owner.email)
    post_application(client, call, deck=(io.BytesIO(PDF), "deck.pdf"))
    application = session.scalars(sa.select(Application)).one()
    auth.logout()
    stranger = make_user(session)
    session.commit()
    auth.login(stranger.email)
    for path in (
        f"/es/applications/{application.id}",
        f"/es/applications/{application.id}/pitch-deck",
        f"/es/applications/{application.id}/withdraw",
        f"/es/applications/{application.id}/confirm",
        f"/es/reviews/{application.id}",
        f"/es/reviews/{application.id}/pitch-deck",
        f"/es/admin/applications/{application.id}/pitch-deck",
    ):
        assert client.get(path).status_code in (403, 404), path


@pytest.mark.parametrize(
    ("changes", "field_error", "status"),
    [
        ({"description": ""}, "description", 422),
        ({"description": "<b>Hola</b> <script>x</script>"}, "description", 422),
        ({"website": "javascript:alert(1)"}, "website", 422),
        ({"team_size": "0"}, "team_size", 422),
    ],
)
def test_bad_answers_are_refused_at_their_field_and_nothing_is_stored(
    app, client, auth, session, call, changes, field_error, status
):
    founder = make_user(session)
    session.commit()
    auth.login(founder.email)
    answer = post_application(client, call, **changes)
    assert answer.status_code == status
    assert f'id="{field_error}-error"' in answer.text
    assert applications_count(session) == 0


@pytest.mark.parametrize("lang", ["es", "en"])
def test_a_file_that_is_not_a_pdf_is_refused_whatever_its_name(
    app, client, auth, session, call, lang
):
    import io

    founder = make_user(session)
    session.commit()
    auth.login(founder.email, lang=lang)
    before = files(app)
    answer = post_application(
        client, call, lang, deck=(io.BytesIO(b"<html><body>hola</body></html>"), "deck.pdf")
    )
    assert answer.status_code == 422
    assert 'id="pitch_deck-error"' in answer.text
    message = "no es un PDF" if lang == "es" else "not a PDF"
    assert message in answer.text
    assert applications_count(session) == 0
    assert files(app) == before


@pytest.mark.parametrize("extra", [10, 200_000])
def test_an_oversized_pitch_deck_is_refused_with_413_at_its_field(
    app, client, auth, session, call, extra
):
    import io

    founder = make_user(session)
    session.commit()
    auth.login(founder.email)
    before = files(app)
    app.config["PITCH_DECK_MAX_BYTES"] = 1024
    try:
        big = PDF[:-6] + b" " * (1024 + extra) + b"%%EOF\n"
        answer = post_application(client, call, deck=(io.BytesIO(big), "deck.pdf"))
    finally:
        app.config["PITCH_DECK_MAX_BYTES"] = 10 * 1024 * 1024
    assert answer.status_code == 413
    assert 'id="pitch_deck-error"' in answer.text
    assert applications_count(session) == 0
    assert files(app) == before


def test_applying_after_the_deadline_is_refused_with_410(client, auth, session):
    closed = make_call(session, opens_in=timedelta(days=-9), closes_in=timedelta(days=-1))
    founder = make_user(session)
    session.commit()
    auth.login(founder.email)
    assert client.get(f"/es/offerings/{closed.id}/apply").status_code == 410
    page = client.get("/es/auth/login")
    answer = client.post(
        f"/es/offerings/{closed.id}/apply",
        data=fields(csrf_token(page.text)),
        content_type="multipart/form-data",
    )
    assert answer.status_code == 410
    assert applications_count(session) == 0


def test_applying_twice_is_refused_with_409(client, auth, session, call):
    founder = make_user(session)
    make_application(session, call, founder)
    session.commit()
    auth.login(founder.email)
    page = client.get("/es/auth/login")
    answer = client.post(
        f"/es/offerings/{call.id}/apply",
        data=fields(csrf_token(page.text)),
        content_type="multipart/form-data",
    )
    assert answer.status_code == 409
    assert applications_count(session) == 1


def test_a_draft_is_edited_then_submitted(client, auth, session, call):
    founder = make_user(session)
    session.commit()
    auth.login(founder.email)
    answer = post_application(client, call, submit=None, save_draft="1", description="")
    assert answer.status_code == 302
    application = session.scalars(sa.select(Application)).one()
    assert application.status == ApplicationStatus.DRAFT
    page = client.get(f"/en/applications/{application.id}")
    assert "Save as draft" in page.text
    answer = client.post(
        f"/en/applications/{application.id}",
        data=fields(csrf_token(page.text)),
        content_type="multipart/form-data",
    )
    assert answer.status_code == 302
    session.refresh(application)
    assert application.status == ApplicationStatus.SUBMITTED

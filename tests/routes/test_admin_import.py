"""Importing offerings from the browser: a dry run first, then the same file applied."""

import io
import re
from html import unescape
from types import SimpleNamespace

import pytest
from sqlalchemy import func, select

from app.admin import imports
from app.extensions import db
from app.models import AuditEntry, Offering, OfferingStatus, Organisation, Role, utcnow
from app.services.imports.template import example_rows
from tests.conftest import csrf_token
from tests.factories import make_offering, make_organisation, make_user
from tests.services.test_importer import csv_bytes, row, xlsx_bytes

PAYLOAD = re.compile(r'name="payload" type="hidden" value="([^"]+)"')


def login_as(app, auth, role, organisation_name=None):
    """Rows are made in an app context of their own: requests must not share one (the
    locale is cached per app context)."""
    with app.app_context():
        organisation = (
            make_organisation(db.session, name=organisation_name) if organisation_name else None
        )
        user = make_user(db.session, role=role, organisation=organisation)
        db.session.commit()
        person = SimpleNamespace(id=user.id, email=user.email)
    auth.login(person.email)
    return person


@pytest.fixture
def coordinator(app, auth):
    return login_as(app, auth, Role.COORDINATOR)


def check(client, content, filename="ofertas.csv", lang="es"):
    page = client.get(f"/{lang}/admin/import/")
    return client.post(
        f"/{lang}/admin/import/",
        data={"csrf_token": csrf_token(page.text), "file": (io.BytesIO(content), filename)},
        content_type="multipart/form-data",
    )


def apply(client, payload, lang="es"):
    page = client.get(f"/{lang}/admin/import/")
    return client.post(
        f"/{lang}/admin/import/apply",
        data={"csrf_token": csrf_token(page.text), "payload": payload},
    )


def payload_of(response) -> str:
    match = PAYLOAD.search(response.text)
    assert match, "no apply form on the page"
    return unescape(match.group(1))


def count(app, model) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(model))


@pytest.mark.parametrize("lang", ["es", "en"])
def test_the_import_page_offers_the_templates(client, coordinator, lang):
    response = client.get(f"/{lang}/admin/import/")
    assert response.status_code == 200
    assert f'<html lang="{lang}"' in response.text
    assert f"/{lang}/offerings/template.xlsx" in response.text
    assert 'enctype="multipart/form-data"' in response.text


@pytest.mark.parametrize("lang", ["es", "en"])
def test_checking_a_file_shows_what_would_change_and_writes_nothing(app, client, coordinator, lang):
    response = check(client, csv_bytes([row(), row(external_id="LR-2025-002")]), lang=lang)
    assert response.status_code == 200
    assert "<code>LR-2025-001</code>" in response.text
    assert "<code>LR-2025-002</code>" in response.text
    assert "Academia Código Oeste" in response.text  # a provider it would add to the map
    payload_of(response)
    assert count(app, Offering) == 0
    assert count(app, Organisation) == 0


def test_applying_the_checked_file_imports_it_audited_once_and_per_offering(
    app, client, coordinator
):
    checked = check(client, xlsx_bytes([row(), row(external_id="LR-2025-002")]), "ofertas.xlsx")
    response = apply(client, payload_of(checked))
    assert response.status_code == 302
    assert count(app, Offering) == 2
    with app.app_context():
        entry = db.session.scalars(select(AuditEntry).filter_by(action="import")).one()
        assert (entry.actor_id, entry.summary) == (coordinator.id, "ofertas.xlsx")
        assert (entry.after["created"], entry.after["updated"]) == (2, 0)
        per_offering = db.session.scalars(
            select(AuditEntry).where(AuditEntry.action != "import").order_by(AuditEntry.id)
        ).all()
        assert sorted((item.action, item.summary.split(":")[0]) for item in per_offering) == [
            ("offering.create", "LR-2025-001"),
            ("offering.create", "LR-2025-002"),
            ("offering.publish", "LR-2025-001"),
            ("offering.publish", "LR-2025-002"),
        ]
        assert {item.actor_id for item in per_offering} == {coordinator.id}
        assert all(item.summary.endswith("(import ofertas.xlsx)") for item in per_offering)
    page = client.get(response.location)
    assert "ofertas.xlsx" in page.text


def test_a_check_of_a_known_offering_names_the_columns_that_would_change(app, client, coordinator):
    apply(client, payload_of(check(client, csv_bytes([row()]))))
    response = check(client, csv_bytes([row(capacity="25", title_en="Python for all")]), lang="en")
    assert response.status_code == 200
    assert "<code>title_en</code>, <code>capacity</code>" in response.text
    assert ">Updated</td>" in response.text


@pytest.mark.parametrize(
    ("lang", "message"),
    [("es", "capacity"), ("en", "capacity must be a whole number of places, found “many”")],
)
def test_broken_rows_are_listed_by_row_and_column_and_nothing_is_written(
    app, client, coordinator, lang, message
):
    content = csv_bytes([row(), row(external_id="LR-2025-002", capacity="many", sessions="soon")])
    response = check(client, content, lang=lang)
    assert response.status_code == 422
    assert re.search(r"<td[^>]*>3</td>", response.text)
    assert "<code>capacity</code>" in response.text and "<code>sessions</code>" in response.text
    assert message in unescape(response.text)
    assert 'name="payload"' not in response.text
    assert count(app, Offering) == 0


@pytest.mark.parametrize(
    ("content", "filename", "status"),
    [
        (b"hello", "notes.txt", 422),
        (b"", "empty.csv", 422),
        (b"PK\x03\x04 not really a workbook", "broken.xlsx", 422),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 64, "old.csv", 422),
        ("título\n".encode("latin-1"), "latin.csv", 422),
    ],
    ids=["wrong-type", "empty", "broken-xlsx", "old-xls", "not-utf8"],
)
def test_a_wrong_file_is_a_clear_message_not_a_500(
    app, client, coordinator, content, filename, status
):
    response = check(client, content, filename, lang="en")
    assert response.status_code == status
    assert 'class="invalid-feedback' in response.text or "nothing was imported" in response.text
    assert count(app, Offering) == 0


def test_a_check_without_a_file_asks_for_one(client, coordinator):
    page = client.get("/en/admin/import/")
    response = client.post("/en/admin/import/", data={"csrf_token": csrf_token(page.text)})
    assert response.status_code == 422
    assert "Choose the file to import." in response.text


def test_a_file_over_the_limit_is_a_translated_413(client, coordinator, monkeypatch):
    monkeypatch.setitem(imports.LIMITS, "admin.import_check", 10_000)
    response = check(client, csv_bytes([row()]) + b"x" * 20_000, lang="en")
    assert response.status_code == 413
    assert "The file is too large: the limit is 5 MB." in response.text


@pytest.mark.parametrize(
    "tamper",
    [
        lambda payload: payload[:-3] + "abc",
        lambda payload: "1" + payload,
        lambda payload: "",
    ],
    ids=["signature", "content", "missing"],
)
def test_a_tampered_apply_payload_is_a_400_and_writes_nothing(app, client, coordinator, tamper):
    payload = payload_of(check(client, csv_bytes([row()])))
    response = apply(client, tamper(payload), lang="en")
    assert response.status_code == 400
    assert count(app, Offering) == 0


def test_a_payload_checked_by_someone_else_is_refused(app, client, auth, coordinator):
    payload = payload_of(check(client, csv_bytes([row()])))
    auth.logout()
    login_as(app, auth, Role.ADMIN)
    assert apply(client, payload).status_code == 400
    assert count(app, Offering) == 0


def test_an_expired_check_must_be_uploaded_again(app, client, coordinator, monkeypatch):
    payload = payload_of(check(client, csv_bytes([row()])))
    monkeypatch.setattr(imports, "PAYLOAD_MAX_AGE", -1)
    response = apply(client, payload, lang="en")
    assert response.status_code == 400
    assert "Upload the file again." in response.text


def test_an_apply_that_no_longer_fits_shows_the_errors_and_writes_nothing(app, client, auth):
    login_as(app, auth, Role.ORGANISATION_STAFF, "Academia Código Oeste")
    payload = payload_of(check(client, csv_bytes([row()])))
    with app.app_context():  # meanwhile, another organisation takes that reference
        make_offering(db.session, external_id="LR-2025-001", title_es="Otra")
        db.session.commit()
    response = apply(client, payload, lang="en")
    assert response.status_code == 409
    assert "this reference is already used by another organisation's offering" in unescape(
        response.text
    )
    with app.app_context():
        assert db.session.scalars(select(Offering)).one().title_es == "Otra"
        assert db.session.scalars(select(AuditEntry)).all() == []


def test_organisation_staff_import_only_their_own_offerings(app, client, auth):
    login_as(app, auth, Role.ORGANISATION_STAFF, "Academia Código Oeste")
    with app.app_context():
        make_offering(
            db.session,
            external_id="OTHER-1",
            provider=make_organisation(db.session, name="Otra Academia"),
        )
        db.session.commit()
    content = csv_bytes(
        [
            row(),
            row(external_id="LR-2025-002", provider="Otra Academia"),
            row(external_id="OTHER-1"),
        ]
    )
    response = check(client, content, lang="en")
    assert response.status_code == 422
    text = unescape(response.text)
    assert "you may import only offerings of Academia Código Oeste; found “Otra Academia”" in text
    assert "this reference is already used by another organisation's offering" in text
    assert "<td>2</td>" not in text  # the row of their own is fine
    with app.app_context():
        assert db.session.scalars(select(Offering.external_id)).all() == ["OTHER-1"]


def test_organisation_staff_apply_their_own_file(app, client, auth):
    login_as(app, auth, Role.ORGANISATION_STAFF, "Academia Código Oeste")
    response = apply(
        client, payload_of(check(client, csv_bytes([row(provider="academia código oeste")])))
    )
    assert response.status_code == 302
    with app.app_context():
        offering = db.session.scalars(select(Offering)).one()
        assert offering.provider.name == "Academia Código Oeste"
        assert count(app, Organisation) == 1


@pytest.mark.parametrize("lang", ["es", "en"])
def test_template_examples_stay_drafts_beside_a_clerks_rows_each_shown_with_title_and_status(
    app, client, coordinator, lang
):
    examples = example_rows(utcnow().date())
    mine = row(external_id="LR-2025-009", title_es="Taller de robótica", title_en="")
    response = check(client, csv_bytes([*examples, mine]), lang=lang)
    assert response.status_code == 200
    table = response.text[response.text.index("<tbody") :]
    draft, published = {"es": ("Borrador", "Publicada"), "en": ("Draft", "Published")}[lang]
    title_key = "title_es" if lang == "es" else "title_en"
    for example in examples:
        cells = re.search(rf"<code>{example['external_id']}</code>.*?</tr>", table, re.S).group()
        assert example[title_key] in unescape(cells)
        assert f">{draft}</td>" in cells
    cells = re.search(r"<code>LR-2025-009</code>.*?</tr>", table, re.S).group()
    assert "Taller de robótica" in cells and f">{published}</td>" in cells
    if lang == "en":  # no English title: the Spanish one, marked
        assert '<span lang="es">Taller de robótica</span>' in cells
    assert apply(client, payload_of(response), lang=lang).status_code == 302
    with app.app_context():
        statuses = dict(db.session.execute(select(Offering.external_id, Offering.status)).all())
    assert statuses == {
        "EJEMPLO-001": OfferingStatus.DRAFT,
        "EJEMPLO-002": OfferingStatus.DRAFT,
        "LR-2025-009": OfferingStatus.PUBLISHED,
    }

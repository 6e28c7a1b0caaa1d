"""The downloadable offerings spreadsheet: it is the contract, and it imports cleanly."""

import io

import pytest
from flask_babel import force_locale, gettext
from openpyxl import load_workbook
from sqlalchemy import select

from app.extensions import db
from app.models import Offering, OfferingStatus
from app.services.imports import COLUMN_NAMES, import_offerings


@pytest.mark.parametrize("lang", ["es", "en"])
def test_the_workbook_has_the_contract_columns_and_instructions(client, lang):
    response = client.get(f"/{lang}/offerings/template.xlsx")

    assert response.status_code == 200
    assert response.mimetype == (
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    disposition = response.headers["Content-Disposition"]
    assert disposition.startswith("attachment;") and ".xlsx" in disposition
    workbook = load_workbook(io.BytesIO(response.data))
    offerings, instructions = workbook.worksheets
    header = [cell.value for cell in offerings[1]]
    assert header == list(COLUMN_NAMES)
    assert all(cell.font.bold for cell in offerings[1])
    assert offerings.freeze_panes == "A2"
    assert offerings.max_row == 3
    assert offerings.column_dimensions["E"].width > 10
    described = [row[0] for row in instructions.iter_rows(values_only=True)]
    assert set(COLUMN_NAMES) <= set(described)


def test_the_instructions_follow_the_page_language(client):
    sheets = {}
    for lang in ("es", "en"):
        response = client.get(f"/{lang}/offerings/template.xlsx")
        sheets[lang] = load_workbook(io.BytesIO(response.data)).worksheets[1]
    assert sheets["en"].title == "Instructions"
    assert sheets["en"]["A1"].value == "How to fill in this spreadsheet"
    with client.application.app_context(), force_locale("es"):
        assert sheets["es"].title == gettext("Instructions")


@pytest.mark.parametrize("lang", ["es", "en"])
def test_the_csv_has_a_bom_semicolons_and_the_contract_header(client, lang):
    response = client.get(f"/{lang}/offerings/template.csv")

    assert response.status_code == 200
    assert response.mimetype == "text/csv"
    assert response.mimetype_params["charset"] == "utf-8"
    assert "attachment;" in response.headers["Content-Disposition"]
    assert response.data.startswith(b"\xef\xbb\xbf")
    header = response.data[3:].decode("utf-8").split("\r\n", 1)[0]
    assert header == ";".join(COLUMN_NAMES)


def test_an_unknown_template_format_is_not_found(client):
    assert client.get("/es/offerings/template.xls").status_code == 404


@pytest.mark.parametrize("fmt", ["xlsx", "csv"])
def test_a_downloaded_template_imports_cleanly(app, client, fmt):
    content = client.get(f"/es/offerings/template.{fmt}").data

    with app.app_context():
        result = import_offerings(db.session, content)
        assert result.ok, [error.row for error in result.errors]
        db.session.commit()
        statuses = {
            offering.external_id: offering.status
            for offering in db.session.scalars(select(Offering))
        }
    # Examples are drafts: imported with a clerk's own rows, they never go public.
    assert statuses == {
        "EJEMPLO-001": OfferingStatus.DRAFT,
        "EJEMPLO-002": OfferingStatus.DRAFT,
    }

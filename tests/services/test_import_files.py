"""Hostile and broken spreadsheet files: each is refused with a message for the clerk, read
within bounded rows, columns, cells and memory, and never raises."""

import io
import re
import zipfile

import pytest

from app.services.imports import import_offerings
from app.services.imports.reading import (
    MAX_CELL_LENGTH,
    MAX_COLUMNS,
    MAX_ROWS,
    MAX_UNPACKED_BYTES,
)
from tests.services.test_importer import csv_bytes, described, row, xlsx_bytes

SHEET = "xl/worksheets/sheet1.xml"


def rewritten(content: bytes, **members: bytes | None) -> bytes:
    """The workbook with some members replaced (bytes) or left out (None)."""
    members = {
        name.replace("__", "/").replace("_DOT_", "."): data for name, data in members.items()
    }
    out = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(content)) as source,
        zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target,
    ):
        names = [info.filename for info in source.infolist()]
        for name in [*names, *(name for name in members if name not in names)]:
            data = members[name] if name in members else source.read(name)
            if data is not None:
                target.writestr(name, data)
    return out.getvalue()


def with_sheet(content: bytes, change) -> bytes:
    with zipfile.ZipFile(io.BytesIO(content)) as source:
        xml = source.read(SHEET).decode()
    return rewritten(content, **{"xl__worksheets__sheet1_DOT_xml": change(xml).encode()})


def refused(session, content: bytes) -> str:
    result = import_offerings(session, content)
    assert not result.ok
    assert result.outcomes == []
    [message] = described(result)
    return message


def test_a_sheet_declaring_a_million_rows_is_read_as_the_rows_it_has(session):
    content = with_sheet(
        xlsx_bytes([row()]),
        lambda xml: re.sub(r'<dimension ref="[^"]*"', '<dimension ref="A1:XFD1048576"', xml),
    )
    assert len(content) < 10_000
    result = import_offerings(session, content, dry_run=True)
    assert result.ok
    assert [outcome.action for outcome in result.outcomes] == ["created"]


def test_a_small_workbook_with_a_million_empty_rows_is_refused(session):
    empty_rows = "".join(f'<row r="{number}"/>' for number in range(3, 1_048_577))
    content = with_sheet(
        xlsx_bytes([row()]), lambda xml: xml.replace("</sheetData>", empty_rows + "</sheetData>")
    )
    assert len(content) < 5_000_000
    assert f"more than {MAX_ROWS} rows" in refused(session, content)


def test_a_workbook_that_unpacks_to_too_much_is_refused_before_it_is_parsed(session):
    padding = b" " * (MAX_UNPACKED_BYTES + 1)
    content = rewritten(xlsx_bytes([row()]), docProps__custom_DOT_xml=padding)
    assert len(content) < 1_000_000
    assert "too large once unpacked" in refused(session, content)


def test_an_entity_bomb_is_refused(session):
    entities = "".join(
        f'<!ENTITY lol{n} "{("&lol" + str(n - 1) + ";") * 10}">' for n in range(1, 10)
    )
    doctype = f'<!DOCTYPE worksheet [<!ENTITY lol0 "lol">{entities}]>'

    def bomb(xml: str) -> str:
        xml = re.sub(r"^(<\?xml[^>]*\?>)?", lambda match: (match.group(0) or "") + doctype, xml)
        return xml.replace("<t>external_id</t>", "<t>&lol9;</t>", 1)

    content = with_sheet(xlsx_bytes([row()]), bomb)
    assert "&lol9;" in zipfile.ZipFile(io.BytesIO(content)).read(SHEET).decode()
    assert "could not be read as an Excel workbook" in refused(session, content)


def test_truncated_xml_is_refused(session):
    content = with_sheet(xlsx_bytes([row()]), lambda xml: xml[: len(xml) // 2])
    assert "could not be read as an Excel workbook" in refused(session, content)


def test_a_workbook_without_its_sheet_is_refused(session):
    content = rewritten(xlsx_bytes([row()]), xl__worksheets__sheet1_DOT_xml=None)
    assert "no sheet to read" in refused(session, content)


def test_a_workbook_with_no_worksheet_is_refused(session):
    content = rewritten(
        xlsx_bytes([row()]),
        xl__workbook_DOT_xml=re.sub(
            rb"<sheets>.*</sheets>",
            b"<sheets/>",
            zipfile.ZipFile(io.BytesIO(xlsx_bytes([row()]))).read("xl/workbook.xml"),
        ),
    )
    assert "no sheet to read" in refused(session, content)


def test_text_in_a_number_cell_is_refused(session):
    content = with_sheet(
        xlsx_bytes([row()]),
        lambda xml: re.sub(r"</row>", '<c r="AZ2" t="n"><v>veinte</v></c></row>', xml, count=2),
    )
    assert "could not be read as an Excel workbook" in refused(session, content)


def test_values_beyond_the_last_column_read_are_refused(session):
    columns = [f"extra{n}" for n in range(MAX_COLUMNS + 5)]
    values = row(**dict.fromkeys(columns, "x"))
    message = refused(session, csv_bytes([values]))
    assert f"beyond column {MAX_COLUMNS}" in message


def test_a_cell_longer_than_the_limit_is_refused(session):
    message = refused(session, csv_bytes([row(description_es="a" * (MAX_CELL_LENGTH + 1))]))
    assert f"longer than {MAX_CELL_LENGTH} characters" in message


def test_a_csv_with_more_rows_than_the_limit_is_refused(session):
    rows = [row(external_id=f"R{number}") for number in range(MAX_ROWS + 1)]
    assert f"more than {MAX_ROWS} rows" in refused(session, csv_bytes(rows))


@pytest.mark.parametrize(
    "content",
    [b"PK\x03\x04" + b"\x00" * 40, b"PK\x03\x04garbage", b"\x00\x01\x02", b'a,b\n"unclosed'],
)
def test_garbage_is_refused_with_a_message(session, content):
    result = import_offerings(session, content)
    assert not result.ok
    assert all(message for message in described(result))


def test_many_bad_rows_are_all_reported_once(session):
    rows = [row(external_id=f"X{number}", capacity="veinte") for number in range(3_000)]
    result = import_offerings(session, csv_bytes(rows))
    assert len(result.errors) == 3_000
    assert {error.column for error in result.errors} == {"capacity"}

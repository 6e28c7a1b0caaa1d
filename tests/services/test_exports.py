"""Spreadsheets of participants, attendance and waiting lists, as Excel in Spain opens them."""

import csv
import io
from datetime import UTC, datetime

import openpyxl
import pytest
from flask_babel import force_locale
from sqlalchemy import select

from app.models import AuditEntry, EnrolmentStatus, Role, utcnow
from app.services import enrolment
from app.services import enrolment as places
from app.services.enrolment import exports
from app.services.errors import NotFound
from tests.factories import make_offering, make_organisation, make_user

WINTER = datetime(2030, 1, 15, 9, 30, tzinfo=UTC)  # 10:30 in Madrid
SUMMER = datetime(2030, 7, 15, 9, 30, tzinfo=UTC)  # 11:30 in Madrid


@pytest.fixture
def staff(session):
    return make_user(session, role=Role.ORGANISATION_STAFF, organisation=make_organisation(session))


def enrol(session, offering, **user_fields):
    user = make_user(session, **user_fields)
    return places.enrol(session, offering_id=offering.id, user_id=user.id, now=utcnow())


def read_csv(content: bytes) -> list[list[str]]:
    assert content.startswith(b"\xef\xbb\xbf")  # Excel reads UTF-8 only with the BOM
    text = content.decode("utf-8-sig")
    assert text.endswith("\r\n")
    return list(csv.reader(io.StringIO(text, newline=""), delimiter=";"))


def test_csv_is_utf8_with_bom_semicolons_and_crlf():
    table = exports.Table(
        title="Participants",
        headers=["Name", "When"],
        rows=[["Begoña; Ibáñez", WINTER], ["Line\nbreak", None], ["Count", 3]],
    )

    content = exports.to_csv(table)
    rows = read_csv(content)

    assert content.count(b"\r\n") == 4  # one per record; the quoted line break stays
    assert rows == [
        ["Name", "When"],
        ["Begoña; Ibáñez", "15/01/2030 10:30"],
        ["Line\nbreak", ""],
        ["Count", "3"],
    ]


@pytest.mark.parametrize(
    "dangerous", ['=HYPERLINK("http://x")', "+1", "-2+3", "@SUM(A1)", "\tx", "\rx"]
)
def test_csv_cells_that_excel_would_evaluate_are_neutralised(dangerous):
    table = exports.Table(title="x", headers=["Name"], rows=[[dangerous]])

    rows = read_csv(exports.to_csv(table))

    assert rows[1] == ["'" + dangerous]


def test_xlsx_has_a_bold_frozen_header_widths_and_real_madrid_dates():
    table = exports.Table(
        title="Participants",
        headers=["Name", "Enrolled on", "Position"],
        rows=[["=1+1", WINTER, 2], ["A much longer name than the header", SUMMER, None]],
    )

    sheet = openpyxl.load_workbook(io.BytesIO(exports.to_xlsx(table))).active

    assert sheet.title == "Participants"
    assert [cell.value for cell in sheet[1]] == ["Name", "Enrolled on", "Position"]
    assert all(cell.font.b for cell in sheet[1])
    assert sheet.freeze_panes == "A2"
    # Wall-clock Madrid time, winter and summer, with no zone (Excel has none).
    assert sheet["B2"].value.isoformat() == "2030-01-15T10:30:00"
    assert sheet["B3"].value.isoformat() == "2030-07-15T11:30:00"
    assert sheet["B2"].number_format == exports.EXCEL_DATETIME
    assert (sheet["A2"].value, sheet["A2"].data_type) == ("=1+1", "s")  # text, not a formula
    assert sheet["C2"].value == 2
    assert sheet.column_dimensions["A"].width > sheet.column_dimensions["C"].width


def test_participants_export_has_status_and_position_in_the_page_language(session):
    offering = make_offering(session, capacity=1)
    enrol(session, offering, name="Ana", email="ana@example.org")
    enrol(session, offering, name="Ben")
    completed = enrolment.confirmed_participants(session, offering.id)[0]
    completed.completed_at = WINTER

    with force_locale("en"):
        table = exports.participants_table(session, offering)

    assert table.headers == [
        "Name",
        "Email",
        "Municipality",
        "Status",
        "Waiting list position",
        "Enrolled on",
        "Completed on",
    ]
    assert table.rows[0][:5] == [
        "Ana",
        "ana@example.org",
        "Las Rozas de Madrid",
        "Confirmed place",
        None,
    ]
    assert table.rows[0][6] == WINTER
    assert table.rows[1][3:5] == ["On the waiting list", 1]


def test_headers_follow_the_language_of_the_page(session):
    offering = make_offering(session)

    with force_locale("es"):
        spanish = exports.waiting_list_table(session, offering)
    with force_locale("en"):
        english = exports.waiting_list_table(session, offering)

    assert english.headers == ["Position", "Name", "Email", "Municipality", "Waiting since"]
    assert english.title == "Waiting list"
    from flask_babel import gettext

    with force_locale("es"):
        assert spanish.headers[1] == gettext("Name")
        assert spanish.title == gettext("Waiting list")


def test_waiting_list_export_is_in_the_order_it_moves(session):
    offering = make_offering(session, capacity=1)
    enrol(session, offering, name="Seated")
    enrol(session, offering, name="Zoe")
    enrol(session, offering, name="Ana")

    with force_locale("en"):
        table = exports.waiting_list_table(session, offering)

    assert [row[:2] for row in table.rows] == [[1, "Zoe"], [2, "Ana"]]


def test_attendance_export_has_one_column_per_session(session, staff):
    offering = make_offering(session, sessions=3)
    ana = enrol(session, offering, name="Ana")
    ben = enrol(session, offering, name="Ben")
    first, second, _third = offering.sessions
    enrolment.mark_attendance(
        session, first, present=[ana.id, ben.id], actor_id=staff.id, now=utcnow()
    )
    enrolment.mark_attendance(session, second, present=[ana.id], actor_id=staff.id, now=utcnow())
    enrolment.mark_completion(
        session, offering, completed=[ana.id], actor_id=staff.id, now=utcnow()
    )

    with force_locale("en"):
        table = exports.attendance_table(session, offering)

    assert len(table.headers) == 2 + 3 + 2
    assert table.headers[-2:] == ["Sessions attended", "Completed"]
    assert table.rows == [
        ["Ana", ana.user.email, "Present", "Present", "", 2, "Yes"],
        ["Ben", ben.user.email, "Present", "Absent", "", 1, "No"],
    ]


def test_a_closed_account_is_exported_without_personal_data(session):
    offering = make_offering(session)
    place = enrol(session, offering, name="Erased")
    place.user.erased_at = utcnow()
    place.user.email = None

    with force_locale("en"):
        table = exports.participants_table(session, offering)

    assert table.rows[0][:2] == ["Closed account", ""]


def test_every_export_is_recorded_in_the_audit_log(session, staff):
    offering = make_offering(session)
    enrol(session, offering)
    enrol(session, offering)

    with force_locale("en"):
        result = exports.export(
            session, offering, kind="participants", fmt="csv", actor_id=staff.id, now=WINTER
        )

    assert result.rows == 2
    assert result.filename == f"participants-{offering.id}-2030-01-15.csv"
    assert result.mimetype.startswith("text/csv")
    entry = session.scalar(select(AuditEntry))
    assert (entry.action, entry.actor_id, entry.entity_type, entry.entity_id) == (
        "export",
        staff.id,
        "offering",
        offering.id,
    )
    assert entry.after == {"what": "participants", "format": "csv", "rows": 2}


@pytest.mark.parametrize(("kind", "fmt"), [("everything", "csv"), ("participants", "pdf")])
def test_an_unknown_export_is_not_found(session, staff, kind, fmt):
    offering = make_offering(session)

    with pytest.raises(NotFound):
        exports.export(session, offering, kind=kind, fmt=fmt, actor_id=staff.id, now=WINTER)

    assert session.scalar(select(AuditEntry)) is None


def test_the_waiting_list_export_holds_only_waiting_people(session, staff):
    offering = make_offering(session, capacity=1)
    enrol(session, offering)
    waiting = enrol(session, offering)

    result = exports.export(
        session, offering, kind="waiting-list", fmt="xlsx", actor_id=staff.id, now=WINTER
    )

    sheet = openpyxl.load_workbook(io.BytesIO(result.content)).active
    assert sheet.max_row == 2
    assert sheet["C2"].value == waiting.user.email
    assert waiting.status == EnrolmentStatus.WAITING

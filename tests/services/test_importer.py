"""The offerings spreadsheet: every rule of the import contract, without HTTP."""

import csv
import io
from datetime import UTC, datetime

import pytest
from flask_babel import force_locale, gettext, lazy_gettext
from openpyxl import Workbook
from sqlalchemy import func, select

from app.models import (
    Audience,
    Format,
    InstructionLanguage,
    Kind,
    Level,
    Mode,
    Offering,
    OfferingStatus,
    Organisation,
    SearchTerm,
)
from app.services import imports as importer
from app.services.imports import import_offerings
from tests.factories import make_offering, make_organisation

CONTRACT = [column.name for column in importer.COLUMNS if not column.extension]


def row(**changes) -> dict:
    values = {
        "external_id": "LR-2025-001",
        "programme": "bootcamps",
        "kind": "bootcamp",
        "mode": "individual",
        "title_es": "Bootcamp de Python",
        "title_en": "Python bootcamp",
        "summary_es": "Aprende Python desde cero.",
        "summary_en": "Learn Python from scratch.",
        "description_es": "Primer párrafo.\n\nSegundo párrafo con **negrita**.",
        "description_en": "First paragraph.",
        "audience": "residents|unemployed",
        "format": "in-person",
        "language": "es",
        "municipality": "las-rozas",
        "provider": "Academia Código Oeste",
        "venue": "Centro de Innovación",
        "address": "Calle Mayor 1, Las Rozas de Madrid",
        "capacity": "20",
        "price_eur": "",
        "enrolment_opens": "2025-02-01",
        "enrolment_closes": "2025-02-28 14:00",
        "min_age": "16",
        "max_age": "",
        "skills": "python|programación",
        "sessions": "2025-03-04 17:00-19:00;2025-03-11 17:00-19:00",
    }
    values.update(changes)
    return values


def all_columns(rows) -> list[str]:
    return list(dict.fromkeys(name for values in rows for name in values))


def csv_bytes(rows, delimiter=",", bom=False, columns=None) -> bytes:
    columns = columns or all_columns(rows)
    out = io.StringIO(newline="")
    writer = csv.writer(out, delimiter=delimiter)
    writer.writerow(columns)
    for values in rows:
        writer.writerow([values.get(name, "") for name in columns])
    return (b"\xef\xbb\xbf" if bom else b"") + out.getvalue().encode("utf-8")


def xlsx_bytes(rows, columns=None) -> bytes:
    columns = columns or all_columns(rows)
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(columns)
    for values in rows:
        sheet.append([values.get(name) for name in columns])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def offering_count(session) -> int:
    return session.scalar(select(func.count()).select_from(Offering))


def described(result) -> list[str]:
    with force_locale("en"):
        return [error.describe() for error in result.errors]


def described_one(error) -> str:
    with force_locale("en"):
        return error.describe()


def only_error(result) -> importer.RowError:
    assert len(result.errors) == 1, described(result)
    return result.errors[0]


# --- Reading files ----------------------------------------------------------------------


@pytest.mark.parametrize(
    "content",
    [
        csv_bytes([row()]),
        csv_bytes([row()], delimiter=";"),
        csv_bytes([row()], delimiter=";", bom=True),
        csv_bytes([row()], bom=True),
        xlsx_bytes([row()]),
    ],
    ids=["comma", "semicolon", "semicolon-bom", "comma-bom", "xlsx"],
)
def test_a_good_file_creates_a_published_offering_with_everything(session, content):
    result = import_offerings(session, content)

    assert result.ok, described(result)
    assert (result.created, result.updated, result.unchanged) == (1, 0, 0)
    offering = session.scalars(select(Offering)).one()
    assert offering.external_id == "LR-2025-001"
    assert offering.status == OfferingStatus.PUBLISHED
    assert offering.kind == Kind.BOOTCAMP and offering.mode == Mode.INDIVIDUAL
    assert offering.programme.slug == "bootcamps"
    assert offering.municipality.slug == "las-rozas"
    assert offering.format == Format.IN_PERSON
    assert offering.title_es == "Bootcamp de Python"
    assert offering.description_es == "Primer párrafo.\n\nSegundo párrafo con **negrita**."
    assert offering.audiences == [Audience.RESIDENTS, Audience.UNEMPLOYED]
    assert offering.languages == [InstructionLanguage.SPANISH]
    assert offering.skill_list == ["python", "programación"]
    assert offering.capacity == 20 and offering.price_cents == 0
    assert (offering.min_age, offering.max_age) == (16, None)
    # Madrid is UTC+1 in winter: 17:00 there is 16:00 UTC.
    assert [(s.starts_at, s.ends_at) for s in offering.sessions] == [
        (datetime(2025, 3, 4, 16, 0, tzinfo=UTC), datetime(2025, 3, 4, 18, 0, tzinfo=UTC)),
        (datetime(2025, 3, 11, 16, 0, tzinfo=UTC), datetime(2025, 3, 11, 18, 0, tzinfo=UTC)),
    ]
    assert offering.starts_at == datetime(2025, 3, 4, 16, 0, tzinfo=UTC)
    assert offering.enrolment_opens == datetime(2025, 1, 31, 23, 0, tzinfo=UTC)
    assert offering.enrolment_closes == datetime(2025, 2, 28, 13, 0, tzinfo=UTC)
    assert session.scalar(
        select(func.count()).select_from(SearchTerm).filter_by(offering_id=offering.id)
    )


def test_xlsx_cells_may_be_numbers_and_dates(session):
    values = row(
        external_id=1001,
        capacity=25.0,
        min_age=16,
        price_eur=12.5,
        # Excel cells hold naive local times.
        enrolment_opens=datetime(2025, 2, 1),  # noqa: DTZ001
        enrolment_closes=datetime(2025, 2, 28, 14, 0),  # noqa: DTZ001
    )
    result = import_offerings(session, xlsx_bytes([values]))

    assert result.ok, described(result)
    offering = session.scalars(select(Offering)).one()
    assert offering.external_id == "1001"
    assert (offering.capacity, offering.min_age, offering.price_cents) == (25, 16, 1250)
    assert offering.enrolment_opens == datetime(2025, 1, 31, 23, 0, tzinfo=UTC)
    assert offering.enrolment_closes == datetime(2025, 2, 28, 13, 0, tzinfo=UTC)


def test_a_closing_date_without_time_means_the_end_of_that_day(session):
    result = import_offerings(session, csv_bytes([row(enrolment_closes="2025-02-28")]))

    assert result.ok, described(result)
    offering = session.scalars(select(Offering)).one()
    assert offering.enrolment_closes == datetime(2025, 2, 28, 23, 0, tzinfo=UTC)


def test_columns_may_come_in_any_order_and_blank_rows_are_skipped(session):
    columns = list(reversed(list(row())))
    content = csv_bytes([row(), {}, row(external_id="LR-2025-002")], columns=columns)

    result = import_offerings(session, content)

    assert result.ok, described(result)
    assert result.created == 2


def test_a_spanish_decimal_comma_in_the_price_is_understood(session):
    result = import_offerings(session, csv_bytes([row(price_eur="12,50")], delimiter=";"))

    assert result.ok, described(result)
    assert session.scalars(select(Offering)).one().price_cents == 1250


def test_a_latin1_file_saved_from_excel_gets_a_clear_error(session):
    content = csv_bytes([row()], delimiter=";").decode("utf-8").encode("latin-1")

    result = import_offerings(session, content)

    error = only_error(result)
    assert error.row is None
    assert "UTF-8" in described(result)[0]
    assert "line 2" in described(result)[0]


def test_an_old_xls_file_and_a_broken_xlsx_are_refused_with_a_message(session):
    old = import_offerings(session, b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 100)
    broken = import_offerings(session, b"PK\x03\x04 not really a workbook")

    assert ".xls" in described(old)[0]
    assert "Excel workbook" in described(broken)[0]


def test_an_empty_file_and_a_file_without_rows_are_errors(session):
    assert "empty" in described(import_offerings(session, b""))[0]
    header_only = ",".join(CONTRACT).encode()
    assert "no offerings" in described(import_offerings(session, header_only))[0]


# --- The header -------------------------------------------------------------------------


def test_a_missing_required_column_is_named(session):
    values = row()
    del values["capacity"]

    error = only_error(import_offerings(session, csv_bytes([values])))

    assert (error.row, error.column) == (1, "capacity")
    assert "missing from the header row" in described_one(error)


def test_an_unknown_column_is_an_error_with_a_suggestion(session):
    values = row()
    values["capacty"] = values.pop("capacity")

    result = import_offerings(session, csv_bytes([values]))

    columns = {error.column for error in result.errors}
    assert columns == {"capacty", "capacity"}
    assert "Row 1, column “capacty”: unknown column; did you mean “capacity”?" in described(result)


def test_a_repeated_column_is_an_error(session):
    content = csv_bytes([row()], columns=[*row(), "title_es"])

    error = only_error(import_offerings(session, content))

    assert (error.row, error.column) == (1, "title_es")


def test_a_value_under_a_column_without_a_name_is_reported(session):
    columns = [*row(), ""]
    content = csv_bytes([{**row(), "": "lost?"}], columns=columns)

    error = only_error(import_offerings(session, content))

    assert (error.row, error.column) == (2, "Z")


# --- Cells ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("changes", "column", "words"),
    [
        (
            {"capacity": "veinte"},
            "capacity",
            "capacity must be a whole number of places, found “veinte”",
        ),
        ({"capacity": "0"}, "capacity", "at least 1"),
        ({"capacity": ""}, "capacity", "required"),
        ({"external_id": ""}, "external_id", "required"),
        ({"title_es": ""}, "title_es", "required"),
        ({"title_es": "x" * 201}, "title_es", "201 characters"),
        (
            {"programme": "cursos"},
            "programme",
            "“cursos” is not allowed here; use one of: bootcamps",
        ),
        ({"kind": "curso"}, "kind", "“curso”"),
        ({"mode": "libre"}, "mode", "individual, application, class"),
        ({"format": "presencial"}, "format", "in-person, online, hybrid"),
        ({"audience": "residents|jubilados"}, "audience", "“jubilados”"),
        ({"audience": "|"}, "audience", "required"),
        ({"language": "fr"}, "language", "“fr”"),
        ({"municipality": "madrid"}, "municipality", "las-rozas, boadilla-del-monte"),
        ({"municipality": "online"}, "municipality", "must take place in a municipality"),
        ({"venue": ""}, "venue", "in-person and hybrid"),
        ({"format": "hybrid", "address": ""}, "address", "in-person and hybrid"),
        ({"price_eur": "gratis"}, "price_eur", "“gratis”"),
        ({"price_eur": "-5"}, "price_eur", "“-5”"),
        ({"price_eur": "1.005"}, "price_eur", "“1.005”"),
        ({"min_age": "dieciséis"}, "min_age", "whole number of years"),
        ({"min_age": "18", "max_age": "12"}, "max_age", "lower than min_age (18)"),
        ({"enrolment_opens": "01/02/2025"}, "enrolment_opens", "YYYY-MM-DD"),
        ({"enrolment_closes": "2025-02-30"}, "enrolment_closes", "“2025-02-30”"),
        (
            {"enrolment_opens": "2025-03-01", "enrolment_closes": "2025-02-01"},
            "enrolment_closes",
            "closes before it opens",
        ),
        ({"sessions": ""}, "sessions", "required"),
        ({"sessions": "4 de marzo 17:00"}, "sessions", "“4 de marzo 17:00” is not a session"),
        ({"sessions": "2025-03-04 19:00-17:00"}, "sessions", "ends before it starts"),
        ({"sessions": "2025-02-30 17:00-19:00"}, "sessions", "not a real date"),
        ({"status": "cancelled"}, "status", "published, draft"),
        ({"level": "experto"}, "level", "introductory, intermediate, advanced"),
    ],
)
def test_each_bad_cell_is_reported_with_its_row_and_column(session, changes, column, words):
    result = import_offerings(session, csv_bytes([row(external_id="OK-1"), row(**changes)]))

    error = only_error(result)
    assert (error.row, error.column) == (3, column)
    assert words in described(result)[0]
    assert described(result)[0].startswith(f"Row 3, column “{column}”: ")
    assert offering_count(session) == 0


def test_every_error_of_every_row_is_collected_in_spreadsheet_order(session):
    content = csv_bytes(
        [
            row(external_id="A", capacity="veinte", sessions="mañana"),
            row(external_id="B"),
            row(external_id="C", kind="curso", format="online", venue="", address=""),
        ]
    )

    result = import_offerings(session, content)

    assert [(e.row, e.column) for e in result.errors] == [
        (2, "capacity"),
        (2, "sessions"),
        (4, "kind"),
    ]


def test_a_reference_used_twice_in_one_file_is_an_error(session):
    result = import_offerings(session, csv_bytes([row(), row(title_es="Otro")]))

    error = only_error(result)
    assert (error.row, error.column) == (3, "external_id")
    assert "also used in row 2" in described(result)[0]


def test_sessions_accept_an_en_dash_and_a_trailing_separator(session):
    result = import_offerings(session, csv_bytes([row(sessions="2025-07-01 10:00\u201312:00;")]))

    assert result.ok, described(result)
    # Summer time: UTC+2.
    assert session.scalars(select(Offering)).one().starts_at == datetime(
        2025, 7, 1, 8, 0, tzinfo=UTC
    )


def test_an_online_offering_needs_no_venue(session):
    values = row(format="online", municipality="online", venue="", address="", language="es|en")

    result = import_offerings(session, csv_bytes([values]))

    assert result.ok, described(result)
    offering = session.scalars(select(Offering)).one()
    assert set(offering.languages) == {InstructionLanguage.SPANISH, InstructionLanguage.ENGLISH}
    assert offering.venue is None


def test_errors_are_worded_in_the_language_asked_for(session):
    result = import_offerings(session, csv_bytes([row(capacity="veinte")]))

    for lang in ("es", "en"):
        with force_locale(lang):
            expected = gettext(
                "Row %(row)s, column “%(column)s”: %(message)s",
                row=2,
                column="capacity",
                message=lazy_gettext(
                    "capacity must be a whole number of places, found “%(found)s”",
                    found="veinte",
                ),
            )
            assert result.errors[0].describe() == expected


# --- Writing ----------------------------------------------------------------------------


def test_one_bad_row_means_nothing_is_written(session):
    content = csv_bytes(
        [row(external_id="A", provider="Nueva Academia"), row(external_id="B", capacity="x")]
    )

    result = import_offerings(session, content)

    assert not result.ok
    session.flush()
    assert offering_count(session) == 0
    assert session.scalar(select(func.count()).select_from(Organisation)) == 0
    assert not session.new and not session.dirty


def test_importing_again_updates_by_external_id_and_never_duplicates(session):
    assert import_offerings(session, csv_bytes([row()])).ok
    session.commit()

    changed = row(
        title_es="Bootcamp de Python (2.ª edición)",
        audience="students",
        language="en",
        sessions="2025-04-01 10:00-14:00",
        capacity="30",
    )
    result = import_offerings(session, csv_bytes([changed, row(external_id="LR-2025-002")]))
    session.commit()

    assert result.ok, described(result)
    assert (result.created, result.updated, result.unchanged) == (1, 1, 0)
    assert result.outcomes[0].changed == (
        "title_es",
        "audience",
        "language",
        "capacity",
        "sessions",
    )
    assert offering_count(session) == 2
    offering = session.scalars(select(Offering).filter_by(external_id="LR-2025-001")).one()
    assert offering.title_es == "Bootcamp de Python (2.ª edición)"
    assert offering.audiences == [Audience.STUDENTS]
    assert offering.languages == [InstructionLanguage.ENGLISH]
    assert [s.starts_at for s in offering.sessions] == [datetime(2025, 4, 1, 8, tzinfo=UTC)]
    assert offering.capacity == 30
    terms = set(session.scalars(select(SearchTerm.term).filter_by(offering_id=offering.id)))
    assert "edicion" in terms


def test_importing_the_same_file_twice_leaves_everything_unchanged(session):
    content = xlsx_bytes(
        [
            row(),
            row(
                external_id="LR-2025-002",
                format="online",
                municipality="online",
                venue=None,
                address=None,
            ),
        ]
    )
    assert import_offerings(session, content).ok
    session.commit()
    before = {o.external_id: o.updated_at for o in session.scalars(select(Offering))}

    result = import_offerings(session, content)
    session.commit()

    assert (result.created, result.updated, result.unchanged) == (0, 0, 2)
    assert {o.external_id: o.updated_at for o in session.scalars(select(Offering))} == before


def test_a_new_provider_is_added_to_the_ecosystem_map_and_matched_by_name_later(session):
    existing = make_organisation(session, name="Ayuntamiento de Majadahonda")
    content = csv_bytes(
        [
            row(external_id="A", provider="AYUNTAMIENTO DE MAJADAHONDA"),
            row(external_id="B", provider="Nueva Academia Digital", municipality="majadahonda"),
            row(external_id="C", provider="nueva academia digital"),
        ]
    )

    result = import_offerings(session, content)

    assert result.ok, described(result)
    assert result.new_providers == ["Nueva Academia Digital"]
    created = session.scalars(select(Organisation).filter_by(name="Nueva Academia Digital")).one()
    assert created.municipality.slug == "majadahonda"
    assert not created.is_member
    providers = {o.external_id: o.provider for o in session.scalars(select(Offering))}
    assert providers == {"A": existing, "B": created, "C": created}


def test_capacity_cannot_go_below_the_places_already_taken(session):
    make_offering(session, external_id="LR-2025-001", capacity=20, seats_taken=12)
    session.commit()

    result = import_offerings(session, csv_bytes([row(capacity="10")]))

    error = only_error(result)
    assert (error.row, error.column) == (2, "capacity")
    assert "12 places are already taken" in described(result)[0]
    assert session.scalars(select(Offering)).one().capacity == 20


def test_a_draft_status_keeps_the_offering_hidden(session):
    result = import_offerings(session, csv_bytes([row(status="draft", level="advanced")]))

    assert result.ok, described(result)
    offering = session.scalars(select(Offering)).one()
    assert offering.status == OfferingStatus.DRAFT
    assert offering.level == Level.ADVANCED


def test_a_cancelled_offering_is_not_republished_by_a_file_without_status(session):
    make_offering(session, external_id="LR-2025-001", status=OfferingStatus.CANCELLED)
    session.commit()

    assert import_offerings(session, csv_bytes([row()])).ok

    assert session.scalars(select(Offering)).one().status == OfferingStatus.CANCELLED


def test_a_column_left_out_of_the_file_leaves_its_field_alone(session):
    assert import_offerings(session, csv_bytes([row(level="advanced", price_eur="40")])).ok
    values = row()
    del values["price_eur"]

    result = import_offerings(session, csv_bytes([values]))

    assert result.unchanged == 1, result.outcomes
    offering = session.scalars(select(Offering)).one()
    assert (offering.level, offering.price_cents) == (Level.ADVANCED, 4000)


def test_a_dry_run_reports_what_would_change_and_writes_nothing(session):
    assert import_offerings(session, csv_bytes([row()])).ok
    session.commit()
    content = csv_bytes([row(capacity="25"), row(external_id="NEW", provider="Otra Academia")])

    result = import_offerings(session, content, dry_run=True)

    assert result.ok and result.dry_run
    assert [(o.external_id, o.action, o.changed) for o in result.outcomes] == [
        ("LR-2025-001", "updated", ("capacity",)),
        ("NEW", "created", ()),
    ]
    assert result.new_providers == ["Otra Academia"]
    assert not session.new and not session.dirty
    assert offering_count(session) == 1
    assert session.scalars(select(Offering)).one().capacity == 20

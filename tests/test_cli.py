"""The operators' commands: offerings import and seed-demo."""

import pytest
from flask_babel import force_locale, gettext, lazy_gettext
from sqlalchemy import func, select

from app.extensions import db
from app.models import Offering
from tests.services.test_importer import csv_bytes, row


def offering_count(app) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(Offering))


@pytest.fixture
def good_file(tmp_path):
    path = tmp_path / "ofertas.csv"
    path.write_bytes(csv_bytes([row(), row(external_id="LR-2025-002")], delimiter=";", bom=True))
    return path


@pytest.fixture
def bad_file(tmp_path):
    path = tmp_path / "ofertas.csv"
    path.write_bytes(
        csv_bytes([row(external_id="A"), row(external_id="B"), row(capacity="veinte")])
    )
    return path


def test_import_writes_the_offerings_and_prints_a_summary(app, runner, good_file):
    result = runner.invoke(args=["offerings", "import", str(good_file), "--lang", "en"])

    assert result.exit_code == 0, result.output
    assert "Created: 2, updated: 0, unchanged: 0." in result.output
    assert "Academia Código Oeste" in result.output  # a new organisation, announced
    assert offering_count(app) == 2

    again = runner.invoke(args=["offerings", "import", str(good_file), "--lang", "en"])
    assert "Created: 0, updated: 0, unchanged: 2." in again.output
    assert offering_count(app) == 2


@pytest.mark.parametrize("lang", ["es", "en"])
def test_a_bad_file_exits_with_1_lists_each_problem_and_writes_nothing(app, runner, bad_file, lang):
    result = runner.invoke(args=["offerings", "import", str(bad_file), "--lang", lang])

    assert result.exit_code == 1
    with app.app_context(), force_locale(lang):
        expected = gettext(
            "Row %(row)s, column “%(column)s”: %(message)s",
            row=4,
            column="capacity",
            message=lazy_gettext(
                "capacity must be a whole number of places, found “%(found)s”", found="veinte"
            ),
        )
    assert expected in result.stderr
    assert offering_count(app) == 0


def test_errors_are_in_english_when_asked(runner, bad_file):
    result = runner.invoke(args=["offerings", "import", str(bad_file), "--lang", "en"])

    assert result.stderr.splitlines() == [
        "Row 4, column “capacity”: capacity must be a whole number of places, found “veinte”",
        "1 problem found; nothing was imported.",
    ]


def test_spanish_is_the_default_language_of_the_messages(app, runner, bad_file):
    result = runner.invoke(args=["offerings", "import", str(bad_file)])

    with app.app_context(), force_locale("es"):
        summary = gettext("%(num)d problem found; nothing was imported.", num=1)
    assert summary in result.stderr


def test_a_dry_run_reports_and_writes_nothing(app, runner, good_file):
    runner.invoke(args=["offerings", "import", str(good_file)])
    changed = good_file.with_name("changed.csv")
    changed.write_bytes(csv_bytes([row(capacity="30"), row(external_id="NEW")]))

    result = runner.invoke(args=["offerings", "import", str(changed), "--dry-run", "--lang", "en"])

    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    # Each row says its reference, title and status, and what would happen to it.
    assert any(
        line.startswith("Row 2 (LR-2025-001) “")
        and line.endswith(", Published: would change capacity")
        for line in lines
    ), lines
    assert any(
        line.startswith("Row 3 (NEW) “") and line.endswith("”, Published: would be created")
        for line in lines
    ), lines
    assert "Would create 1, update 1, leave 0 unchanged." in result.output
    assert offering_count(app) == 2


def test_a_missing_file_is_a_usage_error(runner, tmp_path):
    result = runner.invoke(args=["offerings", "import", str(tmp_path / "nope.csv")])

    assert result.exit_code == 2


def test_seed_demo_loads_once_and_if_empty_then_leaves_it_alone(app, runner):
    first = runner.invoke(args=["seed-demo", "--lang", "en"])
    assert first.exit_code == 0, first.output
    count = offering_count(app)
    assert count >= 44
    assert f"Created: {count}," in first.output

    skipped = runner.invoke(args=["seed-demo", "--if-empty", "--lang", "en"])
    assert "already has offerings" in skipped.output

    again = runner.invoke(args=["seed-demo", "--lang", "en"])
    assert f"unchanged: {count}." in again.output
    assert offering_count(app) == count


def test_seed_demo_if_empty_loads_an_empty_catalogue(app, runner):
    result = runner.invoke(args=["seed-demo", "--if-empty"])

    assert result.exit_code == 0, result.output
    assert offering_count(app) >= 44

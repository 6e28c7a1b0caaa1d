"""Importing offerings from the browser: the file, then the checked file to apply."""

from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileAllowed, FileField, FileRequired, FileSize
from wtforms import HiddenField

from app.forms import BaseForm

IMPORT_MAX_MEGABYTES = 5
IMPORT_MAX_BYTES = IMPORT_MAX_MEGABYTES * 1024 * 1024
TOO_LARGE = _l(
    "The file is too large: the limit is %(size)s MB. Split it into several files.",
    size=IMPORT_MAX_MEGABYTES,
)


class UploadForm(BaseForm):
    file = FileField(
        _l("Spreadsheet (.xlsx or .csv)"),
        validators=[
            FileRequired(_l("Choose the file to import.")),
            FileAllowed(
                ["xlsx", "csv"],
                _l("Choose an Excel workbook (.xlsx) or a CSV file (.csv)."),
            ),
            FileSize(IMPORT_MAX_BYTES, message=TOO_LARGE),
        ],
        description=_l(
            "Up to %(size)s MB. Nothing is saved yet: first you see what would change.",
            size=IMPORT_MAX_MEGABYTES,
        ),
        render_kw={"accept": ".xlsx,.csv"},
    )


class ApplyForm(BaseForm):
    # The checked file itself, signed: applying needs no server-side state and cannot be
    # given another file than the one that was checked.
    payload = HiddenField()

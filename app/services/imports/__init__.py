"""The offerings spreadsheet (CSV or XLSX): its columns, reading the file, checking each
row, applying it through the offering service, and the downloadable template."""

from app.services.imports.apply import (
    FIELD_COLUMNS,
    ImportResult,
    Outcome,
    import_from_back_office,
    import_offerings,
    import_source,
)
from app.services.imports.columns import (
    COLUMN_NAMES,
    COLUMNS,
    HEADER_ROW,
    IMPORTABLE_STATUSES,
    LIST_SEPARATOR,
    MAX_AGE,
    MAX_CAPACITY,
    REQUIRED_COLUMNS,
    SCALAR_SOURCES,
    SESSION_SEPARATOR,
    SHOWN_VALUE_LENGTH,
    Column,
)
from app.services.imports.reading import (
    RowError,
    SpreadsheetError,
    Table,
    read_table,
)
from app.services.imports.rows import (
    DATE_ONLY,
    DATE_TIME,
    SESSION,
    ParsedRow,
)
from app.services.imports.template import (
    CSV_MIMETYPE,
    DROPDOWN_ROWS,
    MAX_COLUMN_WIDTH,
    XLSX_MIMETYPE,
    example_rows,
    filename,
    template_csv,
    template_xlsx,
)

__all__ = [
    "COLUMNS",
    "COLUMN_NAMES",
    "CSV_MIMETYPE",
    "DATE_ONLY",
    "DATE_TIME",
    "DROPDOWN_ROWS",
    "FIELD_COLUMNS",
    "HEADER_ROW",
    "IMPORTABLE_STATUSES",
    "LIST_SEPARATOR",
    "MAX_AGE",
    "MAX_CAPACITY",
    "MAX_COLUMN_WIDTH",
    "REQUIRED_COLUMNS",
    "SCALAR_SOURCES",
    "SESSION",
    "SESSION_SEPARATOR",
    "SHOWN_VALUE_LENGTH",
    "XLSX_MIMETYPE",
    "Column",
    "ImportResult",
    "Outcome",
    "ParsedRow",
    "RowError",
    "SpreadsheetError",
    "Table",
    "example_rows",
    "filename",
    "import_from_back_office",
    "import_offerings",
    "import_source",
    "read_table",
    "template_csv",
    "template_xlsx",
]

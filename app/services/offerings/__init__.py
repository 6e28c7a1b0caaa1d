"""Running the offer: create, edit, duplicate, publish, unpublish, cancel and archive
offerings and keep their sessions. The back office, the spreadsheet import and the demo
all change offerings through here, under one set of rules."""

from app.services.offerings.agenda import (
    StaffDay,
    staff_day,
)
from app.services.offerings.editing import (
    create_offering,
    duplicate,
    update_offering,
)
from app.services.offerings.images import (
    ALT_LENGTH as IMAGE_ALT_LENGTH,
)
from app.services.offerings.images import (
    CONTENT_TYPE as IMAGE_CONTENT_TYPE,
)
from app.services.offerings.images import (
    MIN_SIZE as IMAGE_MIN_SIZE,
)
from app.services.offerings.images import (
    ImageUpload,
    image_file,
    process_image,
    set_image,
)
from app.services.offerings.images import (
    too_large as image_too_large,
)
from app.services.offerings.lifecycle import (
    archive,
    cancel,
    live_count,
    publish,
    unpublish,
)
from app.services.offerings.listing import (
    list_offerings,
)
from app.services.offerings.notices import (
    OfferingChange,
    cancel_offering,
    live_enrolments,
    notify_offering_changed,
)
from app.services.offerings.rules import (
    AUDITED,
    AUDITED_COLUMNS,
    ENGLISH_FIELD_NAMES,
    ENTITY,
    EXTERNAL_ID_PREFIX,
    PLACEHOLDER_PREFIX,
    REQUIRED_SPANISH,
    SKILL_SEPARATOR,
    TEXT_FIELDS,
    OfferingData,
    OfferingInvalid,
    Saved,
    SessionRow,
    audit_summary,
    capacity_below_places,
    check_data,
    check_publishable,
    missing_english,
    offering_snapshot,
    record_offering,
    session_spans,
)
from app.services.offerings.sessions import (
    match_sessions,
    set_sessions,
)

__all__ = [
    "AUDITED",
    "AUDITED_COLUMNS",
    "ENGLISH_FIELD_NAMES",
    "ENTITY",
    "EXTERNAL_ID_PREFIX",
    "IMAGE_ALT_LENGTH",
    "IMAGE_CONTENT_TYPE",
    "IMAGE_MIN_SIZE",
    "PLACEHOLDER_PREFIX",
    "REQUIRED_SPANISH",
    "SKILL_SEPARATOR",
    "TEXT_FIELDS",
    "ImageUpload",
    "OfferingChange",
    "OfferingData",
    "OfferingInvalid",
    "Saved",
    "SessionRow",
    "StaffDay",
    "archive",
    "audit_summary",
    "cancel",
    "cancel_offering",
    "capacity_below_places",
    "check_data",
    "check_publishable",
    "create_offering",
    "duplicate",
    "image_file",
    "image_too_large",
    "list_offerings",
    "live_count",
    "live_enrolments",
    "match_sessions",
    "missing_english",
    "notify_offering_changed",
    "offering_snapshot",
    "process_image",
    "publish",
    "record_offering",
    "session_spans",
    "set_image",
    "set_sessions",
    "staff_day",
    "unpublish",
    "update_offering",
]

"""An offering's class registrations as a spreadsheet (XLSX, or CSV for Excel in Spain),
through the same writer and audit entry as the participant lists."""

from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Session

from app.models import Offering
from app.services.enrolment import Column, Export, Table, spreadsheet, table_of
from app.services.schools.listing import all_classes

WHAT = "classes"


COLUMNS = (
    Column(_l("School"), lambda reg: reg.school.name),
    Column(_l("Class"), lambda reg: reg.group_name),
    Column(_l("Stage"), lambda reg: str(reg.stage.label)),
    Column(_l("Grade"), lambda reg: reg.grade),
    Column(_l("Pupils"), lambda reg: reg.pupils),
    Column(_l("Accompanying teachers"), lambda reg: reg.teachers),
    Column(_l("Session"), lambda reg: reg.meeting.starts_at),
    Column(_l("Status"), lambda reg: str(reg.status.label)),
    Column(
        _l("Teacher"),
        lambda reg: reg.teacher.name if reg.teacher and reg.teacher.erased_at is None else "",
    ),
    Column(_l("Email"), lambda reg: reg.teacher.email or "" if reg.teacher else ""),
    Column(_l("Phone"), lambda reg: reg.phone),
    Column(_l("Accessibility needs"), lambda reg: reg.accessibility or ""),
    Column(_l("Pupils present"), lambda reg: reg.pupils_present),
    Column(_l("Registered on"), lambda reg: reg.created_at),
)


def classes_table(session: Session, offering: Offering) -> Table:
    return table_of(_l("Classes"), COLUMNS, all_classes(session, offering.id))


def export_classes(session: Session, offering: Offering, *, fmt: str, actor_id: int, now) -> Export:
    return spreadsheet(
        session,
        offering,
        classes_table(session, offering),
        what=WHAT,
        fmt=fmt,
        actor_id=actor_id,
        now=now,
    )

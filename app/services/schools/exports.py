"""An offering's class registrations as a spreadsheet (XLSX, or CSV for Excel in Spain),
through the same writer and audit entry as the participant lists."""

from flask_babel import gettext as _
from sqlalchemy.orm import Session

from app.models import Offering
from app.services.enrolment import Export, Table, spreadsheet
from app.services.schools.listing import all_classes

WHAT = "classes"


def classes_table(session: Session, offering: Offering) -> Table:
    rows = all_classes(session, offering.id)
    return Table(
        title=_("Classes"),
        headers=[
            _("School"),
            _("Class"),
            _("Stage"),
            _("Grade"),
            _("Pupils"),
            _("Accompanying teachers"),
            _("Session"),
            _("Status"),
            _("Teacher"),
            _("Email"),
            _("Phone"),
            _("Accessibility needs"),
            _("Pupils present"),
            _("Registered on"),
        ],
        rows=[
            [
                reg.school.name,
                reg.group_name,
                str(reg.stage.label),
                reg.grade,
                reg.pupils,
                reg.teachers,
                reg.meeting.starts_at,
                str(reg.status.label),
                reg.teacher.name if reg.teacher and reg.teacher.erased_at is None else "",
                reg.teacher.email or "" if reg.teacher else "",
                reg.phone,
                reg.accessibility or "",
                reg.pupils_present,
                reg.created_at,
            ]
            for reg in rows
        ],
    )


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

"""A call's applications as a spreadsheet, Excel-safe as the enrolment exports are (same
writers, same formula neutralising), and recorded in the audit log."""

from datetime import datetime

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Session

from app.i18n import localized
from app.models import Offering, User
from app.services.applications.listing import Row, Sort, call_applications
from app.services.enrolment import Column, Export, Table, spreadsheet, table_of


def _points(value: float | None) -> str:
    return "" if value is None else f"{value:.1f}".replace(".", ",")


def _account(row: Row) -> User | None:
    """The applicant's account while it is open (a closed one is named as such)."""
    user = row.application.user
    return user if user is not None and user.erased_at is None else None


def _label(value) -> str:
    return str(value.label) if value else ""


COLUMNS = (
    Column(_l("Project"), lambda row: row.application.project_name),
    Column(_l("Name"), lambda row: _account(row).name if _account(row) else _("Closed account")),
    Column(_l("Email"), lambda row: (_account(row).email or "") if _account(row) else ""),
    Column(
        _l("Municipality"),
        lambda row: (
            localized(row.application.municipality, "name").text
            if row.application.municipality
            else ""
        ),
    ),
    Column(_l("Status"), lambda row: _label(row.application.status)),
    Column(_l("Reserve list position"), lambda row: row.position),
    Column(_l("Stage"), lambda row: _label(row.application.stage)),
    Column(_l("Sector"), lambda row: row.application.sector or ""),
    Column(_l("Team size"), lambda row: row.application.team_size),
    Column(_l("Website"), lambda row: row.application.website or ""),
    Column(_l("Weighted mean"), lambda row: _points(row.standing.mean) if row.standing else ""),
    Column(_l("Spread"), lambda row: _points(row.standing.spread) if row.standing else ""),
    Column(_l("Reviews"), lambda row: row.standing.reviews if row.standing else None),
    Column(_l("Pending decision"), lambda row: _label(row.application.pending_decision)),
    Column(_l("Submitted on"), lambda row: row.application.submitted_at),
    Column(_l("Confirmed on"), lambda row: row.application.confirmed_at),
)


def applications_table(session: Session, offering: Offering, viewer_id: int) -> Table:
    rows = call_applications(session, offering.id, viewer_id=viewer_id, sort=Sort.MEAN)
    return table_of(_l("Applications"), COLUMNS, rows)


def export_applications(
    session: Session, offering: Offering, *, fmt: str, actor_id: int, now: datetime
) -> Export:
    table = applications_table(session, offering, actor_id)
    return spreadsheet(
        session, offering, table, what="applications", fmt=fmt, actor_id=actor_id, now=now
    )

"""A call's applications as a spreadsheet, Excel-safe as the enrolment exports are (same
writers, same formula neutralising), and recorded in the audit log."""

from datetime import datetime

from flask_babel import gettext as _
from sqlalchemy.orm import Session

from app.i18n import localized
from app.models import Offering
from app.services import audit
from app.services.applications.listing import Sort, call_applications
from app.services.enrolment.exports import (
    CSV_MIMETYPE,
    XLSX_MIMETYPE,
    Export,
    Format,
    Table,
    _madrid,
    to_csv,
    to_xlsx,
)
from app.services.errors import NotFound

_record_offering = audit.recorder("offering")


def _points(value: float | None) -> str:
    return "" if value is None else f"{value:.1f}".replace(".", ",")


def applications_table(session: Session, offering: Offering, viewer_id: int) -> Table:
    rows = call_applications(session, offering.id, viewer_id=viewer_id, sort=Sort.MEAN)
    body = []
    for row in rows:
        application, figures = row.application, row.standing
        user = application.user
        named = user is not None and user.erased_at is None
        body.append(
            [
                application.project_name,
                user.name if named else _("Closed account"),
                (user.email or "") if named else "",
                localized(application.municipality, "name").text
                if application.municipality
                else "",
                str(application.status.label),
                row.position,
                str(application.stage.label) if application.stage else "",
                application.sector or "",
                application.team_size,
                application.website or "",
                _points(figures.mean) if figures else "",
                _points(figures.spread) if figures else "",
                figures.reviews if figures else None,
                str(application.pending_decision.label) if application.pending_decision else "",
                application.submitted_at,
                application.confirmed_at,
            ]
        )
    return Table(
        title=_("Applications"),
        headers=[
            _("Project"),
            _("Name"),
            _("Email"),
            _("Municipality"),
            _("Status"),
            _("Reserve list position"),
            _("Stage"),
            _("Sector"),
            _("Team size"),
            _("Website"),
            _("Weighted mean"),
            _("Spread"),
            _("Reviews"),
            _("Pending decision"),
            _("Submitted on"),
            _("Confirmed on"),
        ],
        rows=body,
    )


def export_applications(
    session: Session, offering: Offering, *, fmt: str, actor_id: int, now: datetime
) -> Export:
    try:
        fmt = Format(fmt)
    except ValueError as error:
        raise NotFound(_("There is no such export.")) from error
    table = applications_table(session, offering, actor_id)
    if fmt == Format.XLSX:
        content, mimetype = to_xlsx(table), XLSX_MIMETYPE
    else:
        content, mimetype = to_csv(table), CSV_MIMETYPE
    _record_offering(
        session,
        offering,
        actor_id,
        "export",
        f"Exported applications of offering {offering.id} as {fmt.value.upper()}: "
        f"{len(table.rows)} rows",
        after={"what": "applications", "format": fmt.value, "rows": len(table.rows)},
    )
    filename = f"applications-{offering.id}-{_madrid(now):%Y-%m-%d}.{fmt.value}"
    return Export(content=content, mimetype=mimetype, filename=filename, rows=len(table.rows))

"""What a breakdown's keys (stored as slugs) read as, in the page's language."""

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.i18n import localized
from app.models import Municipality, Programme
from app.models.enums import (
    AgeBand,
    EducationLevel,
    EmploymentStatus,
    Gender,
    Kind,
    OrganisationKind,
)
from app.services.indicators import BY_CODE

DIMENSIONS = {
    "programme": _l("Programme"),
    "kind": _l("Kind"),
    "municipality": _l("Municipality"),
    "sector": _l("Sector"),
    "source": _l("Source"),
    "term": _l("Words searched"),
    "gender": _l("Gender"),
    "age_band": _l("Age band"),
    "employment_status": _l("Employment status"),
    "education_level": _l("Education level"),
    "residence": _l("Municipality of residence"),
    "disability": _l("Disability"),
}
ENUMS = {
    "gender": Gender,
    "age_band": AgeBand,
    "employment_status": EmploymentStatus,
    "education_level": EducationLevel,
}


class Labels:
    """Reads the names of programmes and municipalities once per page."""

    def __init__(self, session: Session):
        self.programmes = {p.slug: p for p in session.scalars(select(Programme))}
        self.municipalities = {m.slug: m for m in session.scalars(select(Municipality))}

    def key(self, code: str, dimension: str, key: str) -> str:
        if key == "unknown":
            return _("No answer or not known")
        if dimension == "programme" and key in self.programmes:
            return localized(self.programmes[key], "name").text
        if dimension in ("municipality", "residence") and key in self.municipalities:
            return localized(self.municipalities[key], "name").text
        if dimension == "kind":
            kinds = OrganisationKind if code in ("members", "agents") else Kind
            return str(kinds(key).label) if key in kinds._value2member_map_ else key
        if dimension in ENUMS and key in ENUMS[dimension]._value2member_map_:
            return str(ENUMS[dimension](key).label)
        if dimension == "disability":
            return _("Yes") if key == "yes" else _("No")
        if dimension == "source":
            return str(BY_CODE[key].name)
        return key


def dimension(name: str) -> str:
    return str(DIMENSIONS[name])

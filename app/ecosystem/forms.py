"""The directory's filters (GET, no CSRF token): kind, sector, municipality, membership."""

from flask_babel import lazy_gettext as _l
from wtforms import SelectField

from app.admin.organisations_forms import ANY, MEMBERSHIP_CHOICES, options
from app.forms import FilterForm, enum_filter
from app.i18n import localized
from app.models import OrganisationKind
from app.services.organisations import DirectoryFilters


class DirectoryFilterForm(FilterForm):
    kind = enum_filter(_l("Kind"), OrganisationKind, ANY)
    sector = SelectField(_l("Sector"), default="")
    municipality = SelectField(_l("Municipality"), default="")
    member = SelectField(
        _l("Partnership membership"),
        default="",
        choices=options([("yes", _l("Members")), ("no", _l("Not members"))], ANY),
    )

    @classmethod
    def from_args(cls, args, *, sectors, municipalities) -> "DirectoryFilterForm":
        form = cls(formdata=args)
        form.sector.choices = options(((s, s) for s in sectors), ANY)
        form.municipality.choices = options(
            ((m.slug, localized(m, "name").text) for m in municipalities), ANY
        )
        return form

    def filters(self) -> DirectoryFilters:
        return DirectoryFilters(
            kind=self.kind.data,
            sector=self.sector.data or None,
            municipality=self.municipality.data or None,
            member=MEMBERSHIP_CHOICES.get(self.member.data),
        )

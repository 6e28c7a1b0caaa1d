"""Ecosystem map forms: shape only; names, web addresses and dates are checked by
services.organisations, which sets each field from the plain values."""

from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, EmailField, SelectField, StringField, URLField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired, Length

from app.forms import (
    BaseForm,
    DayField,
    FilterForm,
    enum_filter,
    optional_int,
    search_text,
    short_text,
)
from app.i18n import localized
from app.models import OrganisationKind
from app.services.organisations import OrganisationFilters

ANY = _l("Any")
MEMBERSHIP_CHOICES = {"yes": True, "no": False}


def options(pairs, empty_label=None) -> list[SelectChoice]:
    """(value, label) pairs as a select's options, after an empty one if it is labelled."""
    empty = [SelectChoice("", empty_label)] if empty_label is not None else []
    return [*empty, *(SelectChoice(value, label) for value, label in pairs)]


def municipality_choices(places, empty_label) -> list[SelectChoice]:
    return options(((place.id, localized(place, "name").text) for place in places), empty_label)


class OrganisationFilterForm(FilterForm):
    q = search_text(_l("Name or sector"))
    kind = enum_filter(_l("Kind"), OrganisationKind, ANY)
    municipality = SelectField(_l("Municipality"), coerce=optional_int, default="")
    member = SelectField(
        _l("Partnership membership"),
        default="",
        choices=options([("yes", _l("Members")), ("no", _l("Not members"))], ANY),
    )

    def filters(self) -> OrganisationFilters:
        return OrganisationFilters(
            q=self.q.data or "",
            kind=self.kind.data,
            municipality_id=self.municipality.data,
            member=MEMBERSHIP_CHOICES.get(self.member.data),
        )


def _address(label, max_length: int, field, description=""):
    """A web or email address: typed as it is, so the browser does not spell-check it."""
    return short_text(label, max_length, description, field, render_kw={"spellcheck": "false"})


class OrganisationForm(BaseForm):
    name = StringField(_l("Name"), validators=[InputRequired(), Length(max=200)])
    kind = SelectField(
        _l("Kind"),
        choices=lambda: options(OrganisationKind.choices()),
        validators=[InputRequired()],
    )
    sector = short_text(
        _l("Sector"),
        120,
        _l("For example: software, education, public administration."),
        field=StringField,
    )
    municipality = SelectField(_l("Municipality"), coerce=optional_int)
    website = _address(_l("Website"), 300, URLField, _l("The full address, starting with https://"))
    contact_email = _address(_l("Contact email"), 254, EmailField)


class MembershipForm(BaseForm):
    is_member = BooleanField(_l("Member of the partnership"))
    member_since = DayField(
        _l("Member since"), description=_l("Required for a member. Format: YYYY-MM-DD.")
    )
    member_until = DayField(
        _l("Member until"),
        description=_l("Leave it empty while the membership lasts. Format: YYYY-MM-DD."),
    )

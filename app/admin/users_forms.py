"""Users and roles forms: shape only; services.users_admin decides what a change may do."""

from flask_babel import lazy_gettext as _l
from wtforms import SelectField, StringField
from wtforms.validators import InputRequired, Length, NumberRange, Optional

from app.admin.organisations_forms import ANY, options
from app.forms import BaseForm, FilterForm, PageField, optional_enum, optional_int
from app.models import Role
from app.services.accounts import UserFilters


def organisation_choices(organisations, empty_label) -> list[tuple]:
    return [
        ("", empty_label),
        *((organisation.id, organisation.name) for organisation in organisations),
    ]


class UserFilterForm(FilterForm):
    q = StringField(_l("Name or email"), validators=[Optional(), Length(max=100)])
    # default "": no value in the query string means "any", the empty option.
    role = SelectField(_l("Role"), choices=lambda: options(Role.choices(), ANY), default="")
    organisation = SelectField(_l("Organisation"), coerce=optional_int, default="")
    page = PageField(_l("Page"), default=1, validators=[Optional(), NumberRange(min=1)])

    def filters(self) -> UserFilters:
        return UserFilters(
            q=(self.q.data or "").strip(),
            role=optional_enum(Role)(self.role.data),
            organisation_id=self.organisation.data,
        )


class RoleForm(BaseForm):
    role = SelectField(
        _l("Role"), choices=lambda: options(Role.choices()), validators=[InputRequired()]
    )
    organisation = SelectField(
        _l("Organisation"),
        coerce=optional_int,
        description=_l("Required for organisation staff: they act for this organisation only."),
    )

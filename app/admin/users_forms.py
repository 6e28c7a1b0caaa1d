"""Users and roles forms: shape only; services.users_admin decides what a change may do."""

from flask_babel import lazy_gettext as _l
from wtforms import SelectField
from wtforms.validators import InputRequired

from app.admin.organisations_forms import ANY, options
from app.forms import BaseForm, FilterForm, enum_filter, optional_int, search_text
from app.models import Role
from app.services.accounts import UserFilters


def organisation_choices(organisations, empty_label) -> list[tuple]:
    return [
        ("", empty_label),
        *((organisation.id, organisation.name) for organisation in organisations),
    ]


class UserFilterForm(FilterForm):
    q = search_text(_l("Name or email"))
    role = enum_filter(_l("Role"), Role, ANY)
    organisation = SelectField(_l("Organisation"), coerce=optional_int, default="")

    def filters(self) -> UserFilters:
        return UserFilters(
            q=self.q.data or "",
            role=self.role.data,
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

"""Audit log search: plain GET parameters, checked for shape only."""

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from wtforms import IntegerField, SelectField, StringField
from wtforms.validators import Length, NumberRange, Optional, ValidationError

from app.admin.organisations_forms import ANY, options
from app.forms import DayField, FilterForm
from app.services.audit import AuditFilters

# Words for the actions and entities services record; one not listed shows as recorded.
ACTION_LABELS = {
    "create": _l("Created"),
    "update": _l("Changed"),
    "duplicate": _l("Duplicated"),
    "publish": _l("Published"),
    "unpublish": _l("Unpublished"),
    "cancel": _l("Cancelled"),
    "archive": _l("Archived"),
    "membership": _l("Membership changed"),
    "role": _l("Role changed"),
    "import": _l("Imported"),
    "export": _l("Exported"),
}
ENTITY_LABELS = {
    "organisation": _l("Organisation"),
    "user": _l("User"),
    "offering": _l("Offering"),
    "enrolment": _l("Enrolment"),
    "session": _l("Session"),
    "import": _l("Spreadsheet import"),
    "application": _l("Application"),
    "class_registration": _l("Class registration"),
    "school_membership": _l("School membership"),
    "indicator_year": _l("Indicator year"),
    "qualitative_entry": _l("Qualitative record"),
}


def label(labels: dict, value: str | None) -> str:
    return str(labels.get(value, value or ""))


def _choices(labels: dict, recorded: list[str]) -> list:
    values = sorted({*labels, *recorded}, key=lambda value: label(labels, value).casefold())
    return options(((value, label(labels, value)) for value in values), ANY)


class AuditFilterForm(FilterForm):
    actor = StringField(_l("Who (email)"), validators=[Optional(), Length(max=254)])
    # default "": no value in the query string means "any", the empty option.
    action = SelectField(_l("Action"), default="")
    entity_type = SelectField(_l("What"), default="")
    entity_id = IntegerField(
        _l("Number of the record"),
        validators=[Optional(), NumberRange(min=1, max=2**31 - 1)],
    )
    since = DayField(_l("From"), description=_l("Format: YYYY-MM-DD."))
    until = DayField(_l("To"), description=_l("Format: YYYY-MM-DD."))
    q = StringField(_l("Text in the summary"), validators=[Optional(), Length(max=100)])

    def set_choices(self, actions: list[str], entity_types: list[str]) -> None:
        """What the log holds, and what we have words for (a link to the history of an
        organisation with no entry yet is still a valid search)."""
        self.action.choices = _choices(ACTION_LABELS, actions)
        self.entity_type.choices = _choices(ENTITY_LABELS, entity_types)

    def validate_until(self, field):
        if field.data and self.since.data and field.data < self.since.data:
            raise ValidationError(_("The end date cannot be before the start date."))

    def filters(self) -> AuditFilters:
        return AuditFilters(
            actor_email=(self.actor.data or "").strip(),
            action=self.action.data or "",
            entity_type=self.entity_type.data or "",
            entity_id=self.entity_id.data,
            since=self.since.data,
            until=self.until.data,
            q=(self.q.data or "").strip(),
        )

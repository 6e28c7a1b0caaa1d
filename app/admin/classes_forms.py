"""Forms of the class registrations area: shape only; the rules live in services.schools."""

from flask_babel import lazy_gettext as _l
from wtforms import FieldList, IntegerField, SelectField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired, Length, NumberRange, Optional

from app.forms import BaseForm, CheckboxesField, FilterForm, optional_enum, optional_int
from app.models import MAX_CAPACITY, ClassStatus, Stage
from app.services.enrolment import DEFAULT_PAGE_SIZE
from app.services.schools import ClassFilters

ALL = SelectChoice("", _l("All"))


class ClassFilterForm(FilterForm):
    q = StringField(_l("Class or school"), validators=[Optional(), Length(max=100)])
    status = SelectField(
        _l("Status"),
        choices=[ALL, *(SelectChoice(s.value, s.label) for s in ClassStatus)],
        coerce=optional_enum(ClassStatus),
        validators=[Optional()],
    )
    session = SelectField(_l("Session"), coerce=optional_int, validators=[Optional()])
    stage = SelectField(
        _l("Stage"),
        choices=[ALL, *(SelectChoice(s.value, s.label) for s in Stage)],
        coerce=optional_enum(Stage),
        validators=[Optional()],
    )
    page = IntegerField(validators=[Optional(), NumberRange(min=1)], default=1)

    def filters(self) -> ClassFilters:
        return ClassFilters(
            q=self.q.data or "",
            status=self.status.data,
            session_id=self.session.data,
            stage=self.stage.data,
        )

    @property
    def page_number(self) -> int:
        return self.page.data or 1

    per_page = DEFAULT_PAGE_SIZE


class MoveClassForm(BaseForm):
    session = SelectField(_l("New session"), coerce=optional_int, validators=[Optional()])


class DeclineForm(BaseForm):
    reason = TextAreaField(
        _l("Why the class cannot be accepted"),
        validators=[InputRequired(), Length(max=1000)],
        description=_l("The teacher reads it in the email, as you write it."),
        render_kw={"rows": 4},
    )


class PresentForm(BaseForm):
    pupils_present = IntegerField(
        _l("Pupils who came"),
        validators=[Optional()],
        render_kw={"inputmode": "numeric", "min": "0"},
    )


def _positive(label, description):
    return IntegerField(
        label,
        validators=[Optional(), NumberRange(min=1, max=MAX_CAPACITY)],
        description=description,
        render_kw={"inputmode": "numeric", "min": "1"},
    )


class ClassRulesForm(BaseForm):
    stages = CheckboxesField(
        _l("Stages it is for"),
        choices=[SelectChoice(s.value, s.label) for s in Stage],
        coerce=optional_enum(Stage),
    )
    max_classes_per_school = _positive(
        _l("Classes per school at most"), _l("Empty: as many as the sessions hold.")
    )
    pupils_per_teacher = _positive(
        _l("Pupils per accompanying teacher"),
        _l("At least one teacher for every this many pupils. Empty: one teacher per class."),
    )
    # One per session, in the order of the offering's sessions; labelled by the view.
    capacities = FieldList(
        IntegerField(
            validators=[InputRequired(), NumberRange(min=0, max=MAX_CAPACITY)],
            render_kw={"inputmode": "numeric", "min": "0"},
        )
    )

"""Forms of the class registrations area: shape only; the rules live in services.schools."""

from flask_babel import lazy_gettext as _l
from wtforms import FieldList, IntegerField, TextAreaField
from wtforms.validators import InputRequired, Length, NumberRange, Optional

from app.forms import (
    BaseForm,
    FilterForm,
    enum_checkboxes,
    enum_filter,
    id_choice,
    search_text,
)
from app.models import MAX_CAPACITY, ClassStatus, Stage
from app.services.schools import ClassFilters


class ClassFilterForm(FilterForm):
    q = search_text(_l("Class or school"))
    status = enum_filter(_l("Status"), ClassStatus, _l("All"))
    session = id_choice(_l("Session"))
    stage = enum_filter(_l("Stage"), Stage, _l("All"))

    def filters(self) -> ClassFilters:
        return ClassFilters(
            q=self.q.data or "",
            status=self.status.data,
            session_id=self.session.data,
            stage=self.stage.data,
        )


class MoveClassForm(BaseForm):
    session = id_choice(_l("New session"))


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
    stages = enum_checkboxes(_l("Stages it is for"), Stage)
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

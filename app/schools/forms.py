"""Forms of the schools area: shape only; the rules live in services.schools."""

from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, EmailField, IntegerField, RadioField, SelectField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import Email, InputRequired, Length, Optional

from app.forms import BaseForm, id_choice, optional_enum, short_text
from app.models import Stage
from app.services.schools import ClassDetails

PUPILS_HINT = _l("Pupils are counted, never named.")
NONE_CHOSEN = SelectChoice("", _l("None"))


def _count(label, description=None):
    return IntegerField(
        label,
        validators=[Optional()],
        description=description,
        render_kw={"inputmode": "numeric", "min": "1"},
    )


class JoinSchoolForm(BaseForm):
    school = id_choice(
        _l("Your school"),
        _l("If it is not on the list, leave this empty and write its name below."),
    )
    name = short_text(
        _l("Name of a school not on the list"),
        200,
        _l("It joins the map once partnership staff have checked it."),
    )
    municipality = id_choice(_l("Municipality of that school"))


class ClassForm(BaseForm):
    """One class for one session, with up to two alternative sessions in order."""

    group_name = short_text(
        _l("Name of the class"), 80, _l("As the school calls it, for example 4º B.")
    )
    stage = SelectField(_l("Stage"), coerce=optional_enum(Stage), validators=[Optional()])
    grade = short_text(_l("Grade"), 40, _l("For example 4º."))
    pupils = _count(_l("Number of pupils"), PUPILS_HINT)
    teachers = _count(_l("Accompanying teachers"))
    session = id_choice(_l("Session"), field=RadioField)
    first_alternative = id_choice(
        _l("First alternative session"),
        _l("If the session you chose has no room for the whole class."),
    )
    second_alternative = id_choice(_l("Second alternative session"))
    accessibility = TextAreaField(
        _l("Accessibility needs of the group"),
        validators=[Optional(), Length(max=1000)],
        description=_l("For example a wheelchair user, or pupils who need quiet breaks."),
        render_kw={"rows": 3},
    )
    phone = short_text(
        _l("Contact phone for the day"), 40, render_kw={"autocomplete": "tel", "type": "tel"}
    )

    def set_sessions(self, choices, stages) -> None:
        self.session.choices = choices
        self.first_alternative.choices = [NONE_CHOSEN, *choices]
        self.second_alternative.choices = [NONE_CHOSEN, *choices]
        self.stage.choices = [
            SelectChoice("", _l("Choose…")),
            *(SelectChoice(stage.value, stage.label) for stage in stages),
        ]

    @property
    def session_ids(self) -> list[int]:
        chosen = [self.session.data, self.first_alternative.data, self.second_alternative.data]
        return [sid for sid in chosen if sid is not None]

    def details(self) -> ClassDetails:
        return ClassDetails(
            group_name=self.group_name.data or "",
            stage=self.stage.data,
            grade=self.grade.data or "",
            pupils=self.pupils.data,
            teachers=self.teachers.data,
            accessibility=self.accessibility.data or "",
            phone=self.phone.data or "",
        )


class HeadcountForm(BaseForm):
    pupils = _count(_l("Number of pupils"), PUPILS_HINT)
    teachers = _count(_l("Accompanying teachers"))


class MoveForm(BaseForm):
    session = id_choice(_l("New session"), field=RadioField)


class InviteForm(BaseForm):
    email = EmailField(
        _l("Their email address"),
        validators=[InputRequired(), Length(max=254), Email()],
        render_kw={"autocomplete": "off", "spellcheck": "false"},
    )
    coordinator = BooleanField(
        _l("They coordinate the school"),
        description=_l("A coordinator can invite other teachers of the school."),
    )


class SchoolInviteForm(InviteForm):
    """Partnership staff choose the school as well."""

    school = id_choice(_l("School"))

    def set_schools(self, options) -> None:
        self.school.choices = [
            SelectChoice("", _l("Choose…")),
            *(SelectChoice(school.id, school.name) for school in options),
        ]

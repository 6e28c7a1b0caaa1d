"""Forms of the calls area: shape only; the rules live in services.applications."""

from flask_babel import lazy_gettext as _l
from wtforms import EmailField, IntegerField, SelectField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import Email, InputRequired, Length, NumberRange, Optional

from app.forms import BaseForm, StrippedField, optional_enum, stripped
from app.models import MAX_SCALE, MAX_WEIGHT, Decision
from app.services.applications import CriterionAnswers

MESSAGE_MAX = 3000


class DecisionForm(BaseForm):
    decision = SelectField(
        _l("Decision"),
        choices=lambda: [SelectChoice("", _l("No decision yet")), *Decision.choices()],
        coerce=optional_enum(Decision),
        validators=[Optional()],
        description=_l(
            "It stays pending until you send every decision of the call. An acceptance "
            "takes one of the cohort's places at once."
        ),
    )
    rank = IntegerField(
        _l("Position on the reserve list"),
        validators=[Optional(), NumberRange(min=1, max=1000)],
        description=_l("Lower goes first. Left empty: after the last one."),
    )
    message = TextAreaField(
        _l("Message to the applicant"),
        validators=[Optional(), Length(max=MESSAGE_MAX)],
        filters=[stripped],
        description=_l("Sent in the decision email. Needed when the project is not selected."),
        render_kw={"rows": 4},
    )


class CriterionForm(BaseForm):
    name_es = StrippedField(_l("Name in Spanish"), validators=[InputRequired(), Length(max=120)])
    name_en = StrippedField(_l("Name in English"), validators=[Optional(), Length(max=120)])
    description_es = TextAreaField(
        _l("Description in Spanish"),
        validators=[Optional(), Length(max=600)],
        filters=[stripped],
        render_kw={"rows": 3},
    )
    description_en = TextAreaField(
        _l("Description in English"),
        validators=[Optional(), Length(max=600)],
        filters=[stripped],
        render_kw={"rows": 3},
    )
    weight = IntegerField(
        _l("Weight"),
        validators=[InputRequired(), NumberRange(min=1, max=MAX_WEIGHT)],
        description=_l("Its share of the total is shown to applicants as a percentage."),
    )
    scale_max = IntegerField(
        _l("Highest score"),
        validators=[InputRequired(), NumberRange(min=1, max=MAX_SCALE)],
        description=_l("Reviewers score from 0 to this number."),
        default=5,
    )
    position = IntegerField(
        _l("Order"), validators=[Optional(), NumberRange(min=0, max=1000)], default=0
    )

    def answers(self) -> CriterionAnswers:
        return CriterionAnswers(
            name_es=self.name_es.data,
            name_en=self.name_en.data or None,
            description_es=self.description_es.data or None,
            description_en=self.description_en.data or None,
            weight=self.weight.data,
            scale_max=self.scale_max.data,
            position=self.position.data or 0,
        )


class ReviewerForm(BaseForm):
    email = EmailField(
        _l("Reviewer's email address"),
        validators=[InputRequired(), Length(max=254), Email()],
        description=_l(
            "Staff of the organisation that runs the call, or a partnership coordinator."
        ),
        render_kw={"autocomplete": "off", "spellcheck": "false"},
    )

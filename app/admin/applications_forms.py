"""Forms of the calls area: shape only; the rules live in services.applications."""

from flask_babel import lazy_gettext as _l
from wtforms import EmailField
from wtforms.validators import Email, InputRequired, Length, Optional

from app.forms import (
    BaseForm,
    StrippedField,
    long_text,
    optional_enum_choice,
    positive_count,
    whole_number,
)
from app.models import MAX_SCALE, MAX_WEIGHT, Decision
from app.services.applications import CriterionAnswers

MESSAGE_MAX = 3000


class DecisionForm(BaseForm):
    decision = optional_enum_choice(
        _l("Decision"),
        Decision,
        _l("No decision yet"),
        description=_l(
            "It stays pending until you send every decision of the call. An acceptance "
            "takes one of the cohort's places at once."
        ),
    )
    rank = whole_number(
        _l("Position on the reserve list"),
        1,
        1000,
        description=_l("Lower goes first. Left empty: after the last one."),
    )
    message = long_text(
        _l("Message to the applicant"),
        MESSAGE_MAX,
        4,
        description=_l("Sent in the decision email. Needed when the project is not selected."),
    )


class CriterionForm(BaseForm):
    name_es = StrippedField(_l("Name in Spanish"), validators=[InputRequired(), Length(max=120)])
    name_en = StrippedField(_l("Name in English"), validators=[Optional(), Length(max=120)])
    description_es = long_text(_l("Description in Spanish"), 600, 3)
    description_en = long_text(_l("Description in English"), 600, 3)
    weight = positive_count(
        _l("Weight"),
        MAX_WEIGHT,
        _l("Its share of the total is shown to applicants as a percentage."),
    )
    scale_max = positive_count(
        _l("Highest score"), MAX_SCALE, _l("Reviewers score from 0 to this number."), default=5
    )
    position = whole_number(_l("Order"), 0, 1000, default=0)

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

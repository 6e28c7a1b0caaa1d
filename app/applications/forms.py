"""Forms of calls for applications: shape only (lengths, formats, choices). Whether an
answer may be empty, or a file is a PDF, is the service's rule."""

from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField
from wtforms import (
    BooleanField,
    IntegerField,
    SelectField,
    StringField,
    SubmitField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired, Length, Optional, Regexp

from app.forms import (
    BaseForm,
    FilterForm,
    StrippedField,
    long_text,
    optional_enum_choice,
    whole_number,
)
from app.i18n import localized
from app.models import ApplicationStatus, ProjectStage
from app.services.applications import Sort, score_field

DESCRIPTION_MAX = 5000
EXPECTATIONS_MAX = 3000
COMMENT_MAX = 3000
MAX_TEAM = 1000


class ApplicationForm(BaseForm):
    project_name = StrippedField(_l("Project name"), validators=[InputRequired(), Length(max=200)])
    description = long_text(
        _l("Describe your project"),
        DESCRIPTION_MAX,
        8,
        description=_l(
            "What it does, for whom, and what makes it different. Plain text, up to "
            "%(max)s characters.",
            max=DESCRIPTION_MAX,
        ),
    )
    stage = optional_enum_choice(_l("Stage"), ProjectStage, _l("Choose a stage"))
    sector = StrippedField(
        _l("Sector"),
        validators=[Optional(), Length(max=120)],
        description=_l("For example: retail, health, education, tourism."),
    )
    team_size = whole_number(
        _l("People in the team"), 1, MAX_TEAM, render_kw={"inputmode": "numeric"}
    )
    website = StrippedField(
        _l("Website (optional)"),
        validators=[
            Optional(),
            Length(max=300),
            Regexp(
                r"^https?://[^\s/$.?#][^\s]*$",
                message=_l("Enter a web address starting with https:// or http://."),
            ),
        ],
        render_kw={"inputmode": "url", "autocomplete": "url", "spellcheck": "false"},
    )
    expectations = long_text(_l("What do you expect from the programme?"), EXPECTATIONS_MAX, 5)
    pitch_deck = FileField(
        _l("Pitch deck (optional)"),
        render_kw={"accept": "application/pdf,.pdf"},
    )
    remove_pitch_deck = BooleanField(_l("Remove the pitch deck sent before"))
    save_draft = SubmitField(_l("Save as draft"))
    submit = SubmitField(_l("Submit the application"))


class CallFilterForm(FilterForm):
    """A call's list: status, reviews, a search, the order."""

    q = StringField(_l("Project name"), validators=[Optional(), Length(max=100)])
    status = SelectField(
        _l("Status"),
        choices=[
            SelectChoice("", _l("All")),
            *(
                SelectChoice(status.value, status.label)
                for status in ApplicationStatus
                if status != ApplicationStatus.DRAFT
            ),
        ],
        validators=[Optional()],
    )
    min_reviews = whole_number(_l("At least this many reviews"), 0, 100)
    sort = SelectField(
        _l("Order by"),
        choices=[
            SelectChoice(Sort.MEAN.value, _l("Weighted mean, highest first")),
            SelectChoice(Sort.SPREAD.value, _l("Spread, widest first")),
            SelectChoice(Sort.REVIEWS.value, _l("Number of reviews, most first")),
            SelectChoice(Sort.SUBMITTED.value, _l("Date submitted, oldest first")),
            SelectChoice(Sort.NAME.value, _l("Project name")),
        ],
        default=Sort.MEAN.value,
        validators=[Optional()],
    )

    def filters(self) -> dict:
        return {
            "status": ApplicationStatus(self.status.data) if self.status.data else None,
            "min_reviews": self.min_reviews.data,
            "text": self.q.data or "",
            "sort": Sort(self.sort.data or Sort.MEAN.value),
        }


class CommentForm(BaseForm):
    """Abstaining or declaring a conflict: an optional word on why."""

    comment = long_text(_l("Comment (optional)"), COMMENT_MAX, 3)


def score_form(criteria, **kwargs) -> BaseForm:
    """One score per criterion of the call (0 to its scale) and a comment."""

    class ScoreForm(BaseForm):
        comment = long_text(_l("Comment for the selection committee"), COMMENT_MAX, 5)

    for criterion in criteria:
        setattr(
            ScoreForm,
            score_field(criterion),
            IntegerField(
                _l(
                    "%(name)s (0 to %(max)s)",
                    name=localized(criterion, "name").text,
                    max=criterion.scale_max,
                ),
                validators=[Optional()],
                description=localized(criterion, "description").text,
                render_kw={"inputmode": "numeric", "min": 0, "max": criterion.scale_max},
            ),
        )
    return ScoreForm(**kwargs)

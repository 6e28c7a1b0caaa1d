"""Forms of the participants area: shape only; the rules live in services.participants."""

from flask_babel import lazy_gettext as _l
from wtforms import EmailField, SelectField, StringField, SubmitField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import Email, InputRequired, Length, Optional

from app.auth.forms import municipality_choices
from app.forms import (
    BaseForm,
    CheckboxesField,
    FilterForm,
    enum_filter,
    id_choice,
    search_text,
    short_text,
)
from app.i18n import LANGUAGE_NAMES, LANGUAGES
from app.models import EnrolmentStatus
from app.services.enrolment import DEFAULT_PAGE_SIZE, MESSAGE_AUDIENCES, PAGE_SIZES

SUBJECT_MAX = 150
BODY_MAX = 5000


class ParticipantFilterForm(FilterForm):
    """The list's GET parameters: a search, a status, a page."""

    q = search_text(_l("Name or email"))
    status = enum_filter(_l("Status"), EnrolmentStatus, _l("All"))
    per_page = SelectField(
        _l("Rows per page"),
        choices=[SelectChoice(size, str(size)) for size in PAGE_SIZES],
        coerce=int,
        default=DEFAULT_PAGE_SIZE,
        validators=[Optional()],
    )


class EnrolOnBehalfForm(BaseForm):
    email = EmailField(
        _l("Their email address"),
        validators=[InputRequired(), Length(max=254), Email()],
        description=_l("Read it back to them: their confirmation goes there."),
        render_kw={"autocomplete": "off", "spellcheck": "false"},
    )
    name = short_text(
        _l("Full name"),
        120,
        _l("Only needed when the address has no account yet."),
        field=StringField,
        render_kw={"autocomplete": "off"},
    )
    municipality = id_choice(
        _l("Where they live"), _l("Only needed when the address has no account yet.")
    )
    language = SelectField(
        _l("Language for their emails"),
        choices=[
            SelectChoice(code, LANGUAGE_NAMES[code], render_kw={"lang": code}) for code in LANGUAGES
        ],
        validators=[InputRequired()],
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.municipality.choices = [
            SelectChoice(None, _l("Choose…")),
            *municipality_choices(),
        ]


class TickListForm(BaseForm):
    """A bulk tick-list: one checkbox per confirmed participant (the view sets the choices),
    and a button that ticks everyone. ``ticks`` and ``everyone`` are the two, whatever names
    each page gives them in its HTML."""

    ticks_name: str
    everyone_name: str

    @property
    def ticks(self) -> CheckboxesField:
        return self[self.ticks_name]

    @property
    def everyone(self) -> SubmitField:
        return self[self.everyone_name]


class AttendanceForm(TickListForm):
    ticks_name, everyone_name = "present", "all_present"
    present = CheckboxesField(_l("Present"), coerce=int)
    save = SubmitField(_l("Save attendance"))
    all_present = SubmitField(_l("Mark everyone present"))


class CompletionForm(TickListForm):
    ticks_name, everyone_name = "completed", "all_completed"
    completed = CheckboxesField(_l("Completed"), coerce=int)
    save = SubmitField(_l("Save completion"))
    all_completed = SubmitField(_l("Mark everyone as completed"))


class MessageForm(BaseForm):
    audience = CheckboxesField(
        _l("Send to"),
        choices=[SelectChoice(status.value, status.label) for status in MESSAGE_AUDIENCES],
        default=[EnrolmentStatus.CONFIRMED.value],
        validators=[InputRequired(message=_l("Choose who receives the message."))],
    )
    subject = StringField(_l("Subject"), validators=[InputRequired(), Length(max=SUBJECT_MAX)])
    body = TextAreaField(
        _l("Message"),
        validators=[InputRequired(), Length(max=BODY_MAX)],
        description=_l(
            "Plain text. Each person gets it with a greeting, the offering's title and links, "
            "in their own language; your words are sent as you write them."
        ),
        render_kw={"rows": 10},
    )

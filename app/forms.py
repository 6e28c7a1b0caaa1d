"""The form layer shared by every blueprint: shape only (lengths, formats, choices).

Every form derives from ``BaseForm`` (or ``SubForm`` for rows inside a form), which does two
things once for all fields: a choice sent as blanks is the empty choice (no filter, or "this
field is required"), never a value an enum cannot take; and a NUL byte in any text is refused
at its field, because no database column can hold one (PostgreSQL answers an error).
"""

from datetime import UTC, date, datetime

from flask import request
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from werkzeug.datastructures import MultiDict
from wtforms import (
    DateField,
    DateTimeLocalField,
    DecimalField,
    Form,
    IntegerField,
    RadioField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.validators import InputRequired, Length, NumberRange, Optional, ValidationError
from wtforms.widgets import CheckboxInput, ListWidget

from app.localtime import MADRID

# Dates outside this span are typing mistakes, and far-off ones overflow the conversion to UTC.
EARLIEST_DATE = date(2000, 1, 1)
LATEST_DATE = date(2100, 12, 31)
MADRID_TIME_FORMAT = "%Y-%m-%dT%H:%M"  # what a browser's datetime-local input sends

NUL_MESSAGE = _l("This text contains a character that cannot be saved (a NUL byte). Remove it.")
BLANK_CHOICE_MESSAGE = _l("Choose one of the options.")
PAGE_MESSAGE = _l("The page number must be a whole number, 1 or more.")
CHOICE_FIELDS = (SelectField, SelectMultipleField, RadioField)


def stripped(value):
    """A filter: spaces around typed text are nobody's intent."""
    return value.strip() if isinstance(value, str) else value


def _leaf_fields(form):
    for field in form:
        inner = getattr(field, "form", None)  # FormField
        if inner is not None:
            yield from _leaf_fields(inner)
        elif hasattr(field, "entries"):  # FieldList
            for entry in field.entries:
                if getattr(entry, "form", None) is not None:
                    yield from _leaf_fields(entry.form)
                else:
                    yield entry
        else:
            yield field


def _holds_nul(value) -> bool:
    if isinstance(value, str):
        return "\x00" in value
    if isinstance(value, list | tuple):
        return any(_holds_nul(item) for item in value)
    return False


class _CleanInput:
    """What every top-level form does to its fields, those of its rows included."""

    # A GET filter sent blank filters nothing; a form that saves says what is wrong.
    blank_choice_is_empty = False
    _blank_choices: frozenset = frozenset()

    def _blank_choices_as_empty(self, formdata):
        """Whitespace in a choice would pass ``Optional()`` (which clears the "not a valid
        choice" error) and then fail in the enum: make it the empty choice instead, and
        remember where it was sent."""
        if formdata is None:
            return None
        names = {field.name for field in _leaf_fields(self) if isinstance(field, CHOICE_FIELDS)}
        if not names & set(formdata.keys()):
            return formdata
        cleaned, blank = MultiDict(), set()
        for key in formdata:
            for value in formdata.getlist(key):
                if key in names and isinstance(value, str) and value and not value.strip():
                    value = ""
                    blank.add(key)
                cleaned.add(key, value)
        self._blank_choices = frozenset(blank)
        return cleaned

    def validate(self, extra_validators=None):
        valid = super().validate(extra_validators)
        for field in _leaf_fields(self):
            if field.name in self._blank_choices and not self.blank_choice_is_empty:
                field.errors = [*field.errors, str(BLANK_CHOICE_MESSAGE)]
                valid = False
            # After the filters: a field that cleans control characters away may keep its text.
            if _holds_nul(field.data):
                field.errors = [*field.errors, str(NUL_MESSAGE)]
                valid = False
        return valid


def _anchor(field) -> str | None:
    """The id an error summary links to: the input itself, the first of a list of options."""
    if field.type in ("CSRFTokenField", "HiddenField"):
        return None
    return f"{field.id}-0" if hasattr(field, "option_widget") and field.choices else field.id


class BaseForm(_CleanInput, FlaskForm):
    class Meta:
        def wrap_formdata(self, form, formdata):
            return form._blank_choices_as_empty(FlaskForm.Meta.wrap_formdata(self, form, formdata))

    @property
    def problems(self) -> list[tuple[str | None, str]]:
        """What the error summary at the top of the form lists (the GOV.UK pattern): the
        form's own messages, then each field's, named by its label, with the id of the
        input it links to."""
        found = [(None, str(message)) for message in self.form_errors]
        for field in _leaf_fields(self):
            anchor = _anchor(field)
            for message in field.errors:
                found.append((anchor, f"{field.label.text}: {message}" if anchor else str(message)))
        return found


class SubForm(Form):
    """A row inside a ``BaseForm`` (``FormField``): the parent cleans and checks its fields
    with its own, so a row does not do it a second time."""


class WholeNumberField(IntegerField):
    """A whole number whose typing mistakes get the subclass's ``message`` at the field, not
    WTForms' words."""

    message: str

    def process_formdata(self, valuelist):
        try:
            super().process_formdata(valuelist)
        except ValueError as error:
            raise ValueError(self.message) from error


class PageField(WholeNumberField):
    message = PAGE_MESSAGE


class FilterForm(BaseForm):
    """GET parameters of a list or a search: a search changes nothing, so no CSRF token.
    Every list has pages."""

    blank_choice_is_empty = True
    page = PageField(
        _l("Page"), default=1, validators=[Optional(), NumberRange(min=1, message=PAGE_MESSAGE)]
    )

    class Meta:
        csrf = False


def search_text(label, max_length: int = 100) -> StringField:
    """A list's free-text search, trimmed."""
    return short_text(label, max_length)


def enum_filter(label, enum_cls, any_label) -> SelectField:
    """Narrow a list to one value of ``enum_cls``; the first option, ``any_label``, does not."""
    return optional_enum_choice(label, enum_cls, any_label, default="")


def optional_enum_choice(label, enum_cls, empty_label, **kwargs) -> SelectField:
    """One value of ``enum_cls`` or none: the first option, ``empty_label``, is none."""
    return SelectField(
        label,
        coerce=optional_enum(enum_cls),
        choices=lambda: [("", empty_label), *enum_cls.choices()],
        validators=[Optional()],
        **kwargs,
    )


def id_choice(label, description="", field=SelectField):
    """One row chosen by its id, or none: whether one is needed is the service's rule."""
    return field(label, coerce=optional_int, validators=[Optional()], description=description)


def whole_number(label, minimum: int, maximum: int, *, required=False, **kwargs) -> IntegerField:
    """A whole number from ``minimum`` to ``maximum``; left empty only when not ``required``."""
    first = InputRequired() if required else Optional()
    return IntegerField(label, validators=[first, NumberRange(min=minimum, max=maximum)], **kwargs)


def positive_count(label, maximum: int, description="", **kwargs) -> IntegerField:
    """A required whole number from 1 to ``maximum``: how many of something there must be."""
    return whole_number(label, 1, maximum, required=True, description=description, **kwargs)


def long_text(label, max_length: int, rows: int, **kwargs) -> TextAreaField:
    """Optional text of several lines, trimmed, at most ``max_length`` characters."""
    return TextAreaField(
        label,
        validators=[Optional(), Length(max=max_length)],
        filters=[stripped],
        render_kw={"rows": rows},
        **kwargs,
    )


def madrid_time(label, description="") -> DateTimeLocalField:
    """A day and time as staff type it, Madrid wall-clock time (``madrid_to_utc`` for the
    services)."""
    return DateTimeLocalField(
        label, format=MADRID_TIME_FORMAT, validators=[Optional()], description=description
    )


class ConfirmForm(BaseForm):
    """What is confirmed is in the URL; the form only proves the request came from our page."""


class StrippedField(StringField):
    """Text with the spaces around it removed."""

    def __init__(self, label=None, validators=None, filters=(), **kwargs):
        super().__init__(label, validators, filters=[stripped, *filters], **kwargs)


def short_text(label, max_length: int, description="", field=StrippedField, **kwargs):
    """One line of text of at most ``max_length`` characters, which may be left empty
    (trimmed unless ``field`` is another kind of text field)."""
    return field(
        label, validators=[Optional(), Length(max=max_length)], description=description, **kwargs
    )


class CheckboxesField(SelectMultipleField):
    """Several choices as checkboxes in a list: usable without JavaScript, labelled one by one."""

    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


class EurosField(DecimalField):
    """A price in euros; "12,50" as typed in Spain is as good as "12.50"."""

    def process_formdata(self, valuelist):
        if valuelist and valuelist[0]:
            valuelist = [valuelist[0].strip().replace(",", ".")]
        try:
            super().process_formdata(valuelist)
        except ValueError as error:
            raise ValueError(_("Enter an amount in euros, for example 12,50.")) from error


class DayField(DateField):
    """A calendar day as YYYY-MM-DD, what a browser's date input sends."""

    def __init__(self, label, **kwargs):
        super().__init__(label, validators=[Optional()], format="%Y-%m-%d", **kwargs)

    def process_formdata(self, valuelist):
        try:
            super().process_formdata(valuelist)
        except ValueError as error:
            raise ValueError(
                _("Enter a date as YYYY-MM-DD, for example %(example)s.", example="2026-03-15")
            ) from error

    def pre_validate(self, form):
        if self.data and not EARLIEST_DATE <= self.data <= LATEST_DATE:
            raise ValidationError(
                _(
                    "Enter a date between %(first)s and %(last)s.",
                    first=EARLIEST_DATE.isoformat(),
                    last=LATEST_DATE.isoformat(),
                )
            )


def madrid_to_utc(value: datetime | None) -> datetime | None:
    """What staff type (Madrid wall-clock time) as the UTC instant the services take."""
    return value.replace(tzinfo=MADRID).astimezone(UTC) if value else None


def utc_to_madrid(value: datetime | None) -> datetime | None:
    """A stored instant as the Madrid wall-clock time a datetime-local input shows."""
    return value.astimezone(MADRID).replace(tzinfo=None) if value else None


def first_view(data: dict) -> dict | None:
    """A form's values from the database at its first view; once sent, what was sent."""
    return None if request.method == "POST" else data


def enum_choice(label, enum_cls) -> SelectField:
    """A required choice of one value of ``enum_cls``, offered by its labels."""
    return SelectField(
        label, coerce=enum_cls, choices=enum_cls.choices, validators=[InputRequired()]
    )


def enum_checkboxes(label, enum_cls) -> CheckboxesField:
    """Any number of values of ``enum_cls``, one checkbox each."""
    return CheckboxesField(label, coerce=enum_cls, choices=enum_cls.choices)


def optional_int(value) -> int | None:
    """A select's value: empty means "none chosen"."""
    return int(value) if value not in (None, "") else None


def optional_enum(enum_cls):
    """A select's coercion to ``enum_cls``: empty means "none chosen"."""

    def coerce(value):
        if value in (None, ""):
            return None
        return value if isinstance(value, enum_cls) else enum_cls(value)

    return coerce

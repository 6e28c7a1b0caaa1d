"""Account forms: shape only (lengths, formats, choices); the rules live in services.accounts."""

from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, EmailField, PasswordField, SelectField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import Email, EqualTo, InputRequired, Length

from app.extensions import db
from app.forms import BaseForm, optional_int
from app.i18n import LANGUAGE_NAMES, LANGUAGES, current_language, localized
from app.services import accounts
from app.services.accounts import MAX_LENGTH, RULES_HINT

EMAIL_MAX = 254


def _email_field(label=None):
    return EmailField(
        label or _l("Email address"),
        validators=[InputRequired(), Length(max=EMAIL_MAX), Email()],
        render_kw={"autocomplete": "email", "spellcheck": "false"},
    )


def _current_password_field(label=None):
    return PasswordField(
        label or _l("Password"),
        validators=[InputRequired(), Length(max=MAX_LENGTH)],
        render_kw={"autocomplete": "current-password"},
    )


def _new_password_fields(label=None):
    """The new password (with the rules shown beside it) and its repetition."""
    password = PasswordField(
        label or _l("Password"),
        validators=[InputRequired(), Length(max=MAX_LENGTH)],
        description=RULES_HINT,
        render_kw={"autocomplete": "new-password"},
    )
    confirm = PasswordField(
        _l("Repeat the password"),
        validators=[
            InputRequired(),
            EqualTo("password", message=_l("The two passwords are not the same.")),
        ],
        render_kw={"autocomplete": "new-password"},
    )
    return password, confirm


def municipality_choices() -> list[SelectChoice]:
    return [
        SelectChoice(place.id, localized(place, "name").text)
        for place in accounts.residence_options(db.session)
    ]


class SignUpForm(BaseForm):
    name = StringField(
        _l("Full name"),
        validators=[InputRequired(), Length(max=120)],
        render_kw={"autocomplete": "name"},
    )
    email = _email_field()
    password, confirm = _new_password_fields()
    language = SelectField(
        _l("Preferred language for emails"),
        # Each language named in itself, and marked so for screen readers.
        choices=[
            SelectChoice(code, LANGUAGE_NAMES[code], render_kw={"lang": code}) for code in LANGUAGES
        ],
        validators=[InputRequired()],
    )
    # Nothing chosen for the person: some offerings are for residents only.
    municipality = SelectField(
        _l("Where you live"),
        coerce=optional_int,
        validators=[InputRequired(message=_l("Choose where you live, or “Other municipality”."))],
        description=_l("Some activities are reserved for residents of the partnership's towns."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.municipality.choices = [SelectChoice("", _l("Choose…")), *municipality_choices()]
        if not self.is_submitted():
            self.language.data = current_language()


class LoginForm(BaseForm):
    email = _email_field()
    password = _current_password_field()
    remember = BooleanField(_l("Keep me logged in on this device"))


class EmailForm(BaseForm):
    """Just an address: password reset request, new confirmation link."""

    email = _email_field()


class ResetPasswordForm(BaseForm):
    password, confirm = _new_password_fields(_l("New password"))


class ChangePasswordForm(BaseForm):
    current_password = _current_password_field(_l("Current password"))
    password, confirm = _new_password_fields(_l("New password"))

    def answers(self) -> dict:
        return {"current_password": self.current_password.data, "new_password": self.password.data}


class ChangeEmailForm(BaseForm):
    email = _email_field(_l("New email address"))
    password = _current_password_field(_l("Your password"))

    def answers(self) -> dict:
        return {"password": self.password.data, "new_email": self.email.data}


class ReauthenticateForm(BaseForm):
    password = _current_password_field()

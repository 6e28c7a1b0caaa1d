"""Account forms: shape only. Each answer is handed to the service one by one, never copied
onto the model wholesale."""

from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, IntegerField, PasswordField, SelectField
from wtforms.validators import InputRequired, Length, NumberRange, Optional

from app.forms import BaseForm, optional_enum
from app.models import AgeBand, EducationLevel, EmploymentStatus, Gender, ParticipantProfile
from app.services.accounts import EARLIEST_BIRTH_YEAR, MAX_LENGTH, ProfileAnswers

NO_ANSWER = ("", _l("No answer"))
DISABILITY_ANSWERS = {"yes": True, "no": False}


# The questions answered from a list, by field name: the label, the enum of the answers and
# why we ask. The form asks them between the year of birth and disability.
LIST_QUESTIONS = {
    "age_band": (
        _l("Age group"),
        AgeBand,
        _l("Why we ask: to count participants by age group, if you prefer not to give a year."),
    ),
    "gender": (
        _l("Gender"),
        Gender,
        _l("Why we ask: to see whether women and men take part equally in digital training."),
    ),
    "employment_status": (
        _l("Employment situation"),
        EmploymentStatus,
        _l("Why we ask: to see whether training reaches unemployed people and workers alike."),
    ),
    "education_level": (
        _l("Level of education"),
        EducationLevel,
        _l("Why we ask: to see whether training reaches people of every educational background."),
    ),
}


def _list_question(name):
    label, enum_cls, why = LIST_QUESTIONS[name]
    return SelectField(
        label,
        choices=lambda: [NO_ANSWER, *enum_cls.choices()],
        validators=[Optional()],
        description=why,
    )


class ProfileForm(BaseForm):
    birth_year = IntegerField(
        _l("Year of birth"),
        validators=[Optional(), NumberRange(min=EARLIEST_BIRTH_YEAR, max=2100)],
        description=_l(
            "Why we ask: to count participants by age group, and to check the age limits of "
            "the offerings that have them. If you give it, we work out your age group from it."
        ),
        render_kw={"inputmode": "numeric", "autocomplete": "bday-year"},
    )
    age_band = _list_question("age_band")
    gender = _list_question("gender")
    employment_status = _list_question("employment_status")
    education_level = _list_question("education_level")
    disability_consent = BooleanField(
        _l(
            "I explicitly consent to MOT Formación keeping my answer about disability, for the "
            "inclusion figures only. I can withdraw this consent at any time by unticking it, "
            "and my answer is then deleted."
        ),
        description=_l(
            "Disability is health data: we keep the answer below only with this consent "
            "(GDPR art. 9.2.a). Without it, the answer is not saved."
        ),
    )
    disability = SelectField(
        _l("Do you have a recognised disability?"),
        choices=lambda: [
            NO_ANSWER,
            ("yes", str(_l("Yes"))),
            ("no", str(_l("No"))),
        ],
        validators=[Optional()],
        description=_l(
            "Why we ask: to see whether training is accessible to people with disabilities."
        ),
    )

    @classmethod
    def initial(cls, profile: ParticipantProfile | None) -> dict:
        """The stored answers, as the form shows them."""
        if profile is None:
            return {}
        disability = {True: "yes", False: "no"}.get(profile.disability, "")
        return {
            "birth_year": profile.birth_year,
            **{
                name: answer.value if (answer := getattr(profile, name)) else ""
                for name in LIST_QUESTIONS
            },
            "disability_consent": profile.disability_consent_at is not None,
            "disability": disability,
        }

    def answers(self) -> ProfileAnswers:
        return ProfileAnswers(
            birth_year=self.birth_year.data,
            **{
                name: optional_enum(enum_cls)(self[name].data)
                for name, (_label, enum_cls, _why) in LIST_QUESTIONS.items()
            },
            disability_consent=self.disability_consent.data,
            disability=DISABILITY_ANSWERS.get(self.disability.data),
        )

    @property
    def disability_without_consent(self) -> bool:
        return self.disability.data in DISABILITY_ANSWERS and not self.disability_consent.data


class DeleteAccountForm(BaseForm):
    password = PasswordField(
        _l("Your password"),
        validators=[InputRequired(), Length(max=MAX_LENGTH)],
        description=_l("To make sure it is you, type your password again."),
        render_kw={"autocomplete": "current-password"},
    )

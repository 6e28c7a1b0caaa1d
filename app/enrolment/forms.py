"""The enrol step's own form: the year of birth an offering with age limits needs."""

from flask_babel import lazy_gettext as _l
from wtforms.validators import InputRequired
from wtforms.widgets import TextInput

from app.forms import BaseForm, WholeNumberField

YEAR_MESSAGE = _l("Enter your year of birth as four digits, for example 1990.")


class YearField(WholeNumberField):
    """A whole year, typed in a text box (a number box would change it on a scroll); anything
    else gets the same words at the field."""

    widget = TextInput()
    message = YEAR_MESSAGE


class BirthYearForm(BaseForm):
    birth_year = YearField(
        _l("Year of birth"),
        # The service says which years are possible.
        validators=[InputRequired(YEAR_MESSAGE)],
        description=_l(
            "We keep it in your profile, where you can change or delete it, and use it "
            "only for age limits and to count participants by age group."
        ),
        render_kw={"inputmode": "numeric", "autocomplete": "bday-year"},
    )


def limits_text(offering, year: int) -> str:
    """Why the year is asked, in the words of the offering's limits."""
    if offering.min_age is not None and offering.max_age is not None:
        text = _l(
            "This offering is for people aged %(min)s to %(max)s in %(year)s. To check it we "
            "only need your year of birth.",
            min=offering.min_age,
            max=offering.max_age,
            year=year,
        )
    elif offering.min_age is not None:
        text = _l(
            "This offering is for people aged %(min)s or over in %(year)s. To check it we only "
            "need your year of birth.",
            min=offering.min_age,
            year=year,
        )
    else:
        text = _l(
            "This offering is for people aged %(max)s or under in %(year)s. To check it we "
            "only need your year of birth.",
            max=offering.max_age,
            year=year,
        )
    return str(text)

"""The coordinators' indicator pages: shape only, the store checks the rules."""

from flask_babel import lazy_gettext as _l
from wtforms import SelectField, TextAreaField
from wtforms.validators import InputRequired, Length

from app.admin.organisations_forms import ANY, options
from app.forms import BaseForm, FilterForm
from app.impact.labels import DIMENSIONS
from app.services.indicators import LINES, EntryText
from app.services.indicators.qualitative import TEXT_MAX


class FiguresFilterForm(FilterForm):
    breakdown = SelectField(
        _l("Breakdown"), default="", choices=options(list(DIMENSIONS.items()), ANY)
    )


class UnfreezeForm(BaseForm):
    reason = TextAreaField(
        _l("Why the year is unfrozen"),
        validators=[InputRequired(), Length(max=300)],
        description=_l("Kept in the audit log."),
    )


def _text(label, required=False):
    first = [InputRequired()] if required else []
    return TextAreaField(label, validators=[*first, Length(max=TEXT_MAX)])


class QualitativeForm(BaseForm):
    line = SelectField(_l("Line of work"), choices=options(list(LINES.items())))
    outcome_es = _text(_l("Outcome (Spanish)"), required=True)
    outcome_en = _text(_l("Outcome (English)"))
    evidence_es = _text(_l("Evidence (Spanish)"))
    evidence_en = _text(_l("Evidence (English)"))

    def text(self) -> EntryText:
        """The entry's four texts as the store takes them (an empty field is no text)."""
        return EntryText(
            self.outcome_es.data or "",
            self.outcome_en.data or "",
            self.evidence_es.data or "",
            self.evidence_en.data or "",
        )

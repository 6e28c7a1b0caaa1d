"""The catalogue's filters: plain GET parameters, checked for shape only.

The public page and GET /api/v1/offerings read the same parameters through
``CatalogueFilterForm.from_args``, so a link means the same thing to a person and a program.
"""

import unicodedata
from dataclasses import dataclass
from urllib.parse import urlencode

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from werkzeug.datastructures import MultiDict
from wtforms import BooleanField, SelectMultipleField, StringField
from wtforms.validators import Length, ValidationError

from app.forms import DayField, FilterForm
from app.i18n import format_date, localized
from app.models import Audience, Format, InstructionLanguage, Kind
from app.services.catalogue import FACETS, MAX_QUERY_LENGTH, FilterOptions, Filters

QUOTED_VALUE_LENGTH = 40
# What a saved search (an alert) keeps of a search's parameters: not the page, nor
# "available" and "closed", which are about the moment of the search.
SAVED = frozenset({"q", *FACETS, "from", "to", "free", "as_typed"})


def _quoted(value: str) -> str:
    """A visitor's value, shortened, for an error message (Jinja escapes it)."""
    if len(value) > QUOTED_VALUE_LENGTH:
        return value[:QUOTED_VALUE_LENGTH] + "…"
    return value


def _without_control_characters(text: str | None) -> str:
    """Any text is a valid search, but control characters (a NUL byte...) are nobody's words."""
    text = text or ""
    return "".join(char for char in text if unicodedata.category(char) != "Cc" or char in " \t")


def saved_search_args(args) -> MultiDict:
    """A search's parameters as its alert keeps them: only the catalogue's own names, so
    nothing reaches url_for as a keyword."""
    return MultiDict([(name, value) for name, value in args.items(multi=True) if name in SAVED])


def saved_search_url(path: str, args) -> str:
    """``path`` with a search's parameters (a link to ask for its alert, or back)."""
    query = urlencode(list(saved_search_args(args).items(multi=True)))
    return f"{path}?{query}" if query else path


class OptionsField(SelectMultipleField):
    """A repeated parameter (``?kind=a&kind=b``) whose values must be among the choices."""

    def process_formdata(self, valuelist):
        # Empty values come from hand-edited links; they select nothing, so they are dropped.
        self.data = list(dict.fromkeys(value for value in valuelist if value))

    def pre_validate(self, form):
        known = {str(value) for value, _label in self.choices or ()}
        unknown = [value for value in self.data or () if value not in known]
        if unknown:
            raise ValidationError(
                _("“%(value)s” is not one of the options.", value=_quoted(unknown[0]))
            )


class FlagField(BooleanField):
    """``1`` switches the filter on; absent, empty or ``0`` leaves it off."""

    def process_formdata(self, valuelist):
        value = valuelist[0] if valuelist else ""
        if value not in ("", "0", "1"):
            self.data = False
            raise ValueError(_("Use 1 to switch this filter on, or leave it out."))
        self.data = value == "1"


@dataclass(frozen=True)
class AppliedFilter:
    """One value a visitor has chosen; ``remaining`` is the parameter without it (None: gone)."""

    param: str
    label: object
    remaining: list[str] | None


class CatalogueFilterForm(FilterForm):
    q = StringField(
        _l("Search"),
        filters=[_without_control_characters],
        validators=[
            Length(
                max=MAX_QUERY_LENGTH,
                message=_l("The search can be at most %(max)d characters long."),
            )
        ],
    )
    programme = OptionsField(_l("Programme"))
    kind = OptionsField(_l("Kind of activity"), choices=Kind.choices)
    municipality = OptionsField(_l("Municipality"))
    audience = OptionsField(_l("For whom"), choices=Audience.choices)
    format = OptionsField(_l("Format"), choices=Format.choices)
    language = OptionsField(_l("Language of instruction"), choices=InstructionLanguage.choices)
    date_from = DayField(_l("From"), name="from")
    date_to = DayField(_l("To"), name="to")
    available = FlagField(_l("Only with places left and enrolment open"))
    free = FlagField(_l("Only free of charge"))
    closed = FlagField(_l("Also show offerings closed for enrolment"))
    as_typed = FlagField(_l("Search the words as typed"))

    @classmethod
    def from_args(cls, args, options: FilterOptions) -> "CatalogueFilterForm":
        """The form over a request's query string, with the programmes and municipalities
        of this installation as the allowed values."""
        form = cls(formdata=args)
        form.programme.choices = [(p.slug, localized(p, "name")) for p in options.programmes]
        form.municipality.choices = [(m.slug, localized(m, "name")) for m in options.municipalities]
        return form

    def validate_date_to(self, field):
        if field.data and self.date_from.data and field.data < self.date_from.data:
            raise ValidationError(_("The end date cannot be before the start date."))

    @property
    def page_number(self) -> int:
        return self.page.data or 1

    def facet_fields(self) -> list[OptionsField]:
        return [getattr(self, name) for name in FACETS]

    def filters(self) -> Filters:
        """The validated values, as the catalogue service takes them."""
        return Filters(
            q=(self.q.data or "").strip(),
            **{name: tuple(getattr(self, name).data or ()) for name in FACETS},
            date_from=self.date_from.data,
            date_to=self.date_to.data,
            available=bool(self.available.data),
            free=bool(self.free.data),
            closed=bool(self.closed.data),
            as_typed=bool(self.as_typed.data),
        )

    def chosen(self, field, interpretation=None):
        """What the filter form shows chosen for ``field``: its values in the query string
        and those the search words named (for a flag: whether either switched it on), so
        the form agrees with the chips and submitting it keeps every filter applied."""
        named = [
            item.value
            for item in (interpretation.named if interpretation else ())
            if item.filter == field.name
        ]
        if isinstance(field, FlagField):
            return bool(field.data or named)
        values = list(field.data or [])
        return values + [value for value in named if value not in values]

    def search_text(self, interpretation=None) -> str:
        """The search box's text: as typed, or, once words of it became filters (ticked in
        the form), the words left to search, so submitting the form searches the same."""
        if interpretation is not None and interpretation.named:
            return interpretation.remaining
        return self.q.data or ""

    def named_filters(self, interpretation) -> list[AppliedFilter]:
        """The filters the search words named, each removable by taking its words out of
        the search (``remaining`` is the search without them)."""
        if interpretation is None:
            return []
        typed = (self.q.data or "").strip()
        chips = []
        for named in interpretation.named:
            if named.filter == "free":
                label = _("Free of charge")
            else:
                label = dict(getattr(self, named.filter).choices or ()).get(
                    named.value, named.value
                )
            remaining = interpretation.without(named, typed)
            chips.append(AppliedFilter("q", label, [remaining] if remaining else None))
        return chips

    def applied(self) -> list[AppliedFilter]:
        """Every chosen value, each removable on its own (the rest of the search kept)."""
        applied = []
        if self.q.data and self.q.data.strip():
            label = _("Search: %(text)s", text=self.q.data.strip())
            applied.append(AppliedFilter("q", label, None))
        for field in self.facet_fields():
            labels = dict(field.choices or ())
            chosen = field.data or []
            for value in chosen:
                others = [other for other in chosen if other != value] or None
                applied.append(AppliedFilter(field.name, labels.get(value, value), others))
        if self.date_from.data:
            label = _("From %(date)s", date=format_date(self.date_from.data, "medium"))
            applied.append(AppliedFilter("from", label, None))
        if self.date_to.data:
            label = _("To %(date)s", date=format_date(self.date_to.data, "medium"))
            applied.append(AppliedFilter("to", label, None))
        for field in (self.available, self.free, self.closed):
            if field.data:
                applied.append(AppliedFilter(field.name, field.label.text, None))
        return applied

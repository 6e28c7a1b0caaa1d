"""Offering forms of the back office: shape only (lengths, formats, choices).

The rules (dates in order, capacity above the places given, what publishing needs) live in
services.offering_admin. Staff type Madrid times; these forms hand the service UTC.
"""

from datetime import UTC, datetime
from decimal import ROUND_HALF_UP, Decimal

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField
from wtforms import (
    BooleanField,
    DateField,
    FieldList,
    FormField,
    HiddenField,
    SelectField,
    TextAreaField,
    TimeField,
)
from wtforms.validators import InputRequired, Length, NumberRange, Optional, ValidationError

from app.forms import (
    BaseForm,
    EurosField,
    FilterForm,
    StrippedField,
    SubForm,
    enum_checkboxes,
    enum_choice,
    enum_filter,
    id_choice,
    madrid_time,
    madrid_to_utc,
    optional_enum,
    positive_count,
    search_text,
    short_text,
    stripped,
    utc_to_madrid,
    whole_number,
)
from app.i18n import LANGUAGES
from app.localtime import MADRID
from app.models import MAX_AGE, MAX_CAPACITY, enums
from app.services.offerings import (
    IMAGE_ALT_LENGTH,
    IMAGE_MIN_SIZE,
    SKILL_SEPARATOR,
    TEXT_FIELDS,
    ImageUpload,
    OfferingData,
    SessionRow,
)

BLANK_SESSION_ROWS = 3
MAX_SESSION_ROWS = 80
MAX_CANCELLATION_HOURS = 24 * 60
MAX_PRICE = Decimal("100000")
SKILLS_LENGTH = 500


class SessionRowForm(SubForm):
    """One session row; a row left entirely empty is no session."""

    id = HiddenField()
    day = DateField(_l("Date"), validators=[Optional()])
    start_time = TimeField(_l("Starts"), validators=[Optional()])
    end_time = TimeField(_l("Ends"), validators=[Optional()])
    venue = StrippedField(_l("Venue, if not the offering's"), validators=[Length(max=200)])
    address = StrippedField(_l("Address, if not the offering's"), validators=[Length(max=300)])
    remove = BooleanField(_l("Remove this session"))

    @property
    def is_blank(self) -> bool:
        return all(
            field.data is None and not (field.raw_data and field.raw_data[0])
            for field in (self.day, self.start_time, self.end_time)
        )

    def validate(self, extra_validators=None):
        if not super().validate(extra_validators):
            return False
        if self.remove.data or self.is_blank:
            return True
        missing = [f for f in (self.day, self.start_time, self.end_time) if f.data is None]
        for field in missing:
            field.errors = [*field.errors, _("Give the date, start and end of the session.")]
        return not missing

    def session_row(self, key: str) -> SessionRow:
        def moment(time):
            local = datetime.combine(self.day.data, time).replace(tzinfo=MADRID)
            return local.astimezone(UTC)

        return SessionRow(
            starts_at=moment(self.start_time.data),
            ends_at=moment(self.end_time.data),
            venue=self.venue.data or None,
            address=self.address.data or None,
            id=int(self.id.data) if (self.id.data or "").isdigit() else None,
            key=key,
        )


def _text(label, limit=None, area=False, description=None):
    validators = [Length(max=limit)] if limit else []
    if area:
        return TextAreaField(
            label, filters=[stripped], validators=validators, description=description
        )
    return StrippedField(label, validators=validators, description=description)


MARKDOWN_HINT = _l(
    "Markdown: **bold**, *italics*, lists with “- ”, a blank line between paragraphs."
)


class OfferingForm(BaseForm):
    # Both languages of each text, side by side in the page.
    title_es = _text(_l("Title in Spanish"), 200)
    title_en = _text(_l("Title in English"), 200)
    summary_es = _text(_l("Summary in Spanish"), 500, area=True)
    summary_en = _text(_l("Summary in English"), 500, area=True)
    description_es = _text(_l("Description in Spanish"), area=True, description=MARKDOWN_HINT)
    description_en = _text(_l("Description in English"), area=True, description=MARKDOWN_HINT)
    prerequisites_es = _text(_l("Prerequisites in Spanish"), area=True)
    prerequisites_en = _text(_l("Prerequisites in English"), area=True)

    external_id = short_text(
        _l("Reference"), 80, _l("Leave it empty to number the offering automatically (MOT-…).")
    )
    programme_id = SelectField(_l("Programme"), coerce=int, validators=[InputRequired()])
    kind = enum_choice(_l("Type"), enums.Kind)
    mode = enum_choice(_l("How people join"), enums.Mode)
    level = SelectField(
        _l("Level"),
        coerce=optional_enum(enums.Level),
        choices=lambda: [("", _("Not stated")), *enums.Level.choices()],
        validators=[Optional()],
    )
    format = enum_choice(_l("Format"), enums.Format)
    audiences = enum_checkboxes(_l("Who it is for"), enums.Audience)
    languages = enum_checkboxes(_l("Language of instruction"), enums.InstructionLanguage)
    skills = StrippedField(
        _l("Skills"),
        validators=[Length(max=SKILLS_LENGTH)],
        description=_l("Keywords separated by commas, for example: python, data analysis."),
    )
    provider_id = SelectField(_l("Provider"), coerce=int, validators=[InputRequired()])
    municipality_id = SelectField(_l("Municipality"), coerce=int, validators=[InputRequired()])
    venue = _text(_l("Venue"), 200)
    address = _text(_l("Address"), 300)

    capacity = positive_count(
        _l("Places"),
        MAX_CAPACITY,
        _l("Pupils for class registration; the cohort size for applications."),
    )
    price = EurosField(
        _l("Price in euros"),
        places=2,
        validators=[Optional(), NumberRange(min=0, max=MAX_PRICE)],
        description=_l("Leave it empty or 0 when it is free."),
    )
    min_age = whole_number(_l("Minimum age"), 0, MAX_AGE)
    max_age = whole_number(_l("Maximum age"), 0, MAX_AGE)
    residents_only = BooleanField(_l("Only for residents of the partnership's municipalities"))
    enrolment_opens = madrid_time(
        _l("Enrolment opens"), _l("Madrid time. Empty: open as soon as it is published.")
    )
    enrolment_closes = madrid_time(
        _l("Enrolment closes"), _l("Madrid time. Empty: when the first session starts.")
    )
    cancellation_hours = whole_number(
        _l("Participants may cancel until (hours before the first session)"),
        0,
        MAX_CANCELLATION_HOURS,
        required=True,
        default=24,
    )

    image = FileField(
        _l("Upload an image"),
        description=_l(
            "A JPEG, PNG or WebP photo, at least %(width)d by %(height)d pixels; it is "
            "cropped to 16:9 and compressed. Without one, the programme's illustration is "
            "shown.",
            width=IMAGE_MIN_SIZE[0],
            height=IMAGE_MIN_SIZE[1],
        ),
        render_kw={"accept": "image/jpeg,image/png,image/webp"},
    )
    image_alt_es = _text(_l("What the image shows, in Spanish"), IMAGE_ALT_LENGTH)
    image_alt_en = _text(_l("What the image shows, in English"), IMAGE_ALT_LENGTH)
    remove_image = BooleanField(_l("Remove the image (show the programme's illustration)"))

    sessions = FieldList(
        FormField(SessionRowForm),
        min_entries=BLANK_SESSION_ROWS,
        max_entries=MAX_SESSION_ROWS,
    )

    def __init__(self, *args, programmes=(), providers=(), municipalities=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.programme_id.choices = list(programmes)
        self.provider_id.choices = list(providers)
        self.municipality_id.choices = list(municipalities)

    @classmethod
    def initial(cls, offering) -> dict:
        """The form's values for a stored offering (Madrid times, euros, comma lists)."""
        data = {
            name: getattr(offering, name)
            for name in (
                *(f"{field}_{lang}" for field in TEXT_FIELDS for lang in LANGUAGES),
                "external_id",
                "programme_id",
                "kind",
                "mode",
                "level",
                "format",
                "provider_id",
                "municipality_id",
                "venue",
                "address",
                "capacity",
                "min_age",
                "max_age",
                "residents_only",
                "cancellation_hours",
                "image_alt_es",
                "image_alt_en",
            )
        }
        data.update(
            audiences=list(offering.audiences),
            languages=list(offering.languages),
            skills=", ".join(offering.skill_list),
            price=Decimal(offering.price_cents) / 100 if offering.price_cents else None,
            enrolment_opens=utc_to_madrid(offering.enrolment_opens),
            enrolment_closes=utc_to_madrid(offering.enrolment_closes),
            sessions=[
                {
                    "id": str(item.id),
                    "day": item.starts_at.astimezone(MADRID).date(),
                    "start_time": item.starts_at.astimezone(MADRID).time(),
                    "end_time": item.ends_at.astimezone(MADRID).time(),
                    "venue": item.venue,
                    "address": item.address,
                }
                for item in offering.sessions
            ],
        )
        return data

    def add_blank_rows(self) -> None:
        """Some empty rows after the filled ones ("add more rows" submits the form)."""
        blank = sum(1 for entry in self.sessions if entry.form.is_blank)
        while blank < BLANK_SESSION_ROWS and len(self.sessions) < MAX_SESSION_ROWS:
            self.sessions.append_entry()
            blank += 1

    def validate_skills(self, field):
        if any(len(skill) > 60 for skill in self.skill_list()):
            raise ValidationError(_("Each skill can have at most 60 characters."))

    def skill_list(self) -> tuple[str, ...]:
        text = (self.skills.data or "").replace(SKILL_SEPARATOR, ",")
        return tuple(dict.fromkeys(part.strip() for part in text.split(",") if part.strip()))

    def offering_data(self, provider_id: int) -> OfferingData:
        price = self.price.data or Decimal(0)
        return OfferingData(
            **{
                f"{field}_{lang}": getattr(self, f"{field}_{lang}").data or ""
                for field in TEXT_FIELDS
                for lang in LANGUAGES
            },
            external_id=self.external_id.data or None,
            programme_id=self.programme_id.data,
            kind=self.kind.data,
            mode=self.mode.data,
            level=self.level.data,
            format=self.format.data,
            audiences=frozenset(self.audiences.data or ()),
            languages=frozenset(self.languages.data or ()),
            skills=self.skill_list(),
            provider_id=provider_id,
            municipality_id=self.municipality_id.data,
            venue=self.venue.data,
            address=self.address.data,
            capacity=self.capacity.data,
            price_cents=int((price * 100).quantize(Decimal(1), rounding=ROUND_HALF_UP)),
            min_age=self.min_age.data,
            max_age=self.max_age.data,
            residents_only=self.residents_only.data,
            enrolment_opens=madrid_to_utc(self.enrolment_opens.data),
            enrolment_closes=madrid_to_utc(self.enrolment_closes.data),
            cancellation_hours=self.cancellation_hours.data,
        )

    def image_upload(self) -> ImageUpload:
        upload = self.image.data
        data = upload.read() if upload and upload.filename else None
        return ImageUpload(
            data=data,
            alt_es=self.image_alt_es.data or "",
            alt_en=self.image_alt_en.data or "",
            remove=self.remove_image.data,
        )

    def session_rows(self) -> list[SessionRow]:
        return [
            entry.form.session_row(entry.name)
            for entry in self.sessions
            if not (entry.form.remove.data or entry.form.is_blank)
        ]


class OfferingFilterForm(FilterForm):
    """The list's search and filters: GET parameters, shape only."""

    q = search_text(_l("Title or reference"), 200)
    status = enum_filter(_l("Status"), enums.OfferingStatus, _l("Any status"))
    programme = id_choice(_l("Programme"))
    kind = enum_filter(_l("Type"), enums.Kind, _l("Any type"))

    def __init__(self, *args, programmes=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.programme.choices = [("", _("Any programme")), *programmes]


class DuplicateForm(BaseForm):
    first_day = DateField(
        _l("Date of the first session of the new run"),
        validators=[InputRequired(message=_l("Give the date of the first session."))],
        description=_l("Every session moves by the same number of days, at the same times."),
    )


class CancelForm(BaseForm):
    confirm = BooleanField(
        _l("I understand: every participant is told that the offering is cancelled."),
        validators=[InputRequired(message=_l("Tick the box to confirm the cancellation."))],
    )

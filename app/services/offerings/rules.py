"""What an offering must be: the values staff set, the checks before saving and before
publishing, and what an audit entry compares."""

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime

from flask_babel import lazy_gettext as _l
from flask_babel import lazy_ngettext

from app.models import LIST_SEPARATOR, Offering, enums
from app.services import audit
from app.services.catalogue import freshness
from app.services.errors import DomainError

ENTITY = "offering"
_record = audit.recorder(ENTITY)


def record_offering(session, offering, actor_id, action, summary, before=None, after=None):
    """Audit an offer-side change, and move the catalogue version in the same transaction:
    every change to what a public page shows (create, edit, sessions, publish, unpublish,
    cancel, archive, duplicate, and so the import) is recorded through here."""
    freshness.bump_version(session)
    return _record(session, offering, actor_id, action, summary, before, after)


EXTERNAL_ID_PREFIX = "MOT-"
PLACEHOLDER_PREFIX = "new-"
SKILL_SEPARATOR = LIST_SEPARATOR
REQUIRED_SPANISH = ("title", "summary", "description")
TEXT_FIELDS = ("title", "summary", "description", "prerequisites")


# The columns an audit entry compares; sessions, audiences and languages are added as lists.
AUDITED_COLUMNS = (
    "external_id",
    "status",
    *(f"{name}_{lang}" for name in TEXT_FIELDS for lang in ("es", "en")),
    "programme_id",
    "kind",
    "mode",
    "level",
    "format",
    "skills",
    "provider_id",
    "municipality_id",
    "venue",
    "address",
    "capacity",
    "price_cents",
    "min_age",
    "max_age",
    "residents_only",
    "enrolment_opens",
    "enrolment_closes",
    "cancellation_hours",
)

AUDITED = (*AUDITED_COLUMNS, "audiences", "languages", "session_spans")


@dataclass(frozen=True)
class OfferingData:
    """Everything staff set on an offering, as plain values (times aware, in UTC)."""

    title_es: str
    summary_es: str
    description_es: str
    programme_id: int
    kind: enums.Kind
    mode: enums.Mode
    format: enums.Format
    provider_id: int
    municipality_id: int
    capacity: int
    title_en: str | None = None
    summary_en: str | None = None
    description_en: str | None = None
    prerequisites_es: str | None = None
    prerequisites_en: str | None = None
    level: enums.Level | None = None
    audiences: frozenset[enums.Audience] = frozenset()
    languages: frozenset[enums.InstructionLanguage] = frozenset()
    skills: tuple[str, ...] = ()
    venue: str | None = None
    address: str | None = None
    price_cents: int = 0
    min_age: int | None = None
    max_age: int | None = None
    residents_only: bool = False
    enrolment_opens: datetime | None = None
    enrolment_closes: datetime | None = None
    cancellation_hours: int = 24
    external_id: str | None = None  # None: keep the stored one, or generate one for a new row

    @classmethod
    def of(cls, offering: Offering) -> "OfferingData":
        """The values an offering has now: the start of a change to some of them."""
        values = {
            name: getattr(offering, name)
            for name in cls.__dataclass_fields__
            if name not in ("audiences", "languages", "skills")
        }
        return cls(
            **values,
            audiences=frozenset(offering.audiences),
            languages=frozenset(offering.languages),
            skills=tuple(offering.skill_list),
        )


@dataclass(frozen=True)
class SessionRow:
    """One session as staff want it. ``id`` names a stored session (kept, so its attendance
    stays); ``key`` is the caller's name for the row, used in error field names."""

    starts_at: datetime
    ends_at: datetime
    venue: str | None = None
    address: str | None = None
    id: int | None = None
    key: str = "sessions"


@dataclass
class Saved:
    offering: Offering
    warnings: list = field(default_factory=list)  # lazy strings: saved, but worth a look


class OfferingInvalid(DomainError):
    """One or more fields refused at once, each message at its own field."""

    def __init__(self, problems: Sequence[tuple[str | None, object]], status_code: int = 422):
        super().__init__(problems=problems, status_code=status_code)


def capacity_below_places(taken: int) -> OfferingInvalid:
    return OfferingInvalid(
        [
            (
                "capacity",
                lazy_ngettext(
                    "%(num)d place is already given: the capacity cannot be lower.",
                    "%(num)d places are already given: the capacity cannot be lower.",
                    taken,
                ),
            )
        ],
        status_code=409,
    )


ENGLISH_FIELD_NAMES = {
    "title": _l("title"),
    "summary": _l("summary"),
    "description": _l("description"),
    "prerequisites": _l("prerequisites"),
}


def missing_english(offering: Offering) -> list:
    """The names (translated) of English text fields left empty where the Spanish one is
    filled: English readers see the Spanish text there."""
    return [
        ENGLISH_FIELD_NAMES[name]
        for name in TEXT_FIELDS
        if getattr(offering, f"{name}_es") and not getattr(offering, f"{name}_en")
    ]


def session_spans(offering: Offering) -> list[list]:
    return [
        [item.starts_at.isoformat(), item.ends_at.isoformat(), item.venue, item.address]
        for item in offering.sessions
    ]


def audit_summary(offering: Offering, what: str, source: str | None) -> str:
    """ "MOT-7: capacity, sessions (import ofertas.xlsx)"."""
    return f"{offering.external_id}: {what}" + (f" ({source})" if source else "")


def offering_snapshot(offering: Offering) -> dict:
    data = audit.snapshot(offering, AUDITED_COLUMNS)
    data["audiences"] = sorted(item.value for item in offering.audiences)
    data["languages"] = sorted(item.value for item in offering.languages)
    data["session_spans"] = session_spans(offering)
    return data


def check_data(data: OfferingData, rows: Sequence[SessionRow]) -> list:
    """Refuse what can never be right; return warnings for what is merely unusual."""
    problems: list[tuple[str, object]] = []
    warnings = []
    if data.min_age is not None and data.max_age is not None and data.min_age > data.max_age:
        problems.append(("max_age", _l("The maximum age is lower than the minimum age.")))
    for row in rows:
        if row.ends_at <= row.starts_at:
            problems.append((f"{row.key}-end_time", _l("The session ends before it starts.")))
    first_start = min((row.starts_at for row in rows), default=None)
    last_end = max((row.ends_at for row in rows), default=None)
    opens, closes = data.enrolment_opens, data.enrolment_closes
    if opens and closes and closes <= opens:
        problems.append(("enrolment_closes", _l("Enrolment closes before it opens.")))
    elif opens and not closes and first_start and opens >= first_start:
        problems.append(
            (
                "enrolment_opens",
                _l(
                    "Enrolment would open after the first session has started. Open it "
                    "earlier, or say when it closes."
                ),
            )
        )
    if closes and last_end and closes > last_end:
        problems.append(
            ("enrolment_closes", _l("Enrolment closes after the last session has ended."))
        )
    elif closes and first_start and closes > first_start:
        warnings.append(_l("Enrolment stays open after the first session: people may join late."))
    if problems:
        raise OfferingInvalid(problems)
    return warnings


def check_publishable(offering: Offering | OfferingData, *, has_sessions: bool) -> None:
    """What the catalogue page needs; ``offering`` is a stored row or the values to save."""
    problems: list[tuple[str | None, object]] = []
    messages = {
        "title": _l("Write the Spanish title before publishing."),
        "summary": _l("Write the Spanish summary before publishing."),
        "description": _l("Write the Spanish description before publishing."),
    }
    for name in REQUIRED_SPANISH:
        if not (getattr(offering, f"{name}_es") or "").strip():
            problems.append((f"{name}_es", messages[name]))
    if not has_sessions:
        problems.append(("sessions", _l("Add at least one session before publishing.")))
    if not offering.audiences:
        problems.append(("audiences", _l("Choose who the offering is for before publishing.")))
    if not offering.languages:
        problems.append(("languages", _l("Choose the language of instruction before publishing.")))
    if offering.format != enums.Format.ONLINE and not (offering.venue and offering.address):
        problems.append(
            ("venue", _l("Give the venue and address of an in-person or hybrid offering."))
        )
    if problems:
        raise OfferingInvalid(problems)

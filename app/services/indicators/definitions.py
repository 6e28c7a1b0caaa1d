"""Every indicator, defined once: its code, its name and description in both languages, its
unit, its breakdowns, whether it is public and whether its small counts are suppressed.

Stored indicators are counted from the facts (``compute``); derived ones (a share, a rate,
a sum of others) are worked out from stored values when they are read, after suppression,
so that a share never gives away a hidden count."""

from dataclasses import dataclass, field

from flask_babel import force_locale
from flask_babel import lazy_gettext as _l

from app.i18n import LANGUAGES

PROGRAMME, KIND, MUNICIPALITY = "programme", "kind", "municipality"
SECTOR, SOURCE, TERM = "sector", "source", "term"
INCLUSION = ("gender", "age_band", "employment_status", "education_level", "residence")
DISABILITY = "disability"
# The group of facts a stored indicator is counted from: the feed refreshes one group.
STRUCTURE, PLACES, LEARNING, CLASSES, APPLICATIONS, SEARCHES = (
    "structure",
    "places",
    "learning",
    "classes",
    "applications",
    "searches",
)
# A breakdown's key for people who gave no answer: every breakdown adds up to its total.
UNKNOWN = "unknown"


@dataclass(frozen=True)
class Indicator:
    code: str
    name: object  # lazy strings: rendered in each language by ``names``
    description: object
    unit: str
    breakdowns: tuple[str, ...] = ()
    group: str | None = None  # None: derived from other indicators
    public: bool = True
    about_people: bool = True  # small counts suppressed in public
    # Derived: a share (numerator, denominator) in per cent, or a sum of other indicators.
    share_of: tuple[str, str] | None = None
    sum_of: tuple[str, ...] = field(default=())
    # Derived: the sum of some cells of another indicator's breakdown (code, dimension, keys).
    cells_of: tuple[str, str, tuple[str, ...]] | None = None

    @property
    def stored(self) -> bool:
        return self.group is not None


OFFER = (PROGRAMME, KIND, MUNICIPALITY)
REACH = (PROGRAMME, MUNICIPALITY)

INDICATORS: tuple[Indicator, ...] = (
    Indicator(
        "members",
        _l("Partnership members"),
        _l("Organisations that were members of the partnership at some time in the year."),
        "organisations",
        ("kind", MUNICIPALITY),
        STRUCTURE,
        about_people=False,
    ),
    Indicator(
        "agents",
        _l("Mapped ecosystem agents"),
        _l("Organisations in the ecosystem map by the end of the year, members or not."),
        "organisations",
        ("kind", SECTOR, MUNICIPALITY),
        STRUCTURE,
        about_people=False,
    ),
    Indicator(
        "offerings",
        _l("Offerings run"),
        _l("Published offerings starting in the year (drafts and cancelled ones left out)."),
        "offerings",
        OFFER,
        STRUCTURE,
        about_people=False,
    ),
    Indicator(
        "places",
        _l("Places offered"),
        _l("The capacity of the offerings run: places, pupils for classes, cohort sizes."),
        "places",
        OFFER,
        STRUCTURE,
        about_people=False,
    ),
    Indicator(
        "hours",
        _l("Hours of training delivered"),
        _l("The length of every session of the offerings run, in whole hours."),
        "hours",
        OFFER,
        STRUCTURE,
        about_people=False,
    ),
    Indicator(
        "enrolments",
        _l("Enrolments"),
        _l("Places confirmed in the year's offerings, including places later cancelled."),
        "enrolments",
        OFFER,
        PLACES,
    ),
    Indicator(
        "participants",
        _l("Unique participants"),
        _l(
            "People with at least one confirmed place in the year: a person counts once a "
            "year however many courses they take. The inclusion breakdowns come only from "
            "the answers people chose to give, as they were when they first took part."
        ),
        "people",
        (*INCLUSION, DISABILITY),
        PLACES,
    ),
    Indicator(
        "attendance_marks",
        _l("Attendance marks"),
        _l("Participants marked present or absent at a session."),
        "marks",
        group=LEARNING,
        public=False,
    ),
    Indicator(
        "attendance_present",
        _l("Marked present"),
        _l("Participants marked present at a session."),
        "marks",
        group=LEARNING,
        public=False,
    ),
    Indicator(
        "attendance_rate",
        _l("Attendance rate"),
        _l("Of every participant marked at a session, the share marked present."),
        "percent",
        share_of=("attendance_present", "attendance_marks"),
    ),
    Indicator(
        "completions",
        _l("Completions"),
        _l("Confirmed places whose participant completed the offering."),
        "people",
        OFFER,
        LEARNING,
    ),
    Indicator(
        "completion_rate",
        _l("Completion rate"),
        _l("Completions as a share of enrolments."),
        "percent",
        share_of=("completions", "enrolments"),
    ),
    Indicator(
        "upskilled",
        _l("People up- or reskilled"),
        _l(
            "Completions of bootcamps and training cycles, as the Pact for Skills' yearly "
            "survey asks."
        ),
        "people",
        cells_of=("completions", KIND, ("bootcamp", "training-cycle")),
    ),
    Indicator(
        "schools",
        _l("Schools reached"),
        _l("Schools with at least one confirmed class in the year's offerings."),
        "schools",
        REACH,
        CLASSES,
        about_people=False,
    ),
    Indicator(
        "classes",
        _l("Classes reached"),
        _l("Classes confirmed for a session of the year's offerings."),
        "classes",
        REACH,
        CLASSES,
        about_people=False,
    ),
    Indicator(
        "pupils",
        _l("Pupils reached"),
        _l(
            "Pupils of the confirmed classes: those marked present, or the confirmed "
            "headcount where nobody marked them. Pupils are counted, never named."
        ),
        "pupils",
        REACH,
        CLASSES,
    ),
    Indicator(
        "applications",
        _l("Applications"),
        _l("Applications sent to the year's calls for entrepreneurs."),
        "applications",
        REACH,
        APPLICATIONS,
    ),
    Indicator(
        "entrepreneurs",
        _l("Entrepreneurs supported"),
        _l("Applications accepted into an acceleration or incubation cohort."),
        "people",
        REACH,
        APPLICATIONS,
    ),
    Indicator(
        "technical_participants",
        _l("Participants in technical programmes"),
        _l("Unique participants in bootcamps and training cycles."),
        "people",
        group=PLACES,
        public=False,
    ),
    Indicator(
        "technical_women",
        _l("Women in technical programmes"),
        _l("Unique participants in bootcamps and training cycles who said they are women."),
        "people",
        group=PLACES,
        public=False,
    ),
    Indicator(
        "women_in_technical_share",
        _l("Share of women in technical programmes"),
        _l(
            "Women as a share of the unique participants in bootcamps and training cycles "
            "(of everyone, including those who gave no answer)."
        ),
        "percent",
        share_of=("technical_women", "technical_participants"),
    ),
    Indicator(
        "unmet_waiting",
        _l("Left on a waiting list"),
        _l("Places asked for on a waiting list that never became a confirmed place."),
        "requests",
        REACH,
        PLACES,
    ),
    Indicator(
        "unmet_classes",
        _l("Classes not placed"),
        _l("Classes still waiting for seats, or declined, in the year's offerings."),
        "classes",
        REACH,
        CLASSES,
    ),
    Indicator(
        "unmet_applications",
        _l("Applications not selected"),
        _l("Applications to the year's calls that were not selected."),
        "applications",
        REACH,
        APPLICATIONS,
    ),
    Indicator(
        "unmet_searches",
        _l("Searches that found nothing"),
        _l(
            "Searches of the catalogue that found no offering, counted by their normalised "
            "words and never linked to a person: what residents ask for that the offer does "
            "not cover."
        ),
        "searches",
        (TERM,),
        SEARCHES,
        about_people=False,
    ),
    Indicator(
        "unmet_alerts",
        _l("Alerts asked for"),
        _l(
            "Email alerts residents started for a search of the catalogue (“email me when "
            "a matching offering is published”), counted by the search's normalised words "
            "when the alert starts, and never linked to a person."
        ),
        "requests",
        (TERM,),
        SEARCHES,
        about_people=False,
    ),
    Indicator(
        "unmet_demand",
        _l("Unmet demand"),
        _l(
            "The talent observatory's total: waiting-list requests never placed, classes "
            "not placed, applications not selected and email alerts asked for."
        ),
        "requests",
        (SOURCE,),
        sum_of=("unmet_waiting", "unmet_classes", "unmet_applications", "unmet_alerts"),
    ),
)

BY_CODE = {indicator.code: indicator for indicator in INDICATORS}
PUBLIC = tuple(indicator for indicator in INDICATORS if indicator.public)
STORED = tuple(indicator for indicator in INDICATORS if indicator.stored)
# Kinds of offering whose completion is up- or reskilling, and whose programmes are technical.
TECHNICAL_KINDS = BY_CODE["upskilled"].cells_of[2]


def in_group(group: str) -> tuple[Indicator, ...]:
    return tuple(indicator for indicator in STORED if indicator.group == group)


def names(text) -> dict[str, str]:
    """A lazy string in each language."""
    result = {}
    for lang in LANGUAGES:
        with force_locale(lang):
            result[lang] = str(text)
    return result

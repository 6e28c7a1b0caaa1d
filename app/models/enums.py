"""Every category and status of the catalogue, each with its translated label, defined once."""

from flask_babel import lazy_gettext as _l

from app.models.types import LabelledEnum


class Kind(LabelledEnum):
    BOOTCAMP = "bootcamp", _l("Bootcamp")
    TRAINING_CYCLE = "training-cycle", _l("Training cycle")
    WORKSHOP = "workshop", _l("Workshop")
    TALK = "talk", _l("Talk")
    SCIENCE_WEEK_ACTIVITY = "science-week-activity", _l("Science Week activity")
    STEAM_CONGRESS = "steam-congress", _l("STEAM Congress")
    SMART_SCHOOLS = "smart-schools", _l("Smart Schools")
    ACCELERATION = "acceleration", _l("Acceleration programme")
    INCUBATION = "incubation", _l("Incubation")
    MENTORING = "mentoring", _l("Mentoring")

    @property
    def is_one_off(self) -> bool:
        """Activities published as schema.org Events rather than Courses."""
        return self in ONE_OFF_KINDS


ONE_OFF_KINDS = frozenset(
    {Kind.TALK, Kind.SCIENCE_WEEK_ACTIVITY, Kind.STEAM_CONGRESS, Kind.WORKSHOP}
)


class Mode(LabelledEnum):
    INDIVIDUAL = "individual", _l("Individual enrolment")
    APPLICATION = "application", _l("Application with review")
    CLASS = "class", _l("Class registration by a school")


class Format(LabelledEnum):
    IN_PERSON = "in-person", _l("In person")
    ONLINE = "online", _l("Online")
    HYBRID = "hybrid", _l("Hybrid")


class Audience(LabelledEnum):
    RESIDENTS = "residents", _l("Residents")
    STUDENTS = "students", _l("Students and schools")
    TEACHERS = "teachers", _l("Teachers")
    ENTREPRENEURS = "entrepreneurs", _l("Entrepreneurs")
    COMPANIES = "companies", _l("Companies")
    UNEMPLOYED = "unemployed", _l("Unemployed people")


class InstructionLanguage(LabelledEnum):
    SPANISH = "es", _l("Spanish")
    ENGLISH = "en", _l("English")


class Level(LabelledEnum):
    INTRODUCTORY = "introductory", _l("Introductory")
    INTERMEDIATE = "intermediate", _l("Intermediate")
    ADVANCED = "advanced", _l("Advanced")


class OfferingStatus(LabelledEnum):
    DRAFT = "draft", _l("Draft")
    PUBLISHED = "published", _l("Published")
    CANCELLED = "cancelled", _l("Cancelled")
    ARCHIVED = "archived", _l("Archived")


class Availability(LabelledEnum):
    """What a visitor can do now, computed from the window, the capacity and the status."""

    OPEN = "open", _l("Places available")
    WAITING_LIST = "waiting-list", _l("Waiting list")
    NOT_YET_OPEN = "not-yet-open", _l("Enrolment not open yet")
    CLOSED = "closed", _l("Enrolment closed")
    CANCELLED = "cancelled", _l("Cancelled")


class OrganisationKind(LabelledEnum):
    PUBLIC_BODY = "public-body", _l("Public body")
    COMPANY = "company", _l("Company")
    SCHOOL = "school", _l("School")
    UNIVERSITY = "university", _l("University")
    TRAINING_PROVIDER = "training-provider", _l("Training provider")
    ASSOCIATION = "association", _l("Association")
    INCUBATOR = "incubator", _l("Incubator")

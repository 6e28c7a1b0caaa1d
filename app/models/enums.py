"""Every category and status of the catalogue, each with its translated label, defined once."""

from flask_babel import lazy_gettext as _l

from app.models.types import LabelledEnum, PlaceStatus


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


class Role(LabelledEnum):
    RESIDENT = "resident", _l("Resident")
    SCHOOL_STAFF = "school-staff", _l("School staff")
    ORGANISATION_STAFF = "organisation-staff", _l("Organisation staff")
    COORDINATOR = "coordinator", _l("Partnership coordinator")
    ADMIN = "admin", _l("Administrator")


class EnrolmentStatus(PlaceStatus):
    CONFIRMED = "confirmed", _l("Confirmed place")
    WAITING = "waiting", _l("On the waiting list")
    CANCELLED = "cancelled", _l("Cancelled")
    OFFERING_CANCELLED = "offering-cancelled", _l("Offering cancelled")


LIVE_ENROLMENT_STATUSES = EnrolmentStatus.live()


class OutboxStatus(LabelledEnum):
    PENDING = "pending", _l("Pending")
    SENT = "sent", _l("Sent")
    FAILED = "failed", _l("Failed")


class AgeBand(LabelledEnum):
    UNDER_16 = "under-16", _l("Under 16")
    FROM_16_TO_24 = "16-24", _l("16 to 24")
    FROM_25_TO_34 = "25-34", _l("25 to 34")
    FROM_35_TO_44 = "35-44", _l("35 to 44")
    FROM_45_TO_54 = "45-54", _l("45 to 54")
    FROM_55_TO_64 = "55-64", _l("55 to 64")
    FROM_65 = "65-plus", _l("65 or over")


class Gender(LabelledEnum):
    WOMAN = "woman", _l("Woman")
    MAN = "man", _l("Man")
    NON_BINARY = "non-binary", _l("Non-binary")
    OTHER = "other", _l("I describe myself in another way")
    UNDISCLOSED = "undisclosed", _l("I prefer not to say")


class EmploymentStatus(LabelledEnum):
    EMPLOYED = "employed", _l("Employed")
    SELF_EMPLOYED = "self-employed", _l("Self-employed")
    UNEMPLOYED = "unemployed", _l("Unemployed")
    STUDENT = "student", _l("Student")
    RETIRED = "retired", _l("Retired")
    OTHER = "other", _l("Other situation")
    UNDISCLOSED = "undisclosed", _l("I prefer not to say")


class EducationLevel(LabelledEnum):
    PRIMARY = "primary", _l("Primary education or less")
    SECONDARY = "secondary", _l("Compulsory secondary education")
    UPPER_SECONDARY = "upper-secondary", _l("Baccalaureate or intermediate vocational training")
    VOCATIONAL_HIGHER = "vocational-higher", _l("Higher vocational training")
    UNIVERSITY = "university", _l("University degree")
    UNDISCLOSED = "undisclosed", _l("I prefer not to say")


class ApplicationStatus(LabelledEnum):
    """Where an entrepreneur's application to a call stands, as the applicant reads it."""

    DRAFT = "draft", _l("Draft (not sent)")
    SUBMITTED = "submitted", _l("Submitted")
    UNDER_REVIEW = "under-review", _l("Under review")
    SHORTLISTED = "shortlisted", _l("Shortlisted")
    ACCEPTED = "accepted", _l("Accepted: confirm your place")
    CONFIRMED = "confirmed", _l("Accepted and confirmed")
    RESERVE = "reserve", _l("On the reserve list")
    NOT_SELECTED = "not-selected", _l("Not selected")
    WITHDRAWN = "withdrawn", _l("Withdrawn")
    LAPSED = "lapsed", _l("Place not confirmed in time")

    @property
    def holds_place(self) -> bool:
        return self in (ApplicationStatus.ACCEPTED, ApplicationStatus.CONFIRMED)

    @property
    def is_closed(self) -> bool:
        return self in CLOSED_APPLICATION_STATUSES


CLOSED_APPLICATION_STATUSES = (
    ApplicationStatus.NOT_SELECTED,
    ApplicationStatus.WITHDRAWN,
    ApplicationStatus.LAPSED,
)


class Decision(LabelledEnum):
    """What staff decide for an application; it waits until they send every decision."""

    SHORTLIST = "shortlist", _l("Shortlist")
    ACCEPT = "accept", _l("Accept")
    RESERVE = "reserve", _l("Reserve list")
    NOT_SELECTED = "not-selected", _l("Not selected")


class ProjectStage(LabelledEnum):
    IDEA = "idea", _l("Idea")
    PROTOTYPE = "prototype", _l("Prototype")
    FIRST_CUSTOMERS = "first-customers", _l("First customers")
    GROWTH = "growth", _l("Growth")


class ReviewStatus(LabelledEnum):
    SCORED = "scored", _l("Scored")
    ABSTAINED = "abstained", _l("Abstained")
    CONFLICT = "conflict", _l("Conflict of interest declared")

"""The partnership's offer: municipalities, organisations, programmes, offerings, sessions."""

from datetime import date, datetime, timedelta

import sqlalchemy as sa
from sqlalchemy.ext.hybrid import hybrid_property
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import db
from app.models import enums
from app.models.types import UTCDateTime, enum_column, owned_by, owns, utcnow

# Facts of an offering that the back office, the spreadsheet import and the demo all check.
MAX_CAPACITY = 100_000
MAX_AGE = 120
# Between the values of a list kept in one column (skills) or one spreadsheet cell.
LIST_SEPARATOR = "|"


def split_list(value: str | None) -> list[str]:
    """The values of a list kept in one column ("python|datos")."""
    return [item for item in (value or "").split(LIST_SEPARATOR) if item]


class Municipality(db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(sa.String(64), unique=True)
    name_es: Mapped[str] = mapped_column(sa.String(120))
    name_en: Mapped[str | None] = mapped_column(sa.String(120))
    is_partner: Mapped[bool] = mapped_column(default=False)
    sort_order: Mapped[int] = mapped_column(default=0)

    def __repr__(self) -> str:
        return f"<Municipality {self.slug}>"


class Organisation(db.Model):
    """An agent of the local ecosystem; partnership members are a subset."""

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(200), unique=True)
    kind: Mapped[enums.OrganisationKind] = mapped_column(enum_column(enums.OrganisationKind))
    sector: Mapped[str | None] = mapped_column(sa.String(120))
    municipality_id: Mapped[int | None] = mapped_column(sa.ForeignKey("municipality.id"))
    website: Mapped[str | None] = mapped_column(sa.String(300))
    contact_email: Mapped[str | None] = mapped_column(sa.String(254))
    is_member: Mapped[bool] = mapped_column(default=False)
    member_since: Mapped[date | None]
    member_until: Mapped[date | None]
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    municipality: Mapped[Municipality | None] = relationship()

    def __repr__(self) -> str:
        return f"<Organisation {self.name!r}>"


class Programme(db.Model):
    """A strand of the partnership's plan (bootcamps, Science Week, acceleration...)."""

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(sa.String(64), unique=True)
    name_es: Mapped[str] = mapped_column(sa.String(160))
    name_en: Mapped[str | None] = mapped_column(sa.String(160))
    summary_es: Mapped[str | None] = mapped_column(sa.Text)
    summary_en: Mapped[str | None] = mapped_column(sa.Text)
    sort_order: Mapped[int] = mapped_column(default=0)

    def __repr__(self) -> str:
        return f"<Programme {self.slug}>"


class Offering(db.Model):
    """One run of a course or activity, with its dated sessions."""

    __table_args__ = (
        sa.CheckConstraint("capacity >= 0", name="capacity_not_negative"),
        sa.CheckConstraint("seats_taken >= 0 AND seats_taken <= capacity", name="seats_within"),
        # Covers every column the listing index reads (app/services/catalogue/index.py), so
        # building it for 100,000 offerings never touches their (long) rows.
        sa.Index(
            "ix_offering_listing",
            "status",
            "starts_at",
            "ends_at",
            "programme_id",
            "kind",
            "municipality_id",
            "format",
            "seats_taken",
            "capacity",
            "price_cents",
            "enrolment_opens",
            "enrolment_closes",
            "mode",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    external_id: Mapped[str] = mapped_column(sa.String(80), unique=True)
    programme_id: Mapped[int] = mapped_column(sa.ForeignKey("programme.id"), index=True)
    kind: Mapped[enums.Kind] = mapped_column(enum_column(enums.Kind), index=True)
    mode: Mapped[enums.Mode] = mapped_column(enum_column(enums.Mode))
    status: Mapped[enums.OfferingStatus] = mapped_column(
        enum_column(enums.OfferingStatus), default=enums.OfferingStatus.DRAFT
    )

    title_es: Mapped[str] = mapped_column(sa.String(200))
    title_en: Mapped[str | None] = mapped_column(sa.String(200))
    summary_es: Mapped[str] = mapped_column(sa.String(500))
    summary_en: Mapped[str | None] = mapped_column(sa.String(500))
    description_es: Mapped[str] = mapped_column(sa.Text)
    description_en: Mapped[str | None] = mapped_column(sa.Text)
    prerequisites_es: Mapped[str | None] = mapped_column(sa.Text)
    prerequisites_en: Mapped[str | None] = mapped_column(sa.Text)

    level: Mapped[enums.Level | None] = mapped_column(enum_column(enums.Level))
    format: Mapped[enums.Format] = mapped_column(enum_column(enums.Format), index=True)
    skills: Mapped[str | None] = mapped_column(sa.String(500))  # "python|datos"
    provider_id: Mapped[int] = mapped_column(sa.ForeignKey("organisation.id"), index=True)
    municipality_id: Mapped[int] = mapped_column(sa.ForeignKey("municipality.id"), index=True)
    venue: Mapped[str | None] = mapped_column(sa.String(200))
    address: Mapped[str | None] = mapped_column(sa.String(300))

    min_age: Mapped[int | None]
    max_age: Mapped[int | None]
    price_cents: Mapped[int] = mapped_column(default=0)
    capacity: Mapped[int]
    seats_taken: Mapped[int] = mapped_column(default=0)
    # Indexed one by one: the next moment any offering changes state (cache keys) is a min.
    enrolment_opens: Mapped[datetime | None] = mapped_column(UTCDateTime(), index=True)
    enrolment_closes: Mapped[datetime | None] = mapped_column(UTCDateTime(), index=True)
    # Eligibility and cancellation rules checked by services.enrolment.
    residents_only: Mapped[bool] = mapped_column(default=False, server_default=sa.false())
    cancellation_hours: Mapped[int] = mapped_column(default=24, server_default="24")
    # First and last session, kept by the service that writes sessions: sorting and date filters.
    starts_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), index=True)
    ends_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), index=True)

    # Its image (services.offerings.images): a key in the storage, the size it was stored
    # at, and what it shows in both languages. None: the programme's illustration.
    image_key: Mapped[str | None] = mapped_column(sa.String(64), unique=True, index=True)
    image_width: Mapped[int | None]
    image_height: Mapped[int | None]
    image_alt_es: Mapped[str | None] = mapped_column(sa.String(300))
    image_alt_en: Mapped[str | None] = mapped_column(sa.String(300))

    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)

    programme: Mapped[Programme] = relationship()
    provider: Mapped[Organisation] = relationship()
    municipality: Mapped[Municipality] = relationship()
    sessions: Mapped[list["OfferingSession"]] = owns(
        back_populates="offering", order_by="OfferingSession.starts_at"
    )
    audience_rows: Mapped[list["OfferingAudience"]] = owns(order_by="OfferingAudience.audience")
    language_rows: Mapped[list["OfferingLanguage"]] = owns(order_by="OfferingLanguage.language")

    def __repr__(self) -> str:
        return f"<Offering {self.external_id}>"

    @property
    def audiences(self) -> list[enums.Audience]:
        return [row.audience for row in self.audience_rows]

    @property
    def languages(self) -> list[enums.InstructionLanguage]:
        return [row.language for row in self.language_rows]

    @property
    def skill_list(self) -> list[str]:
        return split_list(self.skills)

    @hybrid_property
    def seats_left(self) -> int:
        return max(self.capacity - self.seats_taken, 0)

    @seats_left.inplace.expression
    @classmethod
    def _seats_left_expression(cls) -> sa.ColumnElement[int]:
        return sa.case((cls.seats_taken < cls.capacity, cls.capacity - cls.seats_taken), else_=0)

    @property
    def is_free(self) -> bool:
        return self.price_cents == 0

    @property
    def cancellation_deadline(self) -> datetime | None:
        """Participants may cancel until this many hours before the first session."""
        if self.starts_at is None:
            return None
        return self.starts_at - timedelta(hours=self.cancellation_hours)

    @hybrid_property
    def enrolment_deadline(self) -> datetime | None:
        """Enrolment closes at the stated time, or when the first session starts."""
        return self.enrolment_closes or self.starts_at

    @enrolment_deadline.inplace.expression
    @classmethod
    def _enrolment_deadline_expression(cls) -> sa.ColumnElement[datetime | None]:
        return sa.func.coalesce(cls.enrolment_closes, cls.starts_at)

    def gives_free_places(self, now: datetime) -> bool:
        """Whether a place that comes free goes to the next one on a list (the waiting list,
        the reserve list): only while the offering is published and has not started."""
        return self.status == enums.OfferingStatus.PUBLISHED and (
            self.starts_at is None or now < self.starts_at
        )

    def availability(self, now: datetime) -> enums.Availability:
        return availability(self, now)


def availability(offering, now: datetime) -> enums.Availability:
    """Whether one can enrol in ``offering`` at ``now``: an Offering, or a row read with the
    same names (status, enrolment_opens, enrolment_deadline, seats_left, mode)."""
    if offering.status == enums.OfferingStatus.CANCELLED:
        return enums.Availability.CANCELLED
    if offering.status != enums.OfferingStatus.PUBLISHED:
        return enums.Availability.CLOSED
    if offering.enrolment_opens and now < offering.enrolment_opens:
        return enums.Availability.NOT_YET_OPEN
    deadline = offering.enrolment_deadline
    if deadline and now >= deadline:
        return enums.Availability.CLOSED
    if offering.seats_left > 0:
        return enums.Availability.OPEN
    if offering.mode == enums.Mode.INDIVIDUAL:
        return enums.Availability.WAITING_LIST
    return enums.Availability.CLOSED


class OfferingValue:
    """A row of one of an offering's many-valued fields: the offering and, in the subclass,
    the value, together the primary key."""

    # First in the table and in the primary key, as the offering is what rows are found by.
    offering_id: Mapped[int] = owned_by("offering", primary_key=True, sort_order=-1)


class OfferingAudience(OfferingValue, db.Model):
    audience: Mapped[enums.Audience] = mapped_column(
        enum_column(enums.Audience), primary_key=True, index=True
    )


class OfferingLanguage(OfferingValue, db.Model):
    language: Mapped[enums.InstructionLanguage] = mapped_column(
        enum_column(enums.InstructionLanguage), primary_key=True, index=True
    )


class OfferingSession(db.Model):
    """One dated meeting of an offering."""

    __tablename__ = "session"
    __table_args__ = (sa.CheckConstraint("ends_at > starts_at", name="ends_after_start"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    offering_id: Mapped[int] = owned_by("offering", index=True)
    # Indexed: the next session to start is a moment the catalogue's cache keys change at.
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)
    ends_at: Mapped[datetime] = mapped_column(UTCDateTime())
    # Where this session differs from the offering's venue (e.g. a visit).
    venue: Mapped[str | None] = mapped_column(sa.String(200))
    address: Mapped[str | None] = mapped_column(sa.String(300))

    offering: Mapped[Offering] = relationship(back_populates="sessions")


class CatalogueVersion(db.Model):
    """One row: a number bumped in the transaction of every offer-side change a public page
    shows (publish, edit, sessions, cancel, import). Cached catalogue results and pages are
    keyed by it. Seats are not counted here: they change under the offering's own lock and
    a page's key reads them from the offering rows."""

    id: Mapped[int] = mapped_column(primary_key=True)
    version: Mapped[int] = mapped_column(sa.BigInteger, default=0)


SEAT_STAMP_SHARDS = 64


class SeatStamp(db.Model):
    """Counters of seat changes, one per shard of offerings: database triggers (migration
    0012) bump the shard of every offering whose seats change and of every class session
    whose pupils or capacity change, in that change's transaction. Their sum moves with every
    seat taken or freed anywhere, so a cached page is found with one cheap statement; a rush
    on one offering bumps one row under that offering's own lock, and offerings filling at
    once mostly bump different rows.

    The same shard rows hold the full sets the catalogue's results are keyed by: how many
    published offerings (and class sessions) have every seat taken, and the sum of their
    ids, changed by triggers (migration 0014) only when a row becomes full or stops being
    full. Summing 64 rows costs the same at any size of the offer."""

    shard: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    changes: Mapped[int] = mapped_column(sa.BigInteger, default=0)
    full_offerings: Mapped[int] = mapped_column(sa.BigInteger, server_default=sa.text("0"))
    full_offering_ids: Mapped[int] = mapped_column(sa.BigInteger, server_default=sa.text("0"))
    full_classes: Mapped[int] = mapped_column(sa.BigInteger, server_default=sa.text("0"))
    full_class_ids: Mapped[int] = mapped_column(sa.BigInteger, server_default=sa.text("0"))


class SearchTerm(db.Model):
    """Inverted index: accent-folded, stemmed terms of an offering, weighted by field."""

    offering_id: Mapped[int] = owned_by("offering", primary_key=True)
    term: Mapped[str] = mapped_column(sa.String(64), primary_key=True)
    weight: Mapped[int]

    # Covering: a search's matching reads the index alone (weights included).
    __table_args__ = (sa.Index("ix_search_term_term", "term", "offering_id", "weight"),)
